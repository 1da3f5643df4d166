// Who looks after which node (`!mesh adopt`): full Matrix IDs, mentioned in its alerts and told by DM.

import type { BotStore } from "../framework/contract.ts";
import { nodeKey } from "./nodeNames.ts";

const prefix = "owners/";

interface OwnerRecord {
  node: string;
  owners: string[];
}

export class NodeOwners {
  readonly #store: BotStore;

  constructor(store: BotStore) {
    this.#store = store;
  }

  of(node: string): string[] {
    return this.#store.get<OwnerRecord>(prefix + nodeKey(node))?.owners ?? [];
  }

  /** Owners of any of these nodes, each once, in a stable order. */
  ofAny(nodes: readonly string[]): string[] {
    return [...new Set(nodes.flatMap((node) => this.of(node)))];
  }

  /** False when the user already owned it. */
  add(node: string, userId: string): boolean {
    const owners = this.of(node);
    if (owners.includes(userId)) return false;
    this.#store.put(prefix + nodeKey(node), { node, owners: [...owners, userId] } satisfies OwnerRecord);
    return true;
  }

  /** False when the user did not own it. */
  remove(node: string, userId: string): boolean {
    const record = this.#store.get<OwnerRecord>(prefix + nodeKey(node));
    if (record === undefined || !record.owners.includes(userId)) return false;
    const owners = record.owners.filter((owner) => owner !== userId);
    if (owners.length === 0) this.#store.delete(prefix + nodeKey(node));
    else this.#store.put(prefix + nodeKey(node), { ...record, owners } satisfies OwnerRecord);
    return true;
  }

  /** Nodes this user owns, as first written. */
  ownedBy(userId: string): string[] {
    return this.#store
      .keys(prefix)
      .flatMap((key) => this.#store.get<OwnerRecord>(key) ?? [])
      .filter((record) => record.owners.includes(userId))
      .map((record) => record.node);
  }
}
