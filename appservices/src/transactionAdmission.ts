// What happens to a transaction once it is authenticated and parsed: taken in durably (ledger + inbox in one
// commit, then queued per room). (The benchmark's floor, bench/intakeThroughput.ts, is another admission.)
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { performance } from "node:perf_hooks";
import type { MatrixEvent } from "../../bots/framework/contract.ts";
import type { RoomQueues } from "./roomQueues.ts";
import type { TransactionInbox } from "./transactionInbox.ts";

/**
 * accepted: stored now; duplicate: stored earlier; busy: the inbox stayed full; unavailable: the disk refused
 * the write. Both of the last ask the homeserver to retry the same transaction later.
 */
export type AdmissionOutcome = "accepted" | "duplicate" | "busy" | "unavailable";

export interface TransactionAdmission {
  admit(txnId: string, events: readonly MatrixEvent[]): Promise<AdmissionOutcome>;
}

export interface DurableAdmissionOptions {
  inbox: TransactionInbox;
  queues: RoomQueues;
  /** Above this many unhandled events, the ack waits for the inbox to drain. */
  maxPendingEvents: number;
  /** How long the ack may wait before answering "busy" (Synapse then retries the same txnId later). */
  maxWaitMs: number;
  pollMs?: number;
  /** Events no bot needs are acknowledged without being stored (a replay of them is a no-op anyway). */
  needsHandling(event: MatrixEvent): boolean;
}

/**
 * The ledger's key for a transaction: its txnId and a digest of its events' ids. Synapse on SQLite starts
 * its transaction ids again from 1 after a restart (element-hq/synapse#14556), so a txnId alone would make
 * every transaction after a Synapse restart (a pact change restarts it) look like one already taken in,
 * and its events would be dropped. A retry of a transaction carries the same events, so it stays a duplicate.
 */
export function ledgerKey(txnId: string, events: readonly MatrixEvent[]): string {
  const digest = createHash("sha256")
    .update(events.map((event) => event.event_id).join("\n"))
    .digest("base64url");
  return `${txnId} ${digest.slice(0, 22)}`;
}

export function durableAdmission(options: DurableAdmissionOptions): TransactionAdmission {
  const { inbox, queues, maxPendingEvents, maxWaitMs, pollMs = 20, needsHandling } = options;

  // Backpressure by delaying the ack rather than growing the inbox without bound.
  async function inboxHasRoom(): Promise<boolean> {
    // Monotonic, so a wall-clock step neither refuses at once nor waits a day.
    const deadline = performance.now() + maxWaitMs;
    while (inbox.pendingCount() >= maxPendingEvents) {
      if (performance.now() >= deadline) return false;
      await sleep(pollMs);
    }
    return true;
  }

  return {
    async admit(txnId, allEvents) {
      const events = allEvents.filter(needsHandling);
      // Nothing to do, nothing to remember: this spares an fsync for every echo of a bot's own message.
      if (events.length === 0) return "accepted";
      const key = ledgerKey(txnId, allEvents);
      // A retry of a stored transaction is answered at once, even while the inbox is full.
      if (inbox.hasTransaction(key)) return "duplicate";
      if (!(await inboxHasRoom())) return "busy";
      // The ledger insert decides: of two concurrent deliveries of one txnId, only the first stores events.
      const recorded = inbox.record(key, events);
      if (recorded.outcome !== "accepted") return recorded.outcome;
      queues.enqueue(recorded.entries);
      return "accepted";
    },
  };
}
