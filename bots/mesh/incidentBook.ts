// Where incidents live in the bot's durable store, so a restart loses none. Three shelves:
// firing (one per alert key), ending (resolved, the room's message not yet edited) and ended (history).

import type { BotStore } from "../framework/contract.ts";
import type { Incident } from "./incident.ts";

const firingPrefix = "incident/firing/";
const endingPrefix = "incident/ending/";
const endedPrefix = "incident/ended/";

/** How long resolved incidents stay for `!mesh node` and for recognizing late duplicates. */
export const historyKeptMs = 7 * 24 * 60 * 60 * 1000;

// Keys come from senders; encoding keeps "/" in a fingerprint from splitting the key space.
const encode = encodeURIComponent;

function load(store: BotStore, keys: readonly string[]): Incident[] {
  return keys.flatMap((key) => store.get<Incident>(key) ?? []);
}

export class IncidentBook {
  readonly #store: BotStore;

  constructor(store: BotStore) {
    this.#store = store;
  }

  firing(alertKey: string): Incident | undefined {
    return this.#store.get<Incident>(firingPrefix + encode(alertKey));
  }

  hasEnded(incidentId: string): boolean {
    const key = encode(incidentId);
    return this.#store.get(endingPrefix + key) !== undefined || this.#store.get(endedPrefix + key) !== undefined;
  }

  /** Saves an incident on the shelf its state says: firing, ending or ended. */
  save(incident: Incident): void {
    if (incident.resolvedAt === undefined) {
      this.#store.put(firingPrefix + encode(incident.key), incident);
      return;
    }
    // Resolved: it leaves the firing shelf (unless a newer incident of the same alert took its place).
    const firingKey = firingPrefix + encode(incident.key);
    if (this.#store.get<Incident>(firingKey)?.id === incident.id) this.#store.delete(firingKey);
    const id = encode(incident.id);
    if (needsMatrixWork(incident)) {
      this.#store.put(endingPrefix + id, incident);
    } else {
      this.#store.delete(endingPrefix + id);
      this.#store.put(endedPrefix + id, incident);
    }
  }

  allFiring(): Incident[] {
    return load(this.#store, this.#store.keys(firingPrefix));
  }

  allEnding(): Incident[] {
    return load(this.#store, this.#store.keys(endingPrefix));
  }

  allEnded(): Incident[] {
    return load(this.#store, this.#store.keys(endedPrefix));
  }

  /** Forgets resolved incidents older than the history window. */
  prune(now: number): number {
    let removed = 0;
    for (const key of this.#store.keys(endedPrefix)) {
      const resolvedAt = this.#store.get<Incident>(key)?.resolvedAt ?? 0;
      if (now - resolvedAt > historyKeptMs) {
        this.#store.delete(key);
        removed += 1;
      }
    }
    return removed;
  }
}

/** A resolved incident whose message still shows it failing. */
export function needsMatrixWork(incident: Incident): boolean {
  return incident.resolvedAt !== undefined && incident.message !== undefined && incident.summarized !== true && !incident.resolvedShown;
}
