// CPU, memory and disk above a threshold for a while (OpenWISP's model: tolerance on the way in and out).
import type { NodeResources } from "../model.ts";
import type { HeldThreshold, RulesConfig } from "./config.ts";
import type { Candidate } from "./condition.ts";
import { onlyBlindEvidence } from "./meshView.ts";
import { offer, seconds, type Rule } from "./ruleContext.ts";

interface ResourceRule {
  alertname: string;
  what: string;
  reading: keyof NodeResources;
  threshold: (config: RulesConfig) => HeldThreshold;
}

const resources: readonly ResourceRule[] = [
  { alertname: "MeshNodeCpuHigh", what: "CPU load", reading: "cpuLoad", threshold: (config) => config.cpu },
  { alertname: "MeshNodeMemoryHigh", what: "memory use", reading: "memoryUsed", threshold: (config) => config.memory },
  { alertname: "MeshNodeDiskHigh", what: "disk use", reading: "diskUsed", threshold: (config) => config.disk },
];

const percent = (fraction: number): string => `${Math.round(fraction * 100)} %`;

export const resourceRule: Rule = (context) => {
  const candidates: Candidate[] = [];
  for (const [id, node] of Object.entries(context.knowledge.nodes)) {
    const reading = context.current.nodes.get(id)?.resources;
    for (const rule of resources) {
      const value = reading?.[rule.reading];
      const known = typeof value === "number" && Number.isFinite(value);
      const tracked = context.conditions[rule.alertname]?.[id] !== undefined;
      if (!(known && value > rule.threshold(context.config).above) && !tracked) continue;
      const { above, forSeconds } = rule.threshold(context.config);
      const name = context.displayName(id);
      offer(context, candidates, {
        alertname: rule.alertname,
        subject: id,
        enter: known && value > above,
        leave: known && value <= above,
        enterForMs: seconds(forSeconds),
        leaveForMs: seconds(forSeconds),
        suppressed: onlyBlindEvidence(node.sources, context.blind),
        inhibited: context.silent.has(id),
        describe: () => ({
          labels: { alertname: rule.alertname, severity: "warning", node: id, node_name: name, source: context.sourceLabel(node.sources) },
          summary: `${name}: ${rule.what} high`,
          description: `${name} has had ${rule.what} above ${percent(above)} for ${Math.round(forSeconds / 60)} min${known ? ` (now ${percent(value)})` : ""}.`,
        }),
      });
    }
  }
  return candidates;
};
