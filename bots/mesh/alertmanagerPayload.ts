// Reads a webhook body in Prometheus Alertmanager's format (version 4) into plain alerts, or says
// precisely what is wrong with it. Liberal in what the alerts say (any labels, missing optional
// fields), strict in the types, so a broken sender learns about it instead of being half-understood.

import { createHash } from "node:crypto";
import { isJsonObject } from "../../common/jsonObject.ts";

export type AlertStatus = "firing" | "resolved";

/** One alert as the bot uses it: times in ms, Alertmanager's "zero time" already turned into undefined. */
export interface ReceivedAlert {
  /** The fingerprint, or a hash of the labels when the sender gave none: the same alert gets the same key. */
  key: string;
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number | undefined;
  endsAt: number | undefined;
  generatorURL: string | undefined;
}

export interface AlertBatch {
  alerts: ReceivedAlert[];
  externalURL: string | undefined;
  /** Alerts Alertmanager left out of this notification (its max_alerts setting). */
  truncatedAlerts: number;
}

export type PayloadReading = { ok: true; batch: AlertBatch } | { ok: false; status: 400 | 413; problems: string[] };

/** More than this in one notification is refused: Alertmanager's `max_alerts` can keep groups below it. */
export const maxAlertsPerRequest = 1000;
const maxProblemsReported = 10;
const maxKeyLength = 128;
// Labels and annotations are shown to neighbors and stored; longer text is cut, never refused.
const maxLabelValueLength = 500;
const maxAnnotationLength = 2000;
const maxLabels = 64;

export const acceptedFormat =
  'Alertmanager webhook JSON (version "4"): {"alerts": [{"status": "firing" | "resolved", "labels": {"alertname": "…", …}, ' +
  '"annotations"?: {…}, "startsAt"?: RFC 3339 time, "endsAt"?: RFC 3339 time, "generatorURL"?: URL, "fingerprint"?: text}], ' +
  `"externalURL"?: URL}, at most ${maxAlertsPerRequest} alerts per request`;

// Alertmanager writes Go's zero time for "not set".
const zeroTimeYear = 1;

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}

class ProblemList {
  readonly items: string[] = [];
  add(problem: string): void {
    this.items.push(problem);
  }
}

function readStringMap(value: unknown, where: string, maxLength: number, problems: ProblemList): Record<string, string> {
  if (value === undefined) return {};
  if (!isJsonObject(value)) {
    problems.add(`${where} is ${describeType(value)}; expected an object of text values`);
    return {};
  }
  const entries = Object.entries(value);
  if (entries.length > maxLabels) problems.add(`${where} has ${entries.length} entries; at most ${maxLabels} are accepted`);
  const result: Record<string, string> = {};
  for (const [name, entry] of entries.slice(0, maxLabels)) {
    if (typeof entry !== "string") {
      problems.add(`${where}.${name.slice(0, 40)} is ${describeType(entry)}; expected text`);
      continue;
    }
    result[name.slice(0, 100)] = entry.slice(0, maxLength);
  }
  return result;
}

function readTime(value: unknown, where: string, problems: ProblemList): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") {
    problems.add(`${where} is ${describeType(value)}; expected an RFC 3339 time like "2025-06-01T12:00:00Z"`);
    return undefined;
  }
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    problems.add(`${where} is "${value.slice(0, 40)}"; expected an RFC 3339 time like "2025-06-01T12:00:00Z"`);
    return undefined;
  }
  return new Date(time).getUTCFullYear() <= zeroTimeYear ? undefined : time;
}

function readOptionalText(value: unknown, where: string, problems: ProblemList, maxLength = 2000): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") {
    problems.add(`${where} is ${describeType(value)}; expected text`);
    return undefined;
  }
  return value.slice(0, maxLength);
}

/** A stable key from the labels alone, as Alertmanager's fingerprint is. */
export function labelsKey(labels: Record<string, string>): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((name) => [name, labels[name]]);
  return `labels-${createHash("sha256").update(JSON.stringify(sorted)).digest("hex").slice(0, 16)}`;
}

function readAlert(value: unknown, index: number, problems: ProblemList): ReceivedAlert | undefined {
  const where = `alerts[${index}]`;
  if (!isJsonObject(value)) {
    problems.add(`${where} is ${describeType(value)}; expected an alert object`);
    return undefined;
  }
  const before = problems.items.length;
  const { status } = value;
  if (status !== "firing" && status !== "resolved") {
    problems.add(`${where}.status is ${status === undefined ? "missing" : describeType(status)}; expected "firing" or "resolved"`);
  }
  if (value.labels === undefined) problems.add(`${where}.labels is missing; expected an object such as {"alertname": "MeshNodeDown", "node": "rooftop-3"}`);
  // Labels are what the alert is about; they are stored in full length up to the cap, so keys stay stable.
  const labels = readStringMap(value.labels, `${where}.labels`, maxLabelValueLength, problems);
  const annotations = readStringMap(value.annotations, `${where}.annotations`, maxAnnotationLength, problems);
  const startsAt = readTime(value.startsAt, `${where}.startsAt`, problems);
  const endsAt = readTime(value.endsAt, `${where}.endsAt`, problems);
  const generatorURL = readOptionalText(value.generatorURL, `${where}.generatorURL`, problems);
  const fingerprint = readOptionalText(value.fingerprint, `${where}.fingerprint`, problems);
  if (fingerprint !== undefined && fingerprint.length > maxKeyLength) {
    problems.add(`${where}.fingerprint is ${fingerprint.length} characters long; at most ${maxKeyLength} are accepted`);
  }
  if (problems.items.length > before) return undefined;
  return {
    key: fingerprint ?? labelsKey(labels),
    status: status === "resolved" ? "resolved" : "firing",
    labels,
    annotations,
    startsAt,
    endsAt,
    generatorURL,
  };
}

export function readAlertmanagerPayload(body: unknown): PayloadReading {
  if (!isJsonObject(body)) {
    return { ok: false, status: 400, problems: [`the body is ${describeType(body)}; expected a JSON object`] };
  }
  const problems = new ProblemList();
  const { alerts } = body;
  if (alerts === undefined) return { ok: false, status: 400, problems: ['"alerts" is missing; expected a list of alerts'] };
  if (!Array.isArray(alerts)) return { ok: false, status: 400, problems: [`"alerts" is ${describeType(alerts)}; expected a list of alerts`] };
  if (alerts.length > maxAlertsPerRequest) {
    return {
      ok: false,
      status: 413,
      problems: [
        `"alerts" holds ${alerts.length} alerts; at most ${maxAlertsPerRequest} are accepted per request (set max_alerts in Alertmanager's webhook_config)`,
      ],
    };
  }
  const externalURL = readOptionalText(body.externalURL, "externalURL", problems);
  const truncated = body.truncatedAlerts;
  if (truncated !== undefined && (typeof truncated !== "number" || !Number.isInteger(truncated) || truncated < 0)) {
    problems.add(`truncatedAlerts is ${describeType(truncated)}; expected a whole number of 0 or more`);
  }
  const read: ReceivedAlert[] = [];
  alerts.forEach((alert, index) => {
    const parsed = readAlert(alert, index, problems);
    if (parsed !== undefined) read.push(parsed);
  });
  if (problems.items.length > 0) {
    const shown = problems.items.slice(0, maxProblemsReported);
    const hidden = problems.items.length - shown.length;
    return { ok: false, status: 400, problems: hidden > 0 ? [...shown, `…and ${hidden} more problems`] : shown };
  }
  return { ok: true, batch: { alerts: read, externalURL, truncatedAlerts: typeof truncated === "number" ? truncated : 0 } };
}
