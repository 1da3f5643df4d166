// Everything the mesh bot says, from the catalogs (bots/messages/<lang>/mesh.json) with a Speaker: the
// incident message and its resolved edit, owners' DMs, the Lobby's uplink notices, summaries of many
// problems at once, and the answers to `!mesh`. Whose language is the caller's choice: a room post
// speaks the block's, a DM or a reply the neighbor's. Label text is escaped by richText.

import type { RichText } from "../framework/contract.ts";
import type { Command } from "../framework/defineCommand.ts";
import { bulletList, heading, lines, link, mention, message, paragraph, type Inline } from "../framework/richText.ts";
import type { Speaker } from "../framework/speak.ts";
import { isSimulated } from "./alertAudience.ts";
import { alertWords, severityLook } from "./alertWording.ts";
import { nodesOf, type Incident } from "./incident.ts";
import { subcommandUsage } from "./meshCommandWords.ts";
import type { IncidentLine, MeshReply, NodeView, StatusView } from "./meshOutcomes.ts";
import type { Silence } from "./silences.ts";

const at = (ms: number) => new Date(ms);

/** A node name as typed in a command: quoted when it has spaces. */
function typed(node: string): string {
  return /\s/.test(node) ? `"${node}"` : node;
}

function nonEmpty(pieces: readonly Inline[]): Inline[] {
  return pieces.filter((piece) => piece !== "" && !(Array.isArray(piece) && piece.length === 0));
}

function ownersLine(speaker: Speaker, owners: readonly string[]): Inline {
  if (owners.length === 0) return [];
  return speaker.say("mesh.post.owners", { count: owners.length, owners: speaker.list(owners.map((owner) => mention(owner))) });
}

function mapLine(speaker: Speaker, incident: Incident): Inline {
  return incident.mapUrl === undefined ? [] : speaker.say("mesh.post.map", { url: link(incident.mapUrl) });
}

function silenceHint(speaker: Speaker, incident: Incident): Inline {
  const [node] = nodesOf(incident);
  // Nobody works on a simulated node.
  if (node === undefined || isSimulated(incident.labels)) return [];
  return speaker.say("mesh.post.silenceHint", { node: typed(node) });
}

function describedLines(speaker: Speaker, incident: Incident): Inline[] {
  const words = alertWords(speaker, incident.labels, incident.annotations);
  return [words.explanation ?? [], words.description !== undefined && words.description !== words.firing ? words.description : []];
}

export function firingMessage(speaker: Speaker, incident: Incident, owners: readonly string[]): RichText {
  const words = alertWords(speaker, incident.labels, incident.annotations);
  const severity = severityLook(speaker, incident.labels);
  return message(
    paragraph(speaker.say("mesh.post.headline", { icon: severity.icon, headline: words.firing })),
    paragraph(
      lines(
        ...nonEmpty([
          speaker.say("mesh.post.since", { severity: severity.word, since: at(incident.startsAt) }),
          ...describedLines(speaker, incident),
          ownersLine(speaker, owners),
          mapLine(speaker, incident),
          silenceHint(speaker, incident),
        ]),
      ),
    ),
  );
}

function resolvedAtOf(incident: Incident): number {
  return incident.resolvedAt ?? incident.lastFiringAt;
}

export function resolvedMessage(speaker: Speaker, incident: Incident, owners: readonly string[]): RichText {
  const words = alertWords(speaker, incident.labels, incident.annotations);
  const severity = severityLook(speaker, incident.labels).word.toLocaleLowerCase(speaker.language);
  const from = incident.startsAt;
  const to = resolvedAtOf(incident);
  // The day is named once when both ends share it (in the block's time zone).
  const sameDay = speaker.plain("mesh.post.day", { when: at(from) }) === speaker.plain("mesh.post.day", { when: at(to) });
  return message(
    paragraph(speaker.say("mesh.post.resolvedHeadline", { headline: words.resolved, lasted: speaker.duration(to - from) })),
    paragraph(
      lines(
        ...nonEmpty([
          speaker.say(sameDay ? "mesh.post.wasSameDay" : "mesh.post.was", { headline: words.firing, severity, from: at(from), to: at(to) }),
          ownersLine(speaker, owners),
          mapLine(speaker, incident),
        ]),
      ),
    ),
  );
}

export function ownerFiringNotice(speaker: Speaker, incident: Incident): RichText {
  const words = alertWords(speaker, incident.labels, incident.annotations);
  const severity = severityLook(speaker, incident.labels).word.toLocaleLowerCase(speaker.language);
  return message(
    paragraph(speaker.say("mesh.owner.firing", { headline: words.firing, severity, since: at(incident.startsAt) })),
    paragraph(lines(...nonEmpty([...describedLines(speaker, incident), mapLine(speaker, incident), silenceHint(speaker, incident)]))),
    paragraph(speaker.say("mesh.owner.firingDetails")),
  );
}

