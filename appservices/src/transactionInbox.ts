// The transaction ledger (which txnIds were already taken in) and the durable inbox (their events, not yet
// handled). Both are written in one SQLite transaction, so an acknowledged transaction can never be half-stored.
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { MatrixEvent } from "../../bots/framework/contract.ts";
import { runInTransaction } from "./sqliteTransaction.ts";
import type { StorageAlarm } from "./storageFailure.ts";

export interface InboxEntry {
  seq: number;
  event: MatrixEvent;
}

/** unavailable: the disk refused the write (full, I/O error); nothing was stored, the sender should retry. */
export type RecordOutcome = { outcome: "accepted"; entries: InboxEntry[] } | { outcome: "duplicate" } | { outcome: "unavailable" };

export interface LedgerLimits {
  /** How many txnIds are remembered at most (the newest are kept). */
  maxEntries: number;
  /** How long a txnId is remembered; Synapse retries for far less than this. */
  maxAgeMs: number;
}

export const defaultLedgerLimits: LedgerLimits = { maxEntries: 10_000, maxAgeMs: 7 * 24 * 60 * 60 * 1000 };

const probeEveryMs = 2_000;
/** Never a homeserver's txnId (those are path segments: no NUL). */
const probeTxnId = "\u0000probe";

export class TransactionInbox {
  readonly #db: DatabaseSync;
  readonly #now: () => number;
  readonly #limits: LedgerLimits;
  readonly #alarm: StorageAlarm;
  readonly #findTxn: StatementSync;
  readonly #insertTxn: StatementSync;
  readonly #insertEvent: StatementSync;
  readonly #pruneByCount: StatementSync;
  readonly #pruneByAge: StatementSync;
  readonly #deleteEvent: StatementSync;
  readonly #deleteProbe: StatementSync;
  #pending: number;
  #acknowledged: number[] = [];
  #flushScheduled = false;
  #probeScheduled = false;

  constructor(db: DatabaseSync, now: () => number, limits: LedgerLimits, alarm: StorageAlarm) {
    this.#db = db;
    this.#now = now;
    this.#limits = limits;
    this.#alarm = alarm;
    this.#findTxn = db.prepare("SELECT 1 AS found FROM transaction_ledger WHERE txn_id = ?");
    this.#insertTxn = db.prepare("INSERT INTO transaction_ledger (txn_id, received_at) VALUES (?, ?) ON CONFLICT (txn_id) DO NOTHING");
    this.#insertEvent = db.prepare("INSERT INTO inbox (room_id, event_json) VALUES (?, ?)");
    this.#pruneByCount = db.prepare("DELETE FROM transaction_ledger WHERE seq <= ?");
    this.#pruneByAge = db.prepare("DELETE FROM transaction_ledger WHERE received_at < ?");
    this.#deleteEvent = db.prepare("DELETE FROM inbox WHERE seq = ?");
    this.#deleteProbe = db.prepare("DELETE FROM transaction_ledger WHERE txn_id = ?");
    const counted = db.prepare("SELECT count(*) AS pending FROM inbox").get();
    this.#pending = Number(counted?.pending ?? 0);
  }

  hasTransaction(txnId: string): boolean {
    return this.#findTxn.get(txnId) !== undefined;
  }

  /** Takes in a transaction once: its txnId and events commit together, or it was already here, or the disk refused. */
  record(txnId: string, events: readonly MatrixEvent[]): RecordOutcome {
    // The deletes ride along; they are forgotten only once their commit went through.
    const deleting = this.#acknowledged.slice();
    let outcome: RecordOutcome;
    try {
      outcome = runInTransaction(this.#db, (): RecordOutcome => {
        this.#deleteEvents(deleting);
        const ledger = this.#insertTxn.run(txnId, this.#now());
        if (ledger.changes === 0) return { outcome: "duplicate" };
        // AUTOINCREMENT seqs have no gaps here (duplicates insert nothing), so "newest N" is a seq range.
        this.#pruneByCount.run(Number(ledger.lastInsertRowid) - this.#limits.maxEntries);
        this.#pruneByAge.run(this.#now() - this.#limits.maxAgeMs);
        const entries = events.map((event) => ({
          seq: Number(this.#insertEvent.run(event.room_id, JSON.stringify(event)).lastInsertRowid),
          event,
        }));
        return { outcome: "accepted", entries };
      });
    } catch (error) {
      if (this.#alarm.failed(error) === undefined) throw error;
      this.#scheduleProbe();
      return { outcome: "unavailable" };
    }
    this.#alarm.succeeded();
    this.#forget(deleting);
    if (outcome.outcome === "accepted") this.#pending += outcome.entries.length;
    return outcome;
  }

  /** Every event not yet handled, in arrival order (used to replay after a restart). */
  pendingEntries(): InboxEntry[] {
    return this.#db
      .prepare("SELECT seq, event_json FROM inbox ORDER BY seq")
      .all()
      .map((row) => ({ seq: Number(row.seq), event: JSON.parse(String(row.event_json)) as MatrixEvent }));
  }

  pendingCount(): number {
    return this.#pending;
  }

  /**
   * Marks an event handled. Each commit costs an fsync, so deletes ride along with the next transaction's
   * commit, or are flushed within a second when none comes; a crash before that only means those events
   * are delivered again (at-least-once).
   */
  acknowledge(seq: number): void {
    this.#pending -= 1;
    this.#acknowledged.push(seq);
    this.#scheduleFlush();
  }

  /** Writes the pending deletes now. A disk that refuses keeps them for the next try; it never throws for that. */
  flush(): void {
    this.#flushScheduled = false;
    if (this.#acknowledged.length === 0 || !this.#db.isOpen) return;
    const deleting = this.#acknowledged.slice();
    try {
      runInTransaction(this.#db, () => this.#deleteEvents(deleting));
    } catch (error) {
      if (this.#alarm.failed(error) === undefined) throw error;
      this.#scheduleFlush();
      return;
    }
    this.#alarm.succeeded();
    this.#forget(deleting);
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setTimeout(() => this.flush(), 1_000).unref();
  }

  /**
   * While the disk refuses, a small write every few seconds notices when it works again, so the host can
   * ask Synapse to resend at once: Synapse's own retries back off to minutes after a few refusals.
   */
  #scheduleProbe(): void {
    if (this.#probeScheduled) return;
    this.#probeScheduled = true;
    setTimeout(() => {
      this.#probeScheduled = false;
      if (this.#alarm.failing === undefined || !this.#db.isOpen) return;
      try {
        runInTransaction(this.#db, () => {
          this.#insertTxn.run(probeTxnId, this.#now());
          this.#deleteProbe.run(probeTxnId);
        });
      } catch (error) {
        if (this.#alarm.failed(error) === undefined) throw error;
        return this.#scheduleProbe();
      }
      this.#alarm.succeeded();
    }, probeEveryMs).unref();
  }

  #deleteEvents(seqs: readonly number[]): void {
    for (const seq of seqs) this.#deleteEvent.run(seq);
  }

  /** Drops written deletes from the pending list (acknowledge may have added more meanwhile). */
  #forget(written: readonly number[]): void {
    if (written.length === 0) return;
    const done = new Set(written);
    this.#acknowledged = this.#acknowledged.filter((seq) => !done.has(seq));
  }
}
