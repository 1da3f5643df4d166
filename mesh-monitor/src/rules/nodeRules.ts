// Node down vs agent silent, and a new node appearing.
import { describeAlert } from "./alertWording.ts";
import { staysFiring } from "./condition.ts";
import { onlyBlindEvidence } from "./meshView.ts";
import { seconds, type Rule } from "./ruleContext.ts";

export const nodeDownRule: Rule = (context) => {
  const { config, conditions } = context;
  const resolveMs = seconds(config.nodeDown.resolveAfterSeconds);
  const downAlerts = conditions.of("MeshNodeDown");
  const agentAlerts = conditions.of("MeshAgentSilent");
  for (const node of context.knowledge.nodeList) {
    const id = node.id;
    const silent = context.silent.has(id);
    if (!silent && !downAlerts.has(id) && !agentAlerts.has(id)) continue;
    const seenByNeighbours = context.stillSeenByNeighbours.has(id);
    const suppressed = onlyBlindEvidence(node.sources, context.blind);
    const labels = () => ({ node: id, node_name: context.displayName(id), source: context.sourceLabel(node.sources) });
    const silentFor = Math.round((context.now - node.lastSeen) / 1000);
    const down = silent && !seenByNeighbours;
    const agentSilent = silent && seenByNeighbours;
    // A candidate only where stepping can change something: entering, or tracked and not steadily firing.
    if (!staysFiring(downAlerts, id, !down) && (down || downAlerts.has(id)))
      context.offer({
        alertname: "MeshNodeDown",
        subject: id,
        enter: down,
        leave: !down,
        enterForMs: 0, // the silence limit is already the hold time
        leaveForMs: resolveMs,
        suppressed,
        describe: () =>
          describeAlert(
            { alertname: "MeshNodeDown", severity: "critical", ...labels() },
            `Nothing heard from ${context.displayName(id)} for ${silentFor} s, and no neighbour still has a working link to it.`,
          ),
      });
    if (!staysFiring(agentAlerts, id, !agentSilent) && (agentSilent || agentAlerts.has(id)))
      context.offer({
        alertname: "MeshAgentSilent",
        subject: id,
        enter: agentSilent,
        leave: !agentSilent,
        enterForMs: 0,
        leaveForMs: resolveMs,
        suppressed,
        describe: () =>
          describeAlert(
            { alertname: "MeshAgentSilent", severity: "warning", ...labels() },
            `${context.displayName(id)} has not reported for ${silentFor} s, yet its neighbours still have a good link to it.`,
          ),
      });
  }
};

export const newNodeRule: Rule = (context) => {
  const { config, knowledge, now, conditions } = context;
  if (!config.newNode.enabled) return;
  const announceMs = seconds(config.newNode.announceSeconds);
  // Nodes that show up in the first few cycles after start are the mesh as it was, not newcomers.
  const announced = conditions.of("MeshNewNode");
  const baselineEnd = knowledge.baselineAt + seconds(3 * config.collectionIntervalSeconds);
  for (const node of knowledge.nodeList) {
    if (node.firstSeen <= baselineEnd) continue;
    const id = node.id;
    const recent = now - node.firstSeen < announceMs;
    if (!recent && !announced.has(id)) continue;
    context.offer({
      alertname: "MeshNewNode",
      subject: id,
      enter: recent,
      leave: !recent,
      enterForMs: 0,
      leaveForMs: 0,
      describe: () => {
        const name = context.displayName(id);
        return describeAlert(
          { alertname: "MeshNewNode", severity: "info", node: id, node_name: name, source: context.sourceLabel(node.sources) },
          `${name} was seen for the first time.`,
        );
      },
    });
  }
};
