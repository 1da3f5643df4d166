// Replicates one Y.Doc with the pact's share bots over a transport (Matrix events in the bot; a fake
// in tests). Outgoing: local changes batched, split to fit the event limit. Incoming: only from
// authorized senders, size-checked before decoding, reassembled, applied; everything refused is
// counted. Catch-up: peers exchange state vectors and answer with exactly what the other lacks, so a
// block that was cut off, restarted or newly joined converges without replaying history.

import * as Y from "yjs";
import { ChunkAssembler } from "./chunkAssembler.ts";
import { boardStateType, boardUpdateType, fromBase64, maxStateVectorChars, maxUpdateBytes, readUpdateContent, splitUpdate, toBase64 } from "./syncEvents.ts";
import { UpdateBatcher, defaultBatchOptions, type BatchOptions } from "./updateBatcher.ts";

export const remoteOrigin = Symbol("remote");

export interface SyncTransport {
  send(type: string, content: Record<string, unknown>): Promise<void>;
}

export interface SyncEvent {
  type: string;
  sender: string;
  content: Record<string, unknown>;
}

export interface SyncStats {
  eventsSent: number;
  changesSent: number;
  updatesApplied: number;
  rejectedUnauthorized: number;
  rejectedOversize: number;
  rejectedMalformed: number;
  sendFailures: number;
}

export const emptyStats = (): SyncStats => ({
  eventsSent: 0,
  changesSent: 0,
  updatesApplied: 0,
  rejectedUnauthorized: 0,
  rejectedOversize: 0,
  rejectedMalformed: 0,
  sendFailures: 0,
});

export interface ReplicaOptions {
  doc: Y.Doc;
  transport: SyncTransport;
  /** Whether this full Matrix ID is one of the pact's share bots (never ourselves). */
  isAuthorizedSender(sender: string): boolean;
  now(): number;
  batch?: BatchOptions;
  /** Stats carried over from the store, so counts survive restarts. */
  stats?: SyncStats;
  onStatsChange?(stats: SyncStats): void;
  /** Origins whose updates are not sent (e.g. loading from the store). */
  silentOrigins?: readonly unknown[];
}

/** Asking a peer for what we lack at most this often, so two bots never ping-pong. */
export const askBackIntervalMs = 30_000;

export class BoardReplica {
  readonly stats: SyncStats;
  readonly #options: ReplicaOptions;
  readonly #batcher: UpdateBatcher;
  readonly #assembler = new ChunkAssembler();
  #chunkCounter = 0;
  #lastAskBack = Number.NEGATIVE_INFINITY;
  #sending: Promise<void> = Promise.resolve();

