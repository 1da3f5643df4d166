// CPU, memory and disk above a threshold for a while (OpenWISP's model: tolerance on the way in and out).
import type { NodeResources } from "../model.ts";
import type { HeldThreshold, RulesConfig } from "./config.ts";
import { describeAlert } from "./alertWording.ts";
import { staysFiring } from "./condition.ts";
import { onlyBlindEvidence } from "./meshView.ts";
import { seconds, type Rule } from "./ruleContext.ts";

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
  const { conditions } = context;
  for (const rule of resources) {
    const { above, forSeconds } = rule.threshold(context.config);
    const holdMs = seconds(forSeconds);
    const tracked = conditions.of(rule.alertname);
    for (const node of context.knowledge.nodeList) {
      const value = node.resources?.[rule.reading];
      const known = typeof value === "number" && Number.isFinite(value);
      const high = known && value > above;
      if (!high && !tracked.has(node.id)) continue;
      const id = node.id;
      const leave = known && value <= above;
      if (staysFiring(tracked, id, leave)) continue;
      context.offer({
        alertname: rule.alertname,
        subject: id,
        enter: high,
        leave,
        enterForMs: holdMs,
        leaveForMs: holdMs,
        suppressed: onlyBlindEvidence(node.sources, context.blind),
        inhibited: context.silent.has(id),
        describe: () => {
          const name = context.displayName(id);
          return describeAlert(
            { alertname: rule.alertname, severity: "warning", node: id, node_name: name, source: context.sourceLabel(node.sources) },
            `${name} has had ${rule.what} above ${percent(above)} for ${Math.round(forSeconds / 60)} min${known ? ` (now ${percent(value)})` : ""}.`,
          );
        },
      });
    }
  }
};
