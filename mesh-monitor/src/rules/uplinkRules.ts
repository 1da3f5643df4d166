// The mesh's way to the internet: one mesh-wide "uplink lost", and "gateway lost" while others still carry it.
import { describeAlert } from "./alertWording.ts";
import { seconds, type Rule } from "./ruleContext.ts";

export const uplinkRule: Rule = (context) => {
  const { config, knowledge } = context;
  if (!knowledge.uplinkEverKnown) return;
  const allBlind = knowledge.sources.size > 0 && [...knowledge.sources.keys()].every((source) => context.blind.has(source));
  const forMs = seconds(config.uplink.forSeconds);
  const resolveMs = seconds(config.uplink.resolveAfterSeconds);
  context.offer({
    alertname: "MeshUplinkLost",
    subject: "mesh",
    enter: context.uplinkUp === false,
    leave: context.uplinkUp === true,
    enterForMs: forMs,
    leaveForMs: resolveMs,
    suppressed: allBlind,
    describe: () =>
      describeAlert(
        { alertname: "MeshUplinkLost", severity: "critical", source: "mesh" },
        `No gateway announces a way to the internet (gateways: ${[...knowledge.gateways.keys()].map((id) => context.displayName(id)).join(", ") || "none known"}).`,
      ),
  });
  for (const id of knowledge.gateways.keys()) {
    const present = context.gatewaysNow.has(id);
    context.offer({
      alertname: "MeshGatewayLost",
      subject: id,
      enter: !present,
      leave: present,
      enterForMs: forMs,
      leaveForMs: resolveMs,
      suppressed: allBlind,
      // With no uplink at all, "uplink lost" is the one alert.
      inhibited: context.uplinkUp !== true,
      describe: () => {
        const name = context.displayName(id);
        return describeAlert(
          { alertname: "MeshGatewayLost", severity: "warning", node: id, node_name: name, source: "mesh" },
          `${name} stopped announcing a default route.`,
        );
      },
    });
  }
};
