// Reassembles chunked updates per sender. Bounded: a few open sets per sender, a total size cap, and
// sets that never complete are dropped after a while, so a peer cannot make the bot hoard memory.

import { maxChunkChars, type ChunkInfo } from "./syncEvents.ts";

interface OpenSet {
  parts: (string | undefined)[];
  received: number;
  startedAt: number;
}

export const maxOpenSetsPerSender = 4;
export const chunkSetTimeoutMs = 10 * 60 * 1000;

export class ChunkAssembler {
  readonly #open = new Map<string, OpenSet>();

  /** The whole base64 text once the last chunk arrives; undefined while incomplete. */
  add(sender: string, chunk: ChunkInfo, base64: string, now: number): string | undefined {
    this.#dropStale(now);
    const key = `${sender} ${chunk.id}`;
    let set = this.#open.get(key);
    if (set === undefined) {
      const fromSender = [...this.#open.keys()].filter((open) => open.startsWith(`${sender} `));
      if (fromSender.length >= maxOpenSetsPerSender && fromSender[0] !== undefined) this.#open.delete(fromSender[0]);
      set = { parts: new Array<string | undefined>(chunk.count).fill(undefined), received: 0, startedAt: now };
      this.#open.set(key, set);
    }
    if (set.parts.length !== chunk.count) return undefined;
    // Every chunk but the last is full-size; anything else is not from our splitter.
    if (chunk.index < chunk.count - 1 && base64.length !== maxChunkChars) return undefined;
    if (set.parts[chunk.index] === undefined) {
      set.parts[chunk.index] = base64;
      set.received += 1;
    }
    if (set.received < chunk.count) return undefined;
    this.#open.delete(key);
    return set.parts.join("");
  }

  get openSets(): number {
    return this.#open.size;
  }

  #dropStale(now: number): void {
    for (const [key, set] of this.#open) if (now - set.startedAt > chunkSetTimeoutMs) this.#open.delete(key);
  }
}
