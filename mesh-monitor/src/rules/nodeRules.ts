// Node down vs agent silent, and a new node appearing.
import type { Candidate } from "./condition.ts";
import { onlyBlindEvidence } from "./meshView.ts";
import { offer, seconds, tracked, type Rule } from "./ruleContext.ts";

export const nodeDownRule: Rule = (context) => {
  const { config, knowledge } = context;
  const candidates: Candidate[] = [];
  for (const [id, node] of Object.entries(knowledge.nodes)) {
    const silent = context.silent.has(id);
    if (!silent && !tracked(context, "MeshNodeDown", id) && !tracked(context, "MeshAgentSilent", id)) continue;
    const seenByNeighbours = context.stillSeenByNeighbours.has(id);
    const name = context.displayName(id);
    const suppressed = onlyBlindEvidence(node.sources, context.blind);
    const labels = { node: id, node_name: name, source: context.sourceLabel(node.sources) };
    const silentFor = Math.round((context.now - node.lastSeen) / 1000);
    const down = silent && !seenByNeighbours;
    offer(context, candidates, {
      alertname: "MeshNodeDown",
      subject: id,
      enter: down,
      leave: !down,
      enterForMs: 0, // the silence limit is already the hold time
      leaveForMs: seconds(config.nodeDown.resolveAfterSeconds),
      suppressed,
      describe: () => ({
        labels: { alertname: "MeshNodeDown", severity: "critical", ...labels },
        summary: `Node ${name} is down`,
        description: `Nothing heard from ${name} for ${silentFor} s, and no neighbour still has a working link to it.`,
      }),
    });
    const agentSilent = silent && seenByNeighbours;
    offer(context, candidates, {
      alertname: "MeshAgentSilent",
      subject: id,
      enter: agentSilent,
      leave: !agentSilent,
      enterForMs: 0,
      leaveForMs: seconds(config.nodeDown.resolveAfterSeconds),
      suppressed,
      describe: () => ({
        labels: { alertname: "MeshAgentSilent", severity: "warning", ...labels },
        summary: `Node ${name} stopped reporting, but is still routing`,
        description: `${name} has not reported for ${silentFor} s, yet its neighbours still have a good link to it: its monitoring agent is probably down, not the node.`,
      }),
    });
  }
  return candidates;
};

export const newNodeRule: Rule = (context) => {
  const { config, knowledge, now } = context;
  if (!config.newNode.enabled) return [];
  const announceMs = seconds(config.newNode.announceSeconds);
  const candidates: Candidate[] = [];
  for (const [id, node] of Object.entries(knowledge.nodes)) {
    // Nodes that show up in the first few cycles after start are the mesh as it was, not newcomers.
    if (node.firstSeen <= knowledge.baselineAt + seconds(3 * config.collectionIntervalSeconds)) continue;
    const recent = now - node.firstSeen < announceMs;
    if (!recent && context.conditions.MeshNewNode?.[id] === undefined) continue;
    const name = context.displayName(id);
    offer(context, candidates, {
      alertname: "MeshNewNode",
      subject: id,
      enter: recent,
      leave: !recent,
      enterForMs: 0,
      leaveForMs: 0,
      describe: () => ({
        labels: { alertname: "MeshNewNode", severity: "info", node: id, node_name: name, source: context.sourceLabel(node.sources) },
        summary: `New node ${name} joined the mesh`,
        description: `${name} was seen for the first time. If nobody knows it, ask around; if it is yours, adopt it.`,
      }),
    });
  }
  return candidates;
};
