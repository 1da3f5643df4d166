// What an alert means in words mesh volunteers act on. An alert that brings its own words (the
// `summary` annotation, and `resolved_summary` for its end) is posted in them: the mesh monitor words
// its alerts once (mesh-monitor/src/rules/alertWording.ts) and its map shows the same annotations, so
// the room and the map never disagree. Only an alert without a summary (typed by hand, a rule without
// annotations) is worded here, from its labels.

import { splitLink } from "./incident.ts";

export interface AlertWords {
  /** "Node rooftop-3 is down" */
  firing: string;
  /** "Node rooftop-3 is back" */
  resolved: string;
  /** Why it matters or what to check, when the rule is known. */
  explanation?: string;
}

interface Subject {
  labels: Readonly<Record<string, string>>;
  node: string;
  link: string;
}

type Wording = (subject: Subject) => AlertWords;

function nodeOf(labels: Readonly<Record<string, string>>): string {
  return labels.node ?? labels.instance ?? labels.gateway ?? "(unnamed node)";
}

function linkOf(labels: Readonly<Record<string, string>>): string {
  const { source, target, link } = labels;
  if (source !== undefined && target !== undefined) return `${source} ↔ ${target}`;
  if (link !== undefined) {
    const ends = splitLink(link);
    return ends.length === 2 ? ends.join(" ↔ ") : link;
  }
  return source ?? target ?? nodeOf(labels);
}

const wordingByAlertname: Readonly<Record<string, Wording>> = {
  MeshNodeDown: ({ node }) => ({
    firing: `Node ${node} is down`,
    resolved: `Node ${node} is back`,
    explanation: "It stopped reporting and its mesh neighbors no longer see it: it may have lost power or crashed.",
  }),
  MeshAgentSilent: ({ node }) => ({
    firing: `Node ${node} stopped reporting`,
    resolved: `Node ${node} is reporting again`,
    explanation: "Its mesh neighbors still see it, so the node is probably up; its monitoring agent needs a look.",
  }),
  MeshLinkLost: ({ link }) => ({
    firing: `Link ${link} is lost`,
    resolved: `Link ${link} is back`,
    explanation: "These two nodes no longer hear each other; traffic takes other paths where there are any.",
  }),
  MeshLinkDegraded: ({ link }) => ({
    firing: `Link ${link} is weak`,
    resolved: `Link ${link} is good again`,
    explanation: "The radio link between them is unreliable, so the mesh is slow there. Check antennas and what grew or was built in between.",
  }),
  MeshUplinkLost: ({ labels, node }) => ({
    firing: labels.node === undefined ? "The internet uplink is down" : `The internet uplink at ${node} is down`,
    resolved: labels.node === undefined ? "The internet uplink is back" : `The internet uplink at ${node} is back`,
    explanation: "The block cannot reach the internet through it. Local chat, the sharing board and neighboring blocks on the mesh still work.",
  }),
  MeshGatewayLost: ({ node }) => ({
    firing: `Gateway ${node} is lost`,
    resolved: `Gateway ${node} is back`,
    explanation: "The mesh no longer reaches the internet through this gateway; other gateways, if any, carry the traffic.",
  }),
  MeshNodeCpuHigh: ({ node }) => ({
    firing: `Node ${node} is overloaded`,
    resolved: `Node ${node} is no longer overloaded`,
    explanation: "Its processor has been busy for a while; it may drop traffic.",
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
    explanation: "Say hello to whoever set it up, and adopt it with !mesh adopt if it is yours.",
  }),
  MeshCollectorBlind: () => ({
    firing: "The mesh monitor cannot see the mesh",
    resolved: "The mesh monitor sees the mesh again",
    explanation: "It gets no data from the routers, so it cannot tell what is up or down: other alerts may be missing.",
  }),
};

// Labels that say how an alert is routed, not where the problem is.
const routingLabels = new Set(["alertname", "severity", "source", "job", "receiver", "prometheus", "monitor"]);

function whereOf(labels: Readonly<Record<string, string>>): string | undefined {
  if (labels.source !== undefined || labels.target !== undefined || labels.link !== undefined) return linkOf(labels);
  if (labels.node !== undefined || labels.instance !== undefined) return nodeOf(labels);
  const others = Object.entries(labels).filter(([name]) => !routingLabels.has(name)).slice(0, 3);
  return others.length > 0 ? others.map(([name, value]) => `${name}=${value}`).join(", ") : undefined;
}

/** An unknown rule without a summary: its title or message if it has one, else its name and where. */
function genericWords(labels: Readonly<Record<string, string>>, annotations: Readonly<Record<string, string>>): AlertWords {
  const name = labels.alertname ?? "An alert";
  const where = whereOf(labels);
  const summary = annotations.title ?? annotations.message ?? (where === undefined ? name : `${name} on ${where}`);
  return { firing: summary, resolved: `Resolved: ${summary}` };
}

export function alertWords(labels: Readonly<Record<string, string>>, annotations: Readonly<Record<string, string>>): AlertWords {
  const summary = annotations.summary;
  if (summary !== undefined && summary !== "") return { firing: summary, resolved: annotations.resolved_summary ?? `Resolved: ${summary}` };
  const alertname = labels.alertname ?? "";
  const wording = Object.hasOwn(wordingByAlertname, alertname) ? wordingByAlertname[alertname] : undefined;
  if (wording === undefined) return genericWords(labels, annotations);
  return wording({ labels, node: nodeOf(labels), link: linkOf(labels) });
}

/** Alerts that mean the block's internet connection is gone (the Lobby hears about those). */
export function isUplinkAlert(labels: Readonly<Record<string, string>>): boolean {
  return /uplink/i.test(labels.alertname ?? "");
}

export interface SeverityLook {
  icon: string;
  word: string;
}

const severityLooks: Readonly<Record<string, SeverityLook>> = {
  critical: { icon: "🔴", word: "Critical" },
  error: { icon: "🔴", word: "Error" },
  warning: { icon: "🟠", word: "Warning" },
  info: { icon: "🔵", word: "Info" },
};

export function severityLook(labels: Readonly<Record<string, string>>): SeverityLook {
  const severity = (labels.severity ?? "").toLowerCase();
  if (Object.hasOwn(severityLooks, severity)) return severityLooks[severity] ?? { icon: "⚪", word: "Alert" };
  return { icon: "⚪", word: severity === "" ? "Alert" : severity.slice(0, 30) };
}
