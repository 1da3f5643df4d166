// What an alert means in words mesh volunteers act on, in the language of whoever reads it. An alert
// that brings its own words (the `summary` annotation, and `resolved_summary` for its end) is posted in
// them when the reader reads English: the mesh monitor words its alerts once
// (mesh-monitor/src/rules/alertWording.ts, English) and its map shows the same annotations, so the room
// and the map never disagree. The built-in rule names are also worded here, from the catalog and the
// labels: what an alert without a summary reads as, and what a built-in alert reads as in any other
// language (the catalog's English headlines are the monitor's, so the two languages say the same thing).
// Any other alert reads as its sender worded it.

import { sourceLanguage, type MessageKey } from "../framework/languages.ts";
import type { Speaker } from "../framework/speak.ts";
import { splitLink } from "./incident.ts";

type Labels = Readonly<Record<string, string>>;

export interface AlertWords {
  /** "Node rooftop-3 is down" */
  firing: string;
  /** "Node rooftop-3 is back" */
  resolved: string;
  /** Why it matters or what to check, when the rule is known. */
  explanation?: string;
  /** The sender's own description, when it is in the reader's words (not replaced by the catalog's). */
  description?: string;
}

/** The built-in rules the catalog words (`mesh.alert.<name>.firing|resolved|explanation`). */
const builtInRules = [
  "MeshNodeDown",
  "MeshAgentSilent",
  "MeshLinkLost",
  "MeshLinkDegraded",
  "MeshUplinkLost",
  "MeshGatewayLost",
  "MeshNodeCpuHigh",
  "MeshNodeMemoryHigh",
  "MeshNodeDiskHigh",
  "MeshNewNode",
  "MeshCollectorBlind",
] as const;
type BuiltInRule = (typeof builtInRules)[number];

function isBuiltIn(alertname: string): alertname is BuiltInRule {
  return (builtInRules as readonly string[]).includes(alertname);
}

function nodeOf(labels: Labels): string | undefined {
  // The mesh monitor labels a node by id and gives its shown name in node_name.
  return labels.node_name ?? labels.node ?? labels.instance ?? labels.gateway;
}

function linkOf(labels: Labels): string | undefined {
  const { source, target, link, link_name } = labels;
  if (link_name !== undefined) return link_name;
  if (source !== undefined && target !== undefined) return `${source} ↔ ${target}`;
  if (link !== undefined) {
    const ends = splitLink(link);
    return ends.length === 2 ? ends.join(" ↔ ") : link;
  }
  return source ?? target ?? nodeOf(labels);
}

function isSimulated(labels: Labels): boolean {
  return labels.simulated === "true";
}

function catalogWords(speaker: Speaker, alertname: BuiltInRule, labels: Labels): AlertWords {
  const unnamed = speaker.plain("mesh.alert.unnamedNode");
  const values = {
    node: alertname === "MeshUplinkLost" ? (labels.node_name ?? labels.node ?? "none") : (nodeOf(labels) ?? unnamed),
    link: linkOf(labels) ?? unnamed,
    source: labels.source ?? speaker.plain("mesh.alert.aCollector"),
  };
  const said = (part: "firing" | "resolved" | "explanation") => speaker.plain(`mesh.alert.${alertname}.${part}` as MessageKey, values);
  const words = { firing: said("firing"), resolved: said("resolved"), explanation: said("explanation") };
  if (!isSimulated(labels)) return words;
  return {
    firing: speaker.plain("mesh.alert.simulated", { headline: words.firing }),
    resolved: speaker.plain("mesh.alert.simulated", { headline: words.resolved }),
    explanation: `${words.explanation} ${speaker.plain("mesh.alert.simulationNote")}`,
  };
}

// Labels that say how an alert is routed, not where the problem is.
const routingLabels = new Set(["alertname", "severity", "source", "job", "receiver", "prometheus", "monitor"]);

function whereOf(labels: Labels): string | undefined {
  if (labels.source !== undefined || labels.target !== undefined || labels.link !== undefined) return linkOf(labels);
  if (labels.node !== undefined || labels.instance !== undefined) return nodeOf(labels);
  const others = Object.entries(labels)
    .filter(([name]) => !routingLabels.has(name))
    .slice(0, 3);
  return others.length > 0 ? others.map(([name, value]) => `${name}=${value}`).join(", ") : undefined;
}

/** The sender's own headline, or for an unknown rule without one: its title or message, else its name and where. */
function sendersWords(speaker: Speaker, labels: Labels, annotations: Labels): AlertWords {
  const summary = annotations.summary || undefined;
  const where = whereOf(labels);
  const name = labels.alertname || speaker.plain("mesh.alert.anAlert");
  const firing =
    summary ?? annotations.title ?? annotations.message ?? (where === undefined ? name : speaker.plain("mesh.alert.on", { alertname: name, where }));
  const resolved = (summary === undefined ? undefined : annotations.resolved_summary) ?? speaker.plain("mesh.alert.resolvedSummary", { summary: firing });
  return { firing, resolved, ...(annotations.description === undefined ? {} : { description: annotations.description }) };
}

export function alertWords(speaker: Speaker, labels: Labels, annotations: Labels): AlertWords {
  const alertname = labels.alertname ?? "";
  const hasSummary = annotations.summary !== undefined && annotations.summary !== "";
  if (isBuiltIn(alertname) && !(hasSummary && speaker.language === sourceLanguage)) {
    const words = catalogWords(speaker, alertname, labels);
    // A sender's summary comes with its own (English) description of the same thing: the catalog's replaces both.
    return hasSummary || annotations.description === undefined ? words : { ...words, description: annotations.description };
  }
  return sendersWords(speaker, labels, annotations);
}

/** Alerts that mean the block's internet connection is gone (the Lobby hears about those). */
export function isUplinkAlert(labels: Labels): boolean {
  return /uplink/i.test(labels.alertname ?? "");
}

export interface SeverityLook {
  icon: string;
  word: string;
}

const severityIcons: Readonly<Record<string, string>> = { critical: "🔴", error: "🔴", warning: "🟠", info: "🔵" };

export function severityLook(speaker: Speaker, labels: Labels): SeverityLook {
  const severity = (labels.severity ?? "").toLowerCase();
  const icon = Object.hasOwn(severityIcons, severity) ? (severityIcons[severity] ?? "⚪") : "⚪";
  if (icon !== "⚪") return { icon, word: speaker.plain(`mesh.severity.${severity}` as MessageKey) };
  // A severity of the sender's own is shown as they wrote it.
  return { icon, word: severity === "" ? speaker.plain("mesh.severity.none") : severity.slice(0, 30) };
}
