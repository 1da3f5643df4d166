// A fake board-sync room for replication tests: each replica's events go into a queue that the test
// delivers, delays or drops; a partition cuts chosen blocks off from each other.

import type { BoardReplica, SyncEvent, SyncTransport } from "../sync/boardReplica.ts";

interface InFlight {
  from: string;
  event: SyncEvent;
}

export class FakeSyncNetwork {
  readonly replicas = new Map<string, BoardReplica>();
  readonly inFlight: InFlight[] = [];
  /** Servers cut off from everyone else. */
  readonly cutOff = new Set<string>();
  /** When partitioned, events are lost (true) or held until healing (false, like federation catch-up). */
  dropWhilePartitioned = false;
  sentCount = 0;

  transportFor(server: string): SyncTransport {
    return {
      send: async (type, content) => {
        this.sentCount += 1;
        // Events travel as JSON; so must the test's.
        const copy = JSON.parse(JSON.stringify(content)) as Record<string, unknown>;
        this.inFlight.push({ from: server, event: { type, sender: `@share:${server}`, content: copy } });
      },
    };
  }

  #canReach(from: string, to: string): boolean {
    return from !== to && !this.cutOff.has(from) && !this.cutOff.has(to);
  }

  /** Delivers queued events (the first `limit`), keeping those a partition holds back. */
  async deliver(limit = Number.POSITIVE_INFINITY): Promise<number> {
    const batch = this.inFlight.splice(0, Math.min(limit, this.inFlight.length));
    let delivered = 0;
    for (const item of batch) {
      const blocked = [...this.replicas.keys()].some((server) => server !== item.from && !this.#canReach(item.from, server));
      for (const [server, replica] of this.replicas) {
        if (server === item.from) continue;
        if (this.#canReach(item.from, server)) {
          await replica.receive(item.event);
          delivered += 1;
        }
      }
      // Held events are retried later for the servers that missed them (a simplification:
      // re-delivery to others is harmless, Yjs updates are idempotent).
      if (blocked && !this.dropWhilePartitioned) this.inFlight.push(item);
    }
    return delivered;
  }

  /** Delivers until nothing is left in flight (after healing). */
  async settle(): Promise<void> {
    for (let round = 0; round < 100 && this.inFlight.length > 0; round += 1) await this.deliver();
  }
}

/** mulberry32: a tiny seeded generator, so a failing randomized run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
