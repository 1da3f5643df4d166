// When the disk fails the store: which SQLite errors mean "the disk" (full, I/O, damaged), and the
// operator-facing line that says so once per episode instead of once per retried transaction.
import { dirname } from "node:path";
import type { HostLog } from "./hostLog.ts";

export type StorageFailure = "full" | "io" | "damaged";

// SQLite primary result codes (the low byte of an extended code).
const failureByCode: Record<number, StorageFailure> = { 13: "full", 10: "io", 11: "damaged", 26: "damaged" };

/** The kind of disk trouble behind a node:sqlite error, or undefined when the error is something else. */
export function storageFailureOf(error: unknown): StorageFailure | undefined {
  if (typeof error !== "object" || error === null || !("errcode" in error) || typeof error.errcode !== "number") return undefined;
  return failureByCode[error.errcode & 0xff];
}

const explain: Record<StorageFailure, (dir: string, detail: string) => string> = {
  full: (dir) => `The disk holding the bots' store (${dir}) is full: new messages for the bots are refused for now`,
  io: (dir, detail) => `The disk holding the bots' store (${dir}) reports an I/O error (${detail}): new messages for the bots are refused for now`,
  damaged: (dir, detail) => `The bots' store in ${dir} reports damage while running (${detail}): new messages for the bots are refused for now`,
};

/** Reports storage trouble to the operator: one line when it starts, one when writes work again. */
export class StorageAlarm {
  readonly #log: HostLog;
  readonly #path: string;
  #failing: StorageFailure | undefined;
  #since = "";
  readonly #recovered: Array<() => void> = [];

  constructor(log: HostLog, path: string) {
    this.#log = log;
    this.#path = path;
  }

  get failing(): StorageFailure | undefined {
    return this.#failing;
  }

  /** Called each time writes work again after trouble (e.g. to ask Synapse to resend what was refused now). */
  onRecovered(listener: () => void): void {
    this.#recovered.push(listener);
  }

  /** Returns the failure's kind if `error` is disk trouble (reported once per episode); undefined otherwise. */
  failed(error: unknown): StorageFailure | undefined {
    const kind = storageFailureOf(error);
    if (kind === undefined || this.#failing === kind) return kind;
    this.#failing = kind;
    this.#since = new Date().toISOString();
    const detail = error instanceof Error ? error.message : String(error);
    this.#log.error(
      `${explain[kind](dirname(this.#path), detail)}. Synapse keeps them and sends them again; free space there (or fix the disk) and the bots catch up by themselves.`,
      { store: this.#path, failure: kind },
    );
    return kind;
  }

  succeeded(): void {
    if (this.#failing === undefined) return;
    const what = this.#failing === "full" ? "the disk was full" : this.#failing === "io" ? "the disk reported I/O errors" : "the store reported damage";
    this.#failing = undefined;
    // Says what happened again: the first line may never have reached a log file on the same full disk.
    this.#log.info(`The bots' store can be written again (${this.#path}); ${what} since ${this.#since}. The messages held back are being taken in.`, {
      store: this.#path,
    });
    for (const listener of this.#recovered) listener();
  }
}