export function ownerResolvedNotice(speaker: Speaker, incident: Incident): RichText {
  const words = alertWords(speaker, incident.labels, incident.annotations);
  return message(speaker.say("mesh.owner.resolved", { headline: words.resolved, lasted: speaker.duration(resolvedAtOf(incident) - incident.startsAt) }));
}

export function uplinkDownNotice(speaker: Speaker): RichText {
  return message(paragraph(speaker.say("mesh.uplink.down")), paragraph(speaker.say("mesh.uplink.downFollowUp")));
}

export function uplinkBackNotice(speaker: Speaker, downFor: number): RichText {
  return message(speaker.say("mesh.uplink.back", { lasted: speaker.duration(downFor) }));
}

const burstLinesShown = 12;

function headlines(speaker: Speaker, incidents: readonly Incident[], shown: number): Inline[] {
  const items = incidents.slice(0, shown).map((incident) =>
    speaker.say("mesh.burst.line", {
      icon: severityLook(speaker, incident.labels).icon,
      headline: alertWords(speaker, incident.labels, incident.annotations).firing,
    }),
  );
  return [bulletList(items), incidents.length > shown ? paragraph(speaker.say("mesh.burst.more", { count: incidents.length - shown })) : []];
}

/** Many incidents at once (a power cut, a big Alertmanager group): one message instead of a flood. */
export function burstMessage(speaker: Speaker, incidents: readonly Incident[], owners: readonly string[]): RichText {
  const since = Math.min(...incidents.map((incident) => incident.startsAt));
  return message(
    paragraph(speaker.say("mesh.burst.headline", { count: incidents.length, since: at(since) })),
    headlines(speaker, incidents, burstLinesShown),
    paragraph(lines(...nonEmpty([ownersLine(speaker, owners.slice(0, 20)), speaker.say("mesh.burst.statusHint")]))),
  );
}

export function burstResolvedMessage(speaker: Speaker, count: number, since: number, resolvedAt: number): RichText {
  return message(
    paragraph(speaker.say("mesh.burst.resolved", { count, lasted: speaker.duration(resolvedAt - since) })),
    paragraph(speaker.say("mesh.burst.began", { since: at(since) })),
  );
}

export function ownerBurstNotice(speaker: Speaker, incidents: readonly Incident[]): RichText {
  return message(
    paragraph(speaker.say("mesh.owner.burst", { count: incidents.length })),
    headlines(speaker, incidents, 5),
    paragraph(speaker.say("mesh.owner.burstDetails")),
  );
}

// The answers to `!mesh status` and `!mesh node`.

const maxListed = 15;

function capped(speaker: Speaker, items: readonly Inline[], more: "mesh.report.moreIncidents" | "mesh.report.moreSilences"): Inline[] {
  if (items.length <= maxListed) return [bulletList(items)];
  return [bulletList(items.slice(0, maxListed)), paragraph(speaker.say(more, { count: items.length - maxListed }))];
}

function incidentLine(speaker: Speaker, { incident, heldBack }: IncidentLine): RichText {
  const values = {
    icon: severityLook(speaker, incident.labels).icon,
    headline: alertWords(speaker, incident.labels, incident.annotations).firing,
    since: at(incident.startsAt),
  };
  return speaker.say(heldBack ? "mesh.report.incidentHeld" : "mesh.report.incident", values);
}

function endedLine(speaker: Speaker, incident: Incident): RichText {
  const headline = alertWords(speaker, incident.labels, incident.annotations).firing;
  return speaker.say("mesh.report.ended", { headline, since: at(incident.startsAt), lasted: speaker.duration(resolvedAtOf(incident) - incident.startsAt) });
}

function silenceLine(speaker: Speaker, silence: Silence): RichText {
  const values = { node: silence.node, until: at(silence.until), by: silence.by };
  return silence.reason === undefined
    ? speaker.say("mesh.report.silence", values)
    : speaker.say("mesh.report.silenceWithReason", { ...values, reason: silence.reason });
}

function openIncidents(speaker: Speaker, open: readonly IncidentLine[], none: "mesh.report.noIncidents" | "mesh.report.noNodeIncidents"): Inline {
  if (open.length === 0) return paragraph(speaker.say(none));
  return [
    paragraph(speaker.say("mesh.report.openIncidents", { count: open.length })),
    ...capped(
      speaker,
      open.map((line) => incidentLine(speaker, line)),
      "mesh.report.moreIncidents",
    ),
  ];
}

