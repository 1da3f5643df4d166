// Link lost, and link degraded with separate thresholds (and hold times) for entering and leaving.
import type { Candidate } from "./condition.ts";
import { onlyBlindEvidence } from "./meshView.ts";
import { offer, seconds, tracked, type Rule } from "./ruleContext.ts";

export const linkRule: Rule = (context) => {
  const { config } = context;
  const candidates: Candidate[] = [];
  for (const [key, link] of Object.entries(context.knowledge.links)) {
    const reading = context.current.links.get(key);
    const present = reading !== undefined && reading.quality > 0;
    // The common case, a healthy link nobody is alerting about, costs two lookups and no allocation.
    if (present && reading.quality >= config.linkDegraded.enterBelow && !tracked(context, "MeshLinkLost", key) && !tracked(context, "MeshLinkDegraded", key)) continue;
    const [a, b] = key.split("|") as [string, string];
    const nameA = context.displayName(a);
    const nameB = context.displayName(b);
    const suppressed = onlyBlindEvidence(link.sources, context.blind);
    // A link to a silent node is explained by that node's own alert.
    // A node that vanished from every healthy collector this cycle is probably going down as a whole.
    // So is one whose own agent just stopped answering: wait for that node's verdict (down or agent silent).
    const endpointSilent = [a, b].some((id) => context.silent.has(id) || context.agentFailing.has(id) || !context.current.nodes.has(id));
    const labels = { link: `${a}--${b}`, node_a: a, node_b: b, link_name: `${nameA} ↔ ${nameB}`, source: context.sourceLabel(link.sources) };
    offer(context, candidates, {
      alertname: "MeshLinkLost",
      subject: key,
      enter: !present,
      leave: present,
      enterForMs: seconds(config.linkLost.forSeconds),
      leaveForMs: seconds(config.linkLost.resolveAfterSeconds),
      suppressed,
      inhibited: endpointSilent,
      describe: () => ({
        labels: { alertname: "MeshLinkLost", severity: "warning", ...labels },
        summary: `Link ${nameA} ↔ ${nameB} lost`,
        description: `The radio link between ${nameA} and ${nameB} is gone; traffic takes another path if there is one.`,
      }),
    });
    const quality = present ? reading.quality : undefined;
    const degraded = config.linkDegraded;
    offer(context, candidates, {
      alertname: "MeshLinkDegraded",
      subject: key,
      enter: quality !== undefined && quality < degraded.enterBelow,
      leave: quality === undefined || quality > degraded.leaveAbove,
      enterForMs: seconds(degraded.enterForSeconds),
      leaveForMs: seconds(degraded.leaveForSeconds),
      suppressed,
      inhibited: endpointSilent,
      describe: () => ({
        labels: { alertname: "MeshLinkDegraded", severity: "warning", ...labels },
        summary: `Link ${nameA} ↔ ${nameB} degraded`,
        description: `Link quality between ${nameA} and ${nameB} stayed below ${Math.round(degraded.enterBelow * 100)} % for ${Math.round(degraded.enterForSeconds / 60)} min${quality !== undefined ? ` (now ${Math.round(quality * 100)} %)` : ""}.`,
      }),
    });
  }
  return candidates;
};
