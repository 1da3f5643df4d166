// The words for every alert the built-in rules raise — its headline while firing, its headline once
// resolved, and why it matters — from its frozen labels. They travel in the webhook's annotations
// (summary, resolved_summary, description) and the map shows the same annotations, so the Mesh alerts
// room and the map never word one alert two ways. A simulated alert says so in every headline.
export interface AlertWording {
  firing: string;
  resolved: string;
  /** What it means for neighbors, or what to check. */
  explanation: string;
}

type Labels = Readonly<Record<string, string | undefined>>;

interface Names {
  node: string;
  link: string;
  source: string;
}

const wordings: Readonly<Record<string, (names: Names) => AlertWording>> = {
  MeshNodeDown: ({ node }) => ({
    firing: `Node ${node} is down`,
    resolved: `Node ${node} is back`,
    explanation: "It may have lost power or crashed.",
  }),
  MeshAgentSilent: ({ node }) => ({
    firing: `Node ${node} stopped reporting`,
    resolved: `Node ${node} is reporting again`,
    explanation: "Its neighbours still see it, so the node is probably up; its monitoring agent needs a look.",
  }),
  MeshLinkLost: ({ link }) => ({
    firing: `Link ${link} is lost`,
    resolved: `Link ${link} is back`,
    explanation: "Traffic takes other paths where there are any.",
  }),
  MeshLinkDegraded: ({ link }) => ({
    firing: `Link ${link} is weak`,
    resolved: `Link ${link} is good again`,
    explanation: "The mesh is slow there. Check the antennas and anything that grew or was built in between.",
  }),
  MeshUplinkLost: () => ({
    firing: "The internet uplink is down",
    resolved: "The internet uplink is back",
    explanation: "Local chat, the sharing board and neighboring blocks on the mesh still work.",
  }),
  MeshGatewayLost: ({ node }) => ({
    firing: `Gateway ${node} no longer offers internet`,
    resolved: `Gateway ${node} offers internet again`,
    explanation: "Other gateways still carry the mesh's internet traffic.",
  }),
  MeshNodeCpuHigh: ({ node }) => ({
    firing: `Node ${node} is overloaded`,
    resolved: `Node ${node} is no longer overloaded`,
    explanation: "It may drop traffic.",
  }),
  MeshNodeMemoryHigh: ({ node }) => ({
    firing: `Node ${node} is low on memory`,
    resolved: `Node ${node} has enough memory again`,
    explanation: "It may start dropping connections or restart by itself.",
  }),
  MeshNodeDiskHigh: ({ node }) => ({
    firing: `Node ${node} is low on storage`,
    resolved: `Node ${node} has enough storage again`,
    explanation: "Logs or updates may fail until space is freed.",
  }),
  MeshNewNode: ({ node }) => ({
    firing: `New node on the mesh: ${node}`,
    resolved: `New node ${node} is now known`,
    explanation: "If nobody knows it, ask around; if it is yours, adopt it.",
  }),
  MeshCollectorBlind: ({ source }) => ({
    firing: `The mesh monitor cannot read ${source}`,
    resolved: `The mesh monitor reads ${source} again`,
    explanation: "Alerts about the nodes only it sees are held until it recovers.",
  }),
};

/** Marks a simulated alert's headlines (the label `simulated="true"`). */
export const simulationPrefix = "Simulation: ";
export const simulationNote =
  "This is BlockShare's simulated demo mesh, not a real router: nothing needs fixing. It stops once mesh_monitor.config names the block's routers.";

export function isSimulatedAlert(labels: Labels): boolean {
  return labels.simulated === "true";
}

export function alertWording(labels: Labels): AlertWording {
  const names: Names = {
    node: labels.node_name ?? labels.node ?? "(unnamed node)",
    link: labels.link_name ?? labels.link ?? "(unnamed link)",
    source: labels.source ?? "a collector",
  };
  const alertname = labels.alertname ?? "";
  const words = Object.hasOwn(wordings, alertname)
    ? wordings[alertname]!(names)
    : { firing: alertname || "An alert", resolved: `Resolved: ${alertname || "an alert"}`, explanation: "" };
  if (!isSimulatedAlert(labels)) return words;
  return { firing: simulationPrefix + words.firing, resolved: simulationPrefix + words.resolved, explanation: `${words.explanation} ${simulationNote}`.trim() };
}

/** What a rule freezes when its alert starts firing: the headline from the labels, and the rule's
 * own facts followed by what they mean. */
export function describeAlert<L extends Record<string, string>>(labels: L, facts: string): { labels: L; summary: string; description: string } {
  const words = alertWording(labels);
  return { labels, summary: words.firing, description: `${facts} ${words.explanation}`.trim() };
}

/** The same alert from a simulated mesh: labelled `simulated="true"`, with headlines that say so and
 * a description that says what the simulation is. */
export function markSimulated(frozen: { labels: Record<string, string>; summary: string; description: string }): {
  labels: Record<string, string>;
  summary: string;
  description: string;
} {
  const labels = { ...frozen.labels, simulated: "true" };
  return { labels, summary: alertWording(labels).firing, description: `${frozen.description} ${simulationNote}` };
}
