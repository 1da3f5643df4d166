// The answers to `!mesh status` and `!mesh node <name>`: what is broken now, what is held back, who
// looks after what. Read-only views over the store.

import type { RichText } from "../framework/contract.ts";
import { formatDuration } from "../framework/durations.ts";
import { bold, bulletList, code, heading, joinPieces, message, paragraph, rich, type Inline } from "../framework/richText.ts";
import { alertWords, severityLook } from "./alertWording.ts";
import { nodesOf, type Incident } from "./incident.ts";
import { formatTime } from "./meshMessages.ts";
import type { MeshState, UplinkOutage } from "./meshState.ts";
import { sameNode } from "./nodeNames.ts";
import type { Silence } from "./silences.ts";

const maxListed = 15;

function capped(items: readonly Inline[], noun: string): Inline[] {
  if (items.length <= maxListed) return [bulletList(items)];
  return [bulletList(items.slice(0, maxListed)), paragraph(`…and ${items.length - maxListed} more ${noun}.`)];
}

function incidentLine(incident: Incident, state: MeshState, now: number): RichText {
  const words = alertWords(incident.labels, incident.annotations);
  const held = incident.message === undefined && state.silences.coversAny(nodesOf(incident), now) ? " (held back by a silence)" : "";
  return rich(`${severityLook(incident.labels).icon} `, bold(words.firing), ` — since ${formatTime(incident.startsAt)}${held}`);
}

function endedLine(incident: Incident): RichText {
  const words = alertWords(incident.labels, incident.annotations);
  const resolvedAt = incident.resolvedAt ?? incident.lastFiringAt;
  return rich(`✅ ${words.firing} — ${formatTime(incident.startsAt)}, lasted ${formatDuration(resolvedAt - incident.startsAt)}`);
}

function silenceLine(silence: Silence): RichText {
  return rich(bold(silence.node), ` until ${formatTime(silence.until)}, by ${silence.by}`, silence.reason === undefined ? "" : ` — “${silence.reason}”`);
}

function uplinkLine(outage: UplinkOutage | undefined, now: number): RichText {
  return outage === undefined
    ? rich("🌐 Internet connection: up.")
    : rich("🌐 Internet connection: ", bold("down"), ` since ${formatTime(outage.since)} (${formatDuration(now - outage.since)}).`);
}

function byStart(a: Incident, b: Incident): number {
  return b.startsAt - a.startsAt;
}

export function statusReport(state: MeshState, outage: UplinkOutage | undefined, now: number): RichText {
  const firing = state.book.allFiring().sort(byStart);
  const silences = state.silences.all(now);
  return message(
    heading("Mesh status"),
    paragraph(uplinkLine(outage, now)),
    firing.length === 0
      ? paragraph("No open incidents: everything the monitor watches is fine.")
      : [paragraph(bold(`Open incidents (${firing.length})`)), ...capped(firing.map((incident) => incidentLine(incident, state, now)), "incidents")],
    silences.length === 0
      ? paragraph("No silences.")
      : [paragraph(bold(`Silences (${silences.length})`)), ...capped(silences.map(silenceLine), "silences")],
  );
}

function isAbout(node: string): (incident: Incident) => boolean {
  return (incident) => nodesOf(incident).some((name) => sameNode(name, node));
}

export function nodeReport(node: string, state: MeshState, now: number): RichText {
  const owners = state.owners.of(node);
  const silence = state.silences.active(node, now);
  const open = state.book.allFiring().filter(isAbout(node)).sort(byStart);
  const ended = [...state.book.allEnding(), ...state.book.allEnded()].filter(isAbout(node)).sort(byStart);
  const typed = /\s/.test(node) ? `"${node}"` : node;
  return message(
    heading(`Node ${node}`),
    paragraph(
      owners.length === 0
        ? rich("Owners: nobody yet — ", code(`!mesh adopt ${typed}`), " if you look after it.")
        : rich("Owners: ", joinPieces(owners, ", "), "."),
    ),
    paragraph(silence === undefined ? "Silence: none." : rich("Silence: ", silenceLine(silence), ".")),
    open.length === 0
      ? paragraph("No open incidents.")
      : [paragraph(bold(`Open incidents (${open.length})`)), ...capped(open.map((incident) => incidentLine(incident, state, now)), "incidents")],
    ended.length === 0
      ? paragraph("Nothing resolved in the last 7 days.")
      : [paragraph(bold("Resolved in the last 7 days")), ...capped(ended.map(endedLine), "incidents")],
  );
}

/** Whether any incident, open or recent, names this node: a typo in `!mesh adopt` gets a hint. */
export function nodeIsKnown(node: string, state: MeshState): boolean {
  const about = isAbout(node);
  return state.book.allFiring().some(about) || state.book.allEnding().some(about) || state.book.allEnded().some(about);
}
