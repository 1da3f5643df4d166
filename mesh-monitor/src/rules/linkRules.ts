// Link lost, and link degraded with separate thresholds (and hold times) for entering and leaving.
import { describeAlert } from "./alertWording.ts";
import { staysFiring } from "./condition.ts";
import type { KnownLink, KnownNode } from "./knowledge.ts";
import { onlyBlindEvidence } from "./meshView.ts";
import { seconds, type Rule, type RuleContext } from "./ruleContext.ts";

/** A link to a silent node is explained by that node's own alert. A node that vanished from every
 * healthy collector this cycle is probably going down as a whole; so is one whose own agent just
 * stopped answering: wait for that node's verdict (down or agent silent). */
function endpointSilent(context: RuleContext, node: KnownNode | undefined): boolean {
  return node === undefined || !context.listedNow(node) || context.silent.has(node.id) || context.agentFailing.has(node.id);
}

function describeLink(context: RuleContext, link: KnownLink) {
  const [a, b] = link.key.split("|") as [string, string];
  const nameA = context.displayName(a);
  const nameB = context.displayName(b);
  return { nameA, nameB, labels: { link: `${a}--${b}`, node_a: a, node_b: b, link_name: `${nameA} ↔ ${nameB}`, source: context.sourceLabel(link.sources) } };
}

export const linkRule: Rule = (context) => {
  const { config, conditions } = context;
  const degraded = config.linkDegraded;
  const lostFor = seconds(config.linkLost.forSeconds);
  const lostResolve = seconds(config.linkLost.resolveAfterSeconds);
  const degradedEnter = seconds(degraded.enterForSeconds);
  const degradedLeave = seconds(degraded.leaveForSeconds);
  const lostAlerts = conditions.of("MeshLinkLost");
  const degradedAlerts = conditions.of("MeshLinkDegraded");
  for (const link of context.knowledge.linkList) {
    const key = link.key;
    const present = link.present;
    const quality = present ? link.quality : undefined;
    // The common case, a healthy link nobody is alerting about, costs two lookups and no allocation.
    if (present && quality !== undefined && quality >= degraded.enterBelow && !lostAlerts.has(key) && !degradedAlerts.has(key)) continue;
    const suppressed = onlyBlindEvidence(link.sources, context.blind);
    const inhibited = endpointSilent(context, link.low) || endpointSilent(context, link.high);
    const leaveDegraded = quality === undefined || quality > degraded.leaveAbove;
    if (!staysFiring(lostAlerts, key, present))
      context.offer({
        alertname: "MeshLinkLost",
        subject: key,
        enter: !present,
        leave: present,
        enterForMs: lostFor,
        leaveForMs: lostResolve,
        suppressed,
        inhibited,
        describe: () => {
          const { nameA, nameB, labels } = describeLink(context, link);
          return describeAlert({ alertname: "MeshLinkLost", severity: "warning", ...labels }, `${nameA} and ${nameB} no longer hear each other.`);
        },
      });
    if (!staysFiring(degradedAlerts, key, leaveDegraded))
      context.offer({
        alertname: "MeshLinkDegraded",
        subject: key,
        enter: quality !== undefined && quality < degraded.enterBelow,
        leave: leaveDegraded,
        enterForMs: degradedEnter,
        leaveForMs: degradedLeave,
        suppressed,
        inhibited,
        describe: () => {
          const { nameA, nameB, labels } = describeLink(context, link);
          return describeAlert(
            { alertname: "MeshLinkDegraded", severity: "warning", ...labels },
            `Link quality between ${nameA} and ${nameB} stayed below ${Math.round(degraded.enterBelow * 100)} % for ${Math.round(degraded.enterForSeconds / 60)} min${quality !== undefined ? ` (now ${Math.round(quality * 100)} %)` : ""}.`,
          );
        },
      });
  }
};
