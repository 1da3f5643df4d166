// Silences (`!mesh silence <node> 2h`): alerts about a silenced node are recorded but not posted until
// the silence ends. A silence is per node and covers links that end at it.

import type { BotStore } from "../framework/contract.ts";
import { nodeKey } from "./nodeNames.ts";

const prefix = "silence/";

export interface Silence {
  node: string;
  since: number;
  until: number;
  by: string;
  reason?: string;
}

export class Silences {
  readonly #store: BotStore;

  constructor(store: BotStore) {
    this.#store = store;
  }

  /** The node's silence while it lasts. */
  active(node: string, now: number): Silence | undefined {
    const silence = this.#store.get<Silence>(prefix + nodeKey(node));
    return silence !== undefined && silence.until > now ? silence : undefined;
  }

  coversAny(nodes: readonly string[], now: number): boolean {
    return nodes.some((node) => this.active(node, now) !== undefined);
  }

  set(silence: Silence): void {
    this.#store.put(prefix + nodeKey(silence.node), silence);
  }

  /** The silence removed, if there was one still running. */
  remove(node: string, now: number): Silence | undefined {
    const silence = this.active(node, now);
    this.#store.delete(prefix + nodeKey(node));
    return silence;
  }

  all(now: number): Silence[] {
    return this.#store
      .keys(prefix)
      .flatMap((key) => this.#store.get<Silence>(key) ?? [])
      .filter((silence) => silence.until > now);
  }

  /** Forgets silences that are over; returns them so their held-back alerts can be posted. */
  expire(now: number): Silence[] {
    const over: Silence[] = [];
    for (const key of this.#store.keys(prefix)) {
      const silence = this.#store.get<Silence>(key);
      if (silence !== undefined && silence.until <= now) {
        this.#store.delete(key);
        over.push(silence);
      }
    }
    return over;
  }
}
