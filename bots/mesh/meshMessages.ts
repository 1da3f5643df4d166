// Everything the mesh bot posts, as HTML with a plain-text fallback: the incident message (and its
// resolved edit), the owners' DMs and the Lobby's uplink notices. Label text is escaped by richText.

import type { RichText } from "../framework/contract.ts";
import { formatDuration } from "../framework/durations.ts";
import { bold, bulletList, code, joinPieces, lines, link, mention, message, paragraph, rich, type Inline } from "../framework/richText.ts";
import { isSimulated } from "./alertAudience.ts";
import { alertWords, severityLook } from "./alertWording.ts";
import { nodesOf, type Incident } from "./incident.ts";

const timeFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
const dayFormat = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" });

/** "12:05 UTC on 1 June 2025": the box does not know the block's time zone, so it says which one it uses. */
export function formatTime(ms: number): string {
  return `${timeFormat.format(ms)} UTC on ${dayFormat.format(ms)}`;
}

/** "12:05 to 12:17 UTC on 1 June 2025", naming the day once when both ends share it. */
function formatSpan(from: number, to: number): string {
  const sameDay = dayFormat.format(from) === dayFormat.format(to);
  return sameDay ? `${timeFormat.format(from)} to ${formatTime(to)}` : `${formatTime(from)} to ${formatTime(to)}`;
}

function ownersLine(owners: readonly string[]): Inline {
  if (owners.length === 0) return [];
  return [owners.length === 1 ? "Owner: " : "Owners: ", joinPieces(owners.map((owner) => mention(owner)), ", ")];
}

function mapLine(incident: Incident): Inline {
  return incident.mapUrl === undefined ? [] : ["Map: ", link(incident.mapUrl)];
}

function silenceHint(incident: Incident): Inline {
  const [node] = nodesOf(incident);
  // Nobody works on a simulated node.
  if (node === undefined || isSimulated(incident.labels)) return [];
  const typed = /\s/.test(node) ? `"${node}"` : node;
  return ["Working on it? ", code(`!mesh silence ${typed} 2h`), " holds its alerts back for 2 hours."];
}

function describedLines(incident: Incident): Inline[] {
  const words = alertWords(incident.labels, incident.annotations);
  const description = incident.annotations.description;
  return [
    words.explanation ?? [],
    description !== undefined && description !== words.firing ? description : [],
  ];
}

function nonEmpty(pieces: readonly Inline[]): Inline[] {
  return pieces.filter((piece) => !(Array.isArray(piece) && piece.length === 0));
}

export function firingMessage(incident: Incident, owners: readonly string[]): RichText {
  const words = alertWords(incident.labels, incident.annotations);
  const severity = severityLook(incident.labels);
  return message(
    paragraph(bold(`${severity.icon} ${words.firing}`)),
    paragraph(lines(...nonEmpty([
      `${severity.word} · since ${formatTime(incident.startsAt)}`,
      ...describedLines(incident),
      ownersLine(owners),
      mapLine(incident),
      silenceHint(incident),
    ]))),
  );
}

export function resolvedMessage(incident: Incident, owners: readonly string[]): RichText {
  const words = alertWords(incident.labels, incident.annotations);
  const severity = severityLook(incident.labels);
  const resolvedAt = incident.resolvedAt ?? incident.lastFiringAt;
  return message(
    paragraph(bold(`✅ ${words.resolved}`), ` — resolved after ${formatDuration(resolvedAt - incident.startsAt)}`),
    paragraph(lines(...nonEmpty([
      `Was: ${words.firing} (${severity.word.toLowerCase()}), from ${formatSpan(incident.startsAt, resolvedAt)}.`,
      ownersLine(owners),
      mapLine(incident),
    ]))),
  );
}

export function ownerFiringNotice(incident: Incident): RichText {
  const words = alertWords(incident.labels, incident.annotations);
  const severity = severityLook(incident.labels);
  return message(
    paragraph("A node you look after needs attention: ", bold(words.firing), ` (${severity.word.toLowerCase()}, since ${formatTime(incident.startsAt)}).`),
    paragraph(lines(...nonEmpty([...describedLines(incident), mapLine(incident), silenceHint(incident)]))),
    paragraph("The Mesh alerts room has the details, and I'll tell you here when it is resolved."),
  );
}

export function ownerResolvedNotice(incident: Incident): RichText {
  const words = alertWords(incident.labels, incident.annotations);
  const lasted = formatDuration((incident.resolvedAt ?? incident.lastFiringAt) - incident.startsAt);
  return message("Resolved: ", bold(words.resolved), ` (after ${lasted}).`);
}

export const uplinkDownText =
  "The internet connection is down. Local chat, the sharing board and neighboring blocks on the mesh still work.";

export function uplinkDownNotice(): RichText {
  return message(paragraph(bold(`🌐 ${uplinkDownText}`)), paragraph("I'll say here when it is back."));
}

export function uplinkBackNotice(downFor: number): RichText {
  return message(bold("🌐 The internet connection is back."), ` It was down for ${formatDuration(downFor)}.`);
}

const burstLinesShown = 12;

function headlines(incidents: readonly Incident[], shown: number): Inline[] {
  const items = incidents.slice(0, shown).map((incident) => {
    const words = alertWords(incident.labels, incident.annotations);
    return rich(`${severityLook(incident.labels).icon} `, words.firing);
  });
  return [bulletList(items), incidents.length > shown ? paragraph(`…and ${incidents.length - shown} more.`) : []];
}

/** Many incidents at once (a power cut, a big Alertmanager group): one message instead of a flood. */
export function burstMessage(incidents: readonly Incident[], owners: readonly string[]): RichText {
  const since = Math.min(...incidents.map((incident) => incident.startsAt));
  return message(
    paragraph(bold(`⚠️ ${incidents.length} mesh problems at once`), ` — since ${formatTime(since)}`),
    headlines(incidents, burstLinesShown),
    paragraph(lines(...nonEmpty([
      ownersLine(owners.slice(0, 20)),
      ["Send ", code("!mesh status"), " for the current list; I'll update this message when all of them are resolved."],
    ]))),
  );
}

export function burstResolvedMessage(count: number, since: number, resolvedAt: number): RichText {
  return message(
    paragraph(bold(`✅ All ${count} mesh problems are resolved`), ` — after ${formatDuration(resolvedAt - since)}`),
    paragraph(`They began at ${formatTime(since)}.`),
  );
}

export function ownerBurstNotice(incidents: readonly Incident[]): RichText {
  return message(
    paragraph(bold(`${incidents.length === 1 ? "A node" : "Nodes"} you look after need attention`), ", among many problems on the mesh at once:"),
    headlines(incidents, 5),
    paragraph("The Mesh alerts room has the details."),
  );
}
