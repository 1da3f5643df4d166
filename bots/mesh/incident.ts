// An incident is one stretch of time an alert fired, from its first "firing" to its "resolved": what
// the room sees as one message. Pure rules for how a received alert changes it; no I/O here.

import type { ReceivedAlert } from "./alertmanagerPayload.ts";

export interface PostedMessage {
  roomId: string;
  eventId: string;
}

export interface Incident {
  /** `<alert key>@<start ms>`: unique per incident, so a re-fired alert is a new incident. */
  id: string;
  /** The alert's fingerprint (or labels hash). */
  key: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  /** The last time a "firing" for it arrived. */
  lastFiringAt: number;
  resolvedAt?: number;
  /** Where neighbors can see it on a map or in the monitor. */
  mapUrl?: string;
  /** Its message in Mesh alerts, once posted (never while silenced). */
  message?: PostedMessage;
  /** Posted as one line of a summary of many incidents at once: its resolution edits nothing itself. */
  summarized?: boolean;
  /** Whether the message was edited to show the resolution. */
  resolvedShown: boolean;
  /** Owners already told by DM that it fired. */
  ownersTold: string[];
  /** Matrix failures so far and when to try again (the room may be unreachable for a while). */
  failures: number;
  retryAt?: number;
}

export type AlertOutcome =
  | { kind: "opened"; incident: Incident }
  | { kind: "still-firing"; incident: Incident }
  | { kind: "resolved"; incident: Incident }
  /** A late copy of something already handled: changes nothing. */
  | { kind: "duplicate" }
  /** Resolved, but no firing was ever seen (the bot was not there, or it was cleaned up). */
  | { kind: "unknown" };

export interface AlertSituation {
  /** The firing incident with the alert's key, if any. */
  firing: Incident | undefined;
  /** Whether an incident with this id has already ended. */
  hasEnded(id: string): boolean;
  now: number;
  externalURL: string | undefined;
}

function incidentId(key: string, startsAt: number): string {
  return `${key}@${startsAt}`;
}

/** Where a neighbor clicks to see it: the rule may name a map page, else the sender's links. */
function mapUrlOf(alert: ReceivedAlert, externalURL: string | undefined): string | undefined {
  return alert.annotations.map_url ?? alert.annotations.dashboard ?? alert.generatorURL ?? externalURL;
}

// A start a little in the future is clock skew between the monitor and this box, not a prediction.
function startOf(alert: ReceivedAlert, now: number): number {
  return alert.startsAt === undefined ? now : Math.min(alert.startsAt, now);
}

function openIncident(alert: ReceivedAlert, situation: AlertSituation): Incident {
  const startsAt = startOf(alert, situation.now);
  const mapUrl = mapUrlOf(alert, situation.externalURL);
  return {
    id: incidentId(alert.key, startsAt),
    key: alert.key,
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt,
    lastFiringAt: situation.now,
    ...(mapUrl === undefined ? {} : { mapUrl }),
    resolvedShown: false,
    ownersTold: [],
    failures: 0,
  };
}

function resolve(incident: Incident, resolvedAt: number): Incident {
  return { ...incident, resolvedAt: Math.max(incident.startsAt, resolvedAt) };
}

const outcomeByStatus: Readonly<Record<ReceivedAlert["status"], (alert: ReceivedAlert, situation: AlertSituation) => AlertOutcome>> = {
  firing(alert, situation) {
    const { firing, now } = situation;
    if (firing === undefined) {
      // Alertmanager repeats a group's resolved alerts' last firing state in late retries; the start tells them apart.
      if (alert.startsAt !== undefined && situation.hasEnded(incidentId(alert.key, startOf(alert, now)))) return { kind: "duplicate" };
      return { kind: "opened", incident: openIncident(alert, situation) };
    }
    // Even with a different start: a sender that stamps every repeat anew must not flood the room.
    return {
      kind: "still-firing",
      incident: { ...firing, lastFiringAt: now, annotations: { ...firing.annotations, ...alert.annotations } },
    };
  },
  resolved(alert, situation) {
    const { firing, now } = situation;
    if (firing === undefined) {
      return alert.startsAt !== undefined && situation.hasEnded(incidentId(alert.key, startOf(alert, now))) ? { kind: "duplicate" } : { kind: "unknown" };
    }
    const endsAt = alert.endsAt === undefined ? now : Math.min(alert.endsAt, now);
    return { kind: "resolved", incident: resolve(firing, endsAt) };
  },
};

export function applyAlert(alert: ReceivedAlert, situation: AlertSituation): AlertOutcome {
  return outcomeByStatus[alert.status](alert, situation);
}

/** The nodes an incident is about, as written in its labels (a link has two). */
export function nodesOf(incident: Pick<Incident, "labels">): string[] {
  const { node, source, target, link, node_a, node_b } = incident.labels;
  // The mesh monitor names a link's ends node_a/node_b; its `source` label is the collector, not a node.
  // Alertmanager rules use source/target for a link's ends, or a `link` label written "a—b".
  const ends =
    node_a !== undefined && node_b !== undefined
      ? [node_a, node_b]
      : source !== undefined && target !== undefined
        ? [source, target]
        : link !== undefined
          ? splitLink(link)
          : [];
  const names = [node, ...ends].filter((name): name is string => name !== undefined && name !== "");
  return [...new Set(names)];
}

/** "a—b", "a - b", "a<->b" → ["a", "b"]; anything else is one name. */
export function splitLink(link: string): string[] {
  const parts = link
    .split(/\s*(?:—|–|<->|↔|<=>)\s*|\s+-\s+/u)
    .map((part) => part.trim())
    .filter((part) => part !== "");
  return parts.length === 2 ? parts : [];
}
