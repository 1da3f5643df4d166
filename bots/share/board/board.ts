// The whole board: a shared document (listings visible to the pact, replicated) and a block-only
// document (never leaves the box), both persisted. Callers see one set of listings by key.

import type * as Y from "yjs";
import type { BotStore } from "../../framework/contract.ts";
import type { Listing, PromiseBid, Visibility } from "../domain/listing.ts";
import {
  addListing,
  allListings,
  blocksOf,
  dequeue,
  enqueue,
  getListing,
  listingsOf,
  patchListing,
  removeListing,
  writeBid,
  type ListingPatch,
} from "./boardDoc.ts";
import { PersistedDoc } from "./persistedDoc.ts";

export interface BlockPolicy {
  pactNeighborsMayClaim: boolean;
}

export class Board {
  readonly shared: PersistedDoc;
  readonly local: PersistedDoc;
  readonly #store: BotStore;
  readonly #changeListeners: ((keys: Set<string>, origin: unknown) => void)[] = [];

  constructor(store: BotStore, options: { compactEvery?: number } = {}) {
    this.#store = store;
    this.shared = new PersistedDoc(store, "shared", options);
    this.local = new PersistedDoc(store, "local", options);
    for (const doc of [this.shared.doc, this.local.doc]) {
      listingsOf(doc).observeDeep((events) => {
        const keys = new Set<string>();
        for (const event of events) {
          const top = event.path[0];
          if (typeof top === "string") keys.add(top);
          else for (const key of event.changes.keys.keys()) keys.add(key);
        }
        const origin = events[0]?.transaction.origin;
        for (const listener of this.#changeListeners) listener(keys, origin);
      });
    }
  }

  /** Called with the keys of listings that changed and the change's origin (commands, ticks, peers). */
  onChange(listener: (keys: Set<string>, origin: unknown) => void): void {
    this.#changeListeners.push(listener);
  }

  #docOf(key: string): Y.Doc | undefined {
    if (listingsOf(this.shared.doc).has(key)) return this.shared.doc;
    if (listingsOf(this.local.doc).has(key)) return this.local.doc;
    return undefined;
  }

  get(key: string): Listing | undefined {
    const doc = this.#docOf(key);
    return doc === undefined ? undefined : getListing(doc, key);
  }

  all(): Listing[] {
    return [...allListings(this.shared.doc), ...allListings(this.local.doc)];
  }

  /** The next number for this block's listings; kept in the store, never reused. */
  takeNumber(): number {
    const next = this.#store.get<number>("board/nextNumber") ?? 1;
    this.#store.put("board/nextNumber", next + 1);
    return next;
  }

  add(listing: Listing): void {
    addListing(listing.visibility === "shared" ? this.shared.doc : this.local.doc, listing);
  }

  patch(key: string, patch: ListingPatch): void {
    const doc = this.#docOf(key);
    if (doc !== undefined) patchListing(doc, key, patch);
  }

  /** Several changes of one listing as one update (one replicated change). */
  change(key: string, patch: ListingPatch, extra: { add?: string; remove?: string; bid?: PromiseBid } = {}): void {
    const doc = this.#docOf(key);
    if (doc === undefined) return;
    doc.transact(() => {
      patchListing(doc, key, patch);
      if (extra.remove !== undefined) dequeue(doc, key, extra.remove);
      if (extra.add !== undefined) enqueue(doc, key, extra.add);
      if (extra.bid !== undefined) writeBid(doc, key, extra.bid);
    });
  }

  /**
   * Moves a listing between the shared and the block-only document. Leaving the shared one deletes it
   * there, so the pact's copies go too (Yjs drops the deleted content).
   */
  setVisibility(key: string, visibility: Visibility): void {
    const listing = this.get(key);
    if (listing === undefined || listing.visibility === visibility) return;
    const from = visibility === "shared" ? this.local.doc : this.shared.doc;
    const to = visibility === "shared" ? this.shared.doc : this.local.doc;
    addListing(to, { ...listing, visibility });
    removeListing(from, key);
  }

  enqueue(key: string, userId: string): number {
    const doc = this.#docOf(key);
    return doc === undefined ? 0 : enqueue(doc, key, userId);
  }

  policyOf(server: string): BlockPolicy | undefined {
    const value = blocksOf(this.shared.doc).get(server);
    if (typeof value !== "object" || value === null) return undefined;
    return { pactNeighborsMayClaim: (value as Record<string, unknown>).pactNeighborsMayClaim === true };
  }

  publishPolicy(server: string, policy: BlockPolicy): void {
    if (this.policyOf(server)?.pactNeighborsMayClaim === policy.pactNeighborsMayClaim) return;
    blocksOf(this.shared.doc).set(server, { ...policy });
  }
}
