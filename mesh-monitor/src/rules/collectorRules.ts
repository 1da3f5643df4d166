// The monitor's own blindness: one alert per collector, never one per node behind it.
import type { Candidate } from "./condition.ts";
import { offer, seconds, type Rule } from "./ruleContext.ts";

export const collectorBlindRule: Rule = (context) => {
  const candidates: Candidate[] = [];
  const othersHealthy = (source: string): boolean => Object.keys(context.knowledge.sources).some((other) => other !== source && !context.blind.has(other));
  for (const [source, known] of Object.entries(context.knowledge.sources)) {
    const blind = context.blind.has(source);
    const reporter = known.reporterNodeId;
    offer(context, candidates, {
      alertname: "MeshCollectorBlind",
      subject: source,
      enter: blind,
      leave: !blind,
      enterForMs: seconds(context.config.collectorBlind.afterSeconds),
      leaveForMs: 0,
      // A router's own agent (its socket) going quiet is that node's alert: node down, or agent silent when
      // its neighbours still reach it. Only a collector with nothing else to compare is "blind".
      inhibited: reporter !== undefined && othersHealthy(source),
      describe: () => ({
        labels: { alertname: "MeshCollectorBlind", severity: "warning", source },
        summary: `The mesh monitor cannot read ${source}`,
        description: `Collector ${source} has failed since ${new Date(known.failingSince ?? context.now).toISOString()}${known.lastError !== undefined ? ` (${known.lastError})` : ""}. Alerts about the nodes only it sees are held until it recovers.`,
      }),
    });
  }
  return candidates;
};
