// The mesh's way to the internet: one mesh-wide "uplink lost", and "gateway lost" while others still carry it.
import type { Candidate } from "./condition.ts";
import { offer, seconds, type Rule } from "./ruleContext.ts";

export const uplinkRule: Rule = (context) => {
  const { config, knowledge } = context;
  if (!knowledge.uplinkEverKnown) return [];
  const allBlind = Object.keys(knowledge.sources).length > 0 && Object.keys(knowledge.sources).every((source) => context.blind.has(source));
  const gatewayNames = Object.keys(knowledge.gateways).map((id) => context.displayName(id)).join(", ") || "none known";
  const candidates: Candidate[] = [
    {
      alertname: "MeshUplinkLost",
      subject: "mesh",
      enter: context.uplinkUp === false,
      leave: context.uplinkUp === true,
      enterForMs: seconds(config.uplink.forSeconds),
      leaveForMs: seconds(config.uplink.resolveAfterSeconds),
      suppressed: allBlind,
      describe: () => ({
        labels: { alertname: "MeshUplinkLost", severity: "critical", source: "mesh" },
        summary: "The internet uplink is down",
        description: `No gateway announces a way to the internet (gateways: ${gatewayNames}). Local chat and neighboring blocks still work over the mesh.`,
      }),
    },
  ];
  for (const id of Object.keys(knowledge.gateways)) {
    const present = context.current.gateways.has(id);
    const name = context.displayName(id);
    offer(context, candidates, {
      alertname: "MeshGatewayLost",
      subject: id,
      enter: !present,
      leave: present,
      enterForMs: seconds(config.uplink.forSeconds),
      leaveForMs: seconds(config.uplink.resolveAfterSeconds),
      suppressed: allBlind,
      // With no uplink at all, "uplink lost" is the one alert.
      inhibited: context.uplinkUp !== true,
      describe: () => ({
        labels: { alertname: "MeshGatewayLost", severity: "warning", node: id, node_name: name, source: "mesh" },
        summary: `Gateway ${name} no longer offers internet`,
        description: `${name} stopped announcing a default route; other gateways still carry the mesh's internet traffic.`,
      }),
    });
  }
  return candidates;
};
