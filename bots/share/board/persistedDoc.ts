// A Y.Doc kept in the BotStore: a snapshot (Y.encodeStateAsUpdate, base64) plus a log of the updates
// since, written as each update happens so a restart loses nothing. The log is folded into a new
// snapshot every `compactEvery` updates, which keeps start-up to one decode plus a short tail.

import * as Y from "yjs";
import type { BotStore } from "../../framework/contract.ts";

export const loadOrigin = Symbol("load");

interface Snapshot {
  update: string;
  /** Log entries up to this number are contained in the snapshot. */
  upTo: number;
}

export interface PersistedDocOptions {
  compactEvery?: number;
}

const sequenceWidth = 12;

export class PersistedDoc {
  readonly doc = new Y.Doc();
  readonly #store: BotStore;
  readonly #prefix: string;
  readonly #compactEvery: number;
  #nextSequence = 1;
  #logged = 0;

  constructor(store: BotStore, name: string, options: PersistedDocOptions = {}) {
    this.#store = store;
    this.#prefix = `board/${name}`;
    this.#compactEvery = options.compactEvery ?? 200;
    this.#load();
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin !== loadOrigin) this.#append(update);
    });
  }

  #logKey(sequence: number): string {
    return `${this.#prefix}/log/${String(sequence).padStart(sequenceWidth, "0")}`;
  }

  #load(): void {
    const snapshot = this.#store.get<Snapshot>(`${this.#prefix}/snapshot`);
    const updates: Uint8Array[] = [];
    let upTo = 0;
    if (snapshot !== undefined) {
      updates.push(Buffer.from(snapshot.update, "base64"));
      upTo = snapshot.upTo;
    }
    for (const key of this.#store.keys(`${this.#prefix}/log/`)) {
      const sequence = Number(key.slice(key.lastIndexOf("/") + 1));
      const entry = this.#store.get<string>(key);
      if (sequence <= upTo || entry === undefined) continue;
      updates.push(Buffer.from(entry, "base64"));
      this.#nextSequence = Math.max(this.#nextSequence, sequence + 1);
      this.#logged += 1;
    }
    this.#nextSequence = Math.max(this.#nextSequence, upTo + 1);
    // One merged apply is much faster than many small ones for a large board.
    if (updates.length > 0) Y.applyUpdate(this.doc, updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates), loadOrigin);
  }

  #append(update: Uint8Array): void {
    this.#store.put(this.#logKey(this.#nextSequence), Buffer.from(update).toString("base64"));
    this.#nextSequence += 1;
    this.#logged += 1;
    if (this.#logged >= this.#compactEvery) this.compact();
  }

  /** Folds the log into one snapshot: first write the snapshot, then drop what it contains. */
  compact(): void {
    const upTo = this.#nextSequence - 1;
    const snapshot: Snapshot = { update: Buffer.from(Y.encodeStateAsUpdate(this.doc)).toString("base64"), upTo };
    this.#store.put(`${this.#prefix}/snapshot`, snapshot);
    for (const key of this.#store.keys(`${this.#prefix}/log/`)) this.#store.delete(key);
    this.#logged = 0;
  }
}
