// The monitor's own blindness: one alert per collector, never one per node behind it.
import { describeAlert } from "./alertWording.ts";
import { seconds, type Rule } from "./ruleContext.ts";

export const collectorBlindRule: Rule = (context) => {
  const sources = context.knowledge.sources;
  const healthy = [...sources.keys()].filter((source) => !context.blind.has(source));
  for (const [source, known] of sources) {
    const blind = context.blind.has(source);
    const reporter = known.reporterNodeId;
    const othersHealthy = healthy.some((other) => other !== source);
    context.offer({
      alertname: "MeshCollectorBlind",
      subject: source,
      enter: blind,
      leave: !blind,
      enterForMs: seconds(context.config.collectorBlind.afterSeconds),
      leaveForMs: 0,
      // A router's own agent (its socket) going quiet is that node's alert: node down, or agent silent when
      // its neighbours still reach it. Only a collector with nothing else to compare is "blind".
      inhibited: reporter !== undefined && othersHealthy,
      describe: () =>
        describeAlert(
          { alertname: "MeshCollectorBlind", severity: "warning", source },
          `Collector ${source} has failed since ${new Date(known.failingSince ?? context.now).toISOString()}${known.lastError !== undefined ? ` (${known.lastError})` : ""}.`,
        ),
    });
  }
};
