// The `alerts` webhook: Alertmanager-format JSON from the mesh monitor or a real Alertmanager.
// Validates, records each alert against its incident durably, then brings the room up to date.

import type { BotContext, WebhookReply } from "../framework/contract.ts";
import { acceptedFormat, readAlertmanagerPayload, type AlertBatch } from "./alertmanagerPayload.ts";
import { applyAlert, type AlertOutcome } from "./incident.ts";
import { meshState } from "./meshState.ts";
import { syncWithMatrix } from "./meshSync.ts";

type OutcomeKind = AlertOutcome["kind"];

/** What the reply reports for each outcome, so a sender (or a person with curl) sees what happened. */
const countNames: Readonly<Record<OutcomeKind, string>> = {
  opened: "opened",
  "still-firing": "stillFiring",
  resolved: "resolved",
  duplicate: "duplicates",
  unknown: "resolvedUnknown",
};

function recordAlerts(batch: AlertBatch, context: BotContext): Record<string, number> {
  const { book } = meshState(context);
  const counts: Record<string, number> = Object.fromEntries(Object.values(countNames).map((name) => [name, 0]));
  for (const alert of batch.alerts) {
    const outcome = applyAlert(alert, {
      firing: book.firing(alert.key),
      hasEnded: (id) => book.hasEnded(id),
      now: context.now(),
      externalURL: batch.externalURL,
    });
    if ("incident" in outcome) book.save(outcome.incident);
    const name = countNames[outcome.kind];
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

export async function receiveAlerts(body: unknown, context: BotContext): Promise<WebhookReply> {
  const reading = readAlertmanagerPayload(body);
  if (!reading.ok) {
    return {
      status: reading.status,
      body: {
        errcode: reading.status === 413 ? "M_TOO_LARGE" : "M_BAD_JSON",
        error: reading.problems.join("; "),
        problems: reading.problems,
        accepted: acceptedFormat,
      },
    };
  }
  const counts = recordAlerts(reading.batch, context);
  // Recorded first: whatever Matrix does now, the alerts are safe and the next tick retries.
  await syncWithMatrix(context);
  return { status: 200, body: { ok: true, received: reading.batch.alerts.length, ...counts } };
}
