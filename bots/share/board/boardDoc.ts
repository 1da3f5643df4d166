// The board as a Yjs document: a Y.Map of listings, each listing a Y.Map of its fields (so two blocks
// editing different fields of one listing both keep their edit; the same field converges to one
// value), the holds/interest queue a Y.Array, promise bids under one key per round and block (so
// promises made on both sides of a partition both survive the merge), and each block's published
// claim policy.
// Everything read back is validated: a replicated document is input from another box.

import * as Y from "yjs";
import type { Listing, ListingKind, ListingState, PromiseBid, Visibility } from "../domain/listing.ts";

export type ListingPatch = { [Field in Exclude<keyof Listing, "key" | "queue" | "bids">]?: Listing[Field] | undefined };

const bidPrefix = "bid:";
/** At most this many bids are read per listing (a replicated document is input from another box). */
const maxBids = 64;

export const listingsMapName = "listings";
export const blocksMapName = "blocks";

export function listingsOf(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap<Y.Map<unknown>>(listingsMapName);
}

export function blocksOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(blocksMapName);
}

const kinds: ReadonlySet<string> = new Set<ListingKind>(["offer", "ask", "lend"]);
const states: ReadonlySet<string> = new Set<ListingState>(["open", "promised", "handed-over", "fulfilled", "on-loan", "cancelled", "expired"]);
const visibilities: ReadonlySet<string> = new Set<Visibility>(["block", "shared"]);

const str = (value: unknown): string | undefined => (typeof value === "string" && value.length <= 2000 ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

/** The listing's fields as plain data, or undefined when the map is not a well-formed listing. */
export function readListing(key: string, map: Y.Map<unknown>): Listing | undefined {
  const get = (field: string): unknown => map.get(field);
  const kind = str(get("kind"));
  const state = str(get("state"));
  const visibility = str(get("visibility"));
  const number = num(get("number"));
  const home = str(get("home"));
  const title = str(get("title"));
  const owner = str(get("owner"));
  const createdAt = num(get("createdAt"));
  const expiresAt = num(get("expiresAt"));
  if (kind === undefined || !kinds.has(kind) || state === undefined || !states.has(state)) return undefined;
  if (visibility === undefined || !visibilities.has(visibility)) return undefined;
  if (number === undefined || home === undefined || title === undefined || owner === undefined) return undefined;
  if (createdAt === undefined || expiresAt === undefined || key !== `${home}/${number}`) return undefined;
  const queueValue = get("queue");
  const queue = queueValue instanceof Y.Array ? queueValue.toArray().filter((entry): entry is string => typeof entry === "string") : [];
  const optional = <Value>(field: keyof Listing, value: Value | undefined) => (value === undefined ? {} : { [field]: value });
  const bids = readBids(map);
  return {
    key,
    number,
    home,
    kind: kind as ListingKind,
    state: state as ListingState,
    title,
    category: str(get("category")) ?? "other",
    area: str(get("area")) ?? "this block",
    visibility: visibility as Visibility,
    firstCome: get("firstCome") === true,
    owner,
    createdAt,
    expiresAt,
    changedAt: num(get("changedAt")) ?? createdAt,
    queue,
    ...optional("description", str(get("description"))),
    ...optional("quantity", str(get("quantity"))),
    ...optional("photo", str(get("photo"))),
    ...optional("promisedTo", str(get("promisedTo"))),
    ...optional("borrower", str(get("borrower"))),
    ...optional("dueAt", num(get("dueAt"))),
    ...optional("heldFor", str(get("heldFor"))),
    ...optional("holdUntil", num(get("holdUntil"))),
    ...optional("holdConfirmed", get("holdConfirmed") === true ? true : undefined),
    ...optional("promiseRound", num(get("promiseRound"))),
    bids,
  } as Listing;
}

function readBids(map: Y.Map<unknown>): PromiseBid[] {
  const bids: PromiseBid[] = [];
  for (const [field, value] of map) {
    if (!field.startsWith(bidPrefix) || bids.length >= maxBids) continue;
    if (typeof value !== "object" || value === null) continue;
    const { round, block, to, at } = value as Record<string, unknown>;
    const bid = { round: num(round), block: str(block), to: str(to), at: num(at) };
    if (bid.round === undefined || bid.block === undefined || bid.to === undefined || bid.at === undefined) continue;
    if (field !== bidField(bid.round, bid.block)) continue;
    bids.push(bid as PromiseBid);
  }
  return bids.sort((a, b) => a.round - b.round || a.block.localeCompare(b.block));
}

function bidField(round: number, block: string): string {
  return `${bidPrefix}${round}:${block}`;
}

/** Records a promise under its own key: a bid from the other side of a partition never overwrites it. */
export function writeBid(doc: Y.Doc, key: string, bid: PromiseBid): void {
  const map = listingsOf(doc).get(key);
  if (map instanceof Y.Map) map.set(bidField(bid.round, bid.block), { ...bid });
}

function writeFields(map: Y.Map<unknown>, patch: ListingPatch): void {
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) map.delete(field);
    else if (map.get(field) !== value) map.set(field, value);
  }
}

export function addListing(doc: Y.Doc, listing: Listing): void {
  doc.transact(() => {
    const map = new Y.Map<unknown>();
    listingsOf(doc).set(listing.key, map);
    const { key: _key, queue, bids, ...fields } = listing;
    writeFields(map, fields);
    map.set("queue", Y.Array.from([...queue]));
    for (const bid of bids) map.set(bidField(bid.round, bid.block), { ...bid });
  });
}

/** Removes a listing from this document (it moves to the other one, or leaves the pact). */
export function removeListing(doc: Y.Doc, key: string): void {
  listingsOf(doc).delete(key);
}

export function patchListing(doc: Y.Doc, key: string, patch: ListingPatch): boolean {
  const map = listingsOf(doc).get(key);
  if (!(map instanceof Y.Map)) return false;
  doc.transact(() => writeFields(map, patch));
  return true;
}

function queueOf(doc: Y.Doc, key: string): Y.Array<string> | undefined {
  const map = listingsOf(doc).get(key);
  const queue = map instanceof Y.Map ? map.get("queue") : undefined;
  return queue instanceof Y.Array ? (queue as Y.Array<string>) : undefined;
}

/** Appends once; returns the neighbor's place in the queue (1-based). */
export function enqueue(doc: Y.Doc, key: string, userId: string): number {
  const queue = queueOf(doc, key);
  if (queue === undefined) return 0;
  const existing = queue.toArray().indexOf(userId);
  if (existing !== -1) return existing + 1;
  queue.push([userId]);
  return queue.length;
}

export function dequeue(doc: Y.Doc, key: string, userId: string): void {
  const queue = queueOf(doc, key);
  if (queue === undefined) return;
  doc.transact(() => {
    // Concurrent appends on two blocks can leave a neighbor in twice; remove every copy.
    for (let index = queue.length - 1; index >= 0; index -= 1) if (queue.get(index) === userId) queue.delete(index, 1);
  });
}

export function allListings(doc: Y.Doc): Listing[] {
  const result: Listing[] = [];
  for (const [key, map] of listingsOf(doc)) {
    if (!(map instanceof Y.Map)) continue;
    const listing = readListing(key, map);
    if (listing !== undefined) result.push(listing);
  }
  return result;
}

export function getListing(doc: Y.Doc, key: string): Listing | undefined {
  const map = listingsOf(doc).get(key);
  return map instanceof Y.Map ? readListing(key, map) : undefined;
}