  constructor(options: ReplicaOptions) {
    this.#options = options;
    this.stats = { ...emptyStats(), ...options.stats };
    this.#batcher = new UpdateBatcher(options.batch ?? defaultBatchOptions);
    const silent = new Set<unknown>([remoteOrigin, ...(options.silentOrigins ?? [])]);
    options.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (silent.has(origin)) return;
      if (this.#batcher.add(update, options.now())) void this.flush();
    });
  }

  /** Sends the pending batch when it is full or old enough; call about once a second. */
  async tick(): Promise<void> {
    if (this.#batcher.isDue(this.#options.now())) await this.flush();
    else await this.#sending;
  }

  /** Sends whatever is pending now. Sends are serialized so chunks of one update stay in order. */
  flush(): Promise<void> {
    this.#sending = this.#sending.then(async () => {
      const batch = this.#batcher.take();
      if (batch === undefined) return;
      try {
        await this.#sendUpdate(batch.update);
        this.stats.changesSent += batch.changes;
      } catch {
        this.stats.sendFailures += 1;
        this.#batcher.putBack(batch.update, this.#options.now());
      }
      this.#statsChanged();
    });
    return this.#sending;
  }

  /** Tells the peers what we have; they answer with what we lack (start-up, pact change, periodically). */
  async announce(): Promise<void> {
    try {
      await this.#options.transport.send(boardStateType, { stateVector: toBase64(Y.encodeStateVector(this.#options.doc)) });
      this.stats.eventsSent += 1;
    } catch {
      this.stats.sendFailures += 1;
    }
    this.#statsChanged();
  }

  /** Handles one board-sync event; anything else is ignored. */
  async receive(event: SyncEvent): Promise<void> {
    if (event.type !== boardUpdateType && event.type !== boardStateType) return;
    if (!this.#options.isAuthorizedSender(event.sender)) return this.#reject("rejectedUnauthorized");
    if (event.type === boardStateType) return this.#receiveStateVector(event);
    const read = readUpdateContent(event.content);
    if (read.kind === "oversize") return this.#reject("rejectedOversize");
    if (read.kind === "malformed") return this.#reject("rejectedMalformed");
    const base64 = read.kind === "whole" ? read.base64 : this.#assembler.add(event.sender, read.chunk, read.base64, this.#options.now());
    if (base64 === undefined) return;
    if ((base64.length * 3) / 4 > maxUpdateBytes) return this.#reject("rejectedOversize");
    if (this.#apply(base64) && this.#lacksSomething()) await this.#askBack();
  }

  #apply(base64: string): boolean {
    const bytes = fromBase64(base64);
    if (bytes === undefined) {
      this.#reject("rejectedMalformed");
      return false;
    }
    try {
      Y.applyUpdate(this.#options.doc, bytes, remoteOrigin);
      this.stats.updatesApplied += 1;
      this.#statsChanged();
      return true;
    } catch {
      this.#reject("rejectedMalformed");
      return false;
    }
  }

  /**
   * An update that builds on changes we never received (lost while blocks were cut off, or events the
   * homeserver never pushed to us) stays pending in Yjs: a sign to ask the peers for what we lack.
   */
  #lacksSomething(): boolean {
    const store = this.#options.doc.store;
    return store.pendingStructs !== null || store.pendingDs !== null;
  }

  async #askBack(): Promise<void> {
    if (this.#options.now() - this.#lastAskBack < askBackIntervalMs) return;
    this.#lastAskBack = this.#options.now();
    await this.announce();
  }

  async #receiveStateVector(event: SyncEvent): Promise<void> {
    const text = event.content.stateVector;
    if (typeof text !== "string") return this.#reject("rejectedMalformed");
    if (text.length > maxStateVectorChars) return this.#reject("rejectedOversize");
    const theirs = fromBase64(text);
    let theirVector: Map<number, number>;
    try {
      if (theirs === undefined) throw new Error("not base64");
      theirVector = Y.decodeStateVector(theirs);
    } catch {
      return this.#reject("rejectedMalformed");
    }
    const ours = Y.decodeStateVector(Y.encodeStateVector(this.#options.doc));
    const weHaveMore = [...ours].some(([client, clock]) => (theirVector.get(client) ?? 0) < clock);
    const theyHaveMore = [...theirVector].some(([client, clock]) => (ours.get(client) ?? 0) < clock);
    if (weHaveMore) {
      const diff = Y.encodeStateAsUpdate(this.#options.doc, theirs);
      this.#sending = this.#sending.then(() => this.#sendUpdate(diff).catch(() => void (this.stats.sendFailures += 1)));
      await this.#sending;
    }
    if (theyHaveMore) await this.#askBack();
    this.#statsChanged();
  }

  async #sendUpdate(update: Uint8Array): Promise<void> {
    this.#chunkCounter += 1;
    const chunkId = `${Date.now().toString(36)}-${this.#chunkCounter}-${Math.random().toString(36).slice(2, 8)}`;
    for (const content of splitUpdate(update, chunkId)) {
      await this.#options.transport.send(boardUpdateType, { ...content });
      this.stats.eventsSent += 1;
    }
  }

  #reject(counter: "rejectedUnauthorized" | "rejectedOversize" | "rejectedMalformed"): void {
    this.stats[counter] += 1;
    this.#statsChanged();
  }

  #statsChanged(): void {
    this.#options.onStatsChange?.(this.stats);
  }

  get pendingChanges(): number {
    return this.#batcher.size;
  }
}