export function statusReport(speaker: Speaker, view: StatusView): RichText {
  const { outage, silences } = view;
  return message(
    heading(speaker.say("mesh.report.statusTitle")),
    paragraph(
      outage === undefined
        ? speaker.say("mesh.report.uplinkUp")
        : speaker.say("mesh.report.uplinkDown", { since: at(outage.since), lasted: speaker.duration(view.now - outage.since) }),
    ),
    openIncidents(speaker, view.open, "mesh.report.noIncidents"),
    silences.length === 0
      ? paragraph(speaker.say("mesh.report.noSilences"))
      : [
          paragraph(speaker.say("mesh.report.silences", { count: silences.length })),
          ...capped(
            speaker,
            silences.map((silence) => silenceLine(speaker, silence)),
            "mesh.report.moreSilences",
          ),
        ],
  );
}

export function nodeReport(speaker: Speaker, view: NodeView): RichText {
  const { node, owners, silence, ended } = view;
  return message(
    heading(speaker.say("mesh.report.nodeTitle", { node })),
    paragraph(
      owners.length === 0 ? speaker.say("mesh.report.noOwners", { node: typed(node) }) : speaker.say("mesh.report.owners", { owners: speaker.list(owners) }),
    ),
    paragraph(
      silence === undefined ? speaker.say("mesh.report.noSilence") : speaker.say("mesh.report.nodeSilence", { silence: silenceLine(speaker, silence) }),
    ),
    openIncidents(speaker, view.open, "mesh.report.noNodeIncidents"),
    ended.length === 0
      ? paragraph(speaker.say("mesh.report.noneResolved"))
      : [
          paragraph(speaker.say("mesh.report.resolvedRecently")),
          ...capped(
            speaker,
            ended.map((incident) => endedLine(speaker, incident)),
            "mesh.report.moreIncidents",
          ),
        ],
  );
}

function subcommandMenu(speaker: Speaker, subcommands: readonly Command[]): RichText {
  return bulletList(
    subcommands.map((command) =>
      speaker.say("mesh.menu.item", { usage: subcommandUsage(command, speaker.language), summary: speaker.phrase(command.summary) }),
    ),
  );
}

/** The answer to a `!mesh` subcommand. */
export function meshReplyWords(speaker: Speaker, reply: MeshReply, subcommands: readonly Command[]): RichText {
  switch (reply.kind) {
    case "menu":
      return message(
        paragraph(reply.unknownWord === undefined ? speaker.say("mesh.menu.ask") : speaker.say("mesh.menu.unknown", { word: reply.unknownWord })),
        subcommandMenu(speaker, subcommands),
      );
    case "badArguments": {
      const command = subcommands.find((each) => each.name === reply.subcommand);
      const usage = command === undefined ? reply.subcommand : subcommandUsage(command, speaker.language);
      return message(speaker.say("framework.badArguments", { problem: reply.problem, usage }));
    }
    case "adopted":
      return message(speaker.say(reply.knownNode ? "mesh.adopt.done" : "mesh.adopt.doneUnknown", { node: reply.node }));
    case "alreadyOwner":
      return message(speaker.say("mesh.adopt.already", { node: reply.node }));
    case "unadoptRefused":
      return message(speaker.say("mesh.unadopt.onlyModerators"));
    case "unadopted":
      return message(
        reply.self
          ? speaker.say("mesh.unadopt.youStopped", { node: reply.node })
          : speaker.say("mesh.unadopt.theyStopped", { node: reply.node, who: reply.who }),
      );
    case "notOwner":
      return message(
        reply.self
          ? speaker.say("mesh.unadopt.youWereNot", { node: reply.node })
          : speaker.say("mesh.unadopt.theyWereNot", { node: reply.node, who: reply.who }),
      );
    case "manageRefused":
      return message(speaker.say("mesh.manage.notAllowed", { node: reply.node, action: reply.action }));
    case "silenced":
      return message(
        speaker.say("mesh.silence.done", { node: reply.node, lasted: speaker.duration(reply.lasts), until: at(reply.until), open: reply.openIncidents }),
      );
    case "unsilenced":
      return message(speaker.say("mesh.unsilence.done", { node: reply.node }));
    case "notSilenced":
      return message(speaker.say("mesh.unsilence.notSilenced", { node: reply.node }));
    case "status":
      return statusReport(speaker, reply.view);
    case "node":
      return nodeReport(speaker, reply.view);
  }
}
