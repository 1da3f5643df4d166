// Batches local board changes into few Matrix events: changes collect until `maxChanges` of them or
// until the oldest has waited `maxDelayMs`, then go out as one update merged with Y.mergeUpdates.

import * as Y from "yjs";

export interface BatchOptions {
  maxChanges: number;
  maxDelayMs: number;
}

export const defaultBatchOptions: BatchOptions = { maxChanges: 50, maxDelayMs: 1000 };

export class UpdateBatcher {
  readonly #options: BatchOptions;
  #pending: Uint8Array[] = [];
  #oldestAt = 0;

  constructor(options: BatchOptions = defaultBatchOptions) {
    this.#options = options;
  }

  /** Adds a change; true when the batch is full and should go out now. */
  add(update: Uint8Array, now: number): boolean {
    if (this.#pending.length === 0) this.#oldestAt = now;
    this.#pending.push(update);
    return this.#pending.length >= this.#options.maxChanges;
  }

  isDue(now: number): boolean {
    return this.#pending.length >= this.#options.maxChanges || (this.#pending.length > 0 && now - this.#oldestAt >= this.#options.maxDelayMs);
  }

  /** Everything pending as one update (and the number of changes in it), or undefined. */
  take(): { update: Uint8Array; changes: number } | undefined {
    if (this.#pending.length === 0) return undefined;
    const changes = this.#pending.length;
    const update = changes === 1 ? (this.#pending[0] as Uint8Array) : Y.mergeUpdates(this.#pending);
    this.#pending = [];
    return { update, changes };
  }

  /** A batch whose send failed goes back in front, to be retried with what came since. */
  putBack(update: Uint8Array, now: number): void {
    if (this.#pending.length === 0) this.#oldestAt = now;
    this.#pending.unshift(update);
  }

  get size(): number {
    return this.#pending.length;
  }
}
