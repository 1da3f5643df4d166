// Sharing board figures: Matrix events per listing change in a burst (batching), merging two diverged
// 10,000-listing boards against JSON.parse of the same listings (same run), and loading such a board
// from the store at start-up.
import { performance } from "node:perf_hooks";
import * as Y from "yjs";
import type { BotStore } from "../bots/framework/contract.ts";
import { Board } from "../bots/share/board/board.ts";
import { addListing, allListings, patchListing } from "../bots/share/board/boardDoc.ts";
import type { Listing } from "../bots/share/domain/listing.ts";
import { BoardReplica } from "../bots/share/sync/boardReplica.ts";

const start = Date.UTC(2025, 5, 1, 12);

function listing(home: string, number: number): Listing {
  return {
    key: `${home}/${number}`,
    number,
    home,
    kind: (["offer", "ask", "lend"] as const)[number % 3] ?? "offer",
    state: "open",
    title: `Listing ${number}: a box of things from the garden`,
    description: "Picked this morning; bring a bag.",
    quantity: "2 bags",
    category: "food",
    area: "my building",
    visibility: "shared",
    firstCome: number % 2 === 0,
    owner: `@neighbor${number % 200}:${home}`,
    createdAt: start + number,
    expiresAt: start + 3 * 86_400_000,
    changedAt: start + number,
    queue: [],
    bids: [],
  };
}

/** A BotStore like the host's: values go through JSON, as in SQLite. */
function jsonStore(): BotStore {
  const entries = new Map<string, string>();
  return {
    get: <T>(key: string) => {
      const value = entries.get(key);
      return value === undefined ? undefined : (JSON.parse(value) as T);
    },
    put: (key, value) => void entries.set(key, JSON.stringify(value)),
    delete: (key) => void entries.delete(key),
    keys: (prefix) => [...entries.keys()].filter((key) => key.startsWith(prefix)).sort(),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function eventsPerChange(): Promise<number> {
  const doc = new Y.Doc();
  let events = 0;
  const clock = { now: start };
  const replica = new BoardReplica({ doc, transport: { send: async () => void (events += 1) }, isAuthorizedSender: () => false, now: () => clock.now });
  for (let number = 1; number <= 200; number += 1) addListing(doc, listing("oak.test", number));
  await replica.flush();
  events = 0;
  const changes = 1000;
  for (let change = 0; change < changes; change += 1) {
    patchListing(doc, `oak.test/${(change % 200) + 1}`, { state: change % 2 === 0 ? "promised" : "open", changedAt: start + change });
  }
  clock.now += 2000;
  await replica.tick();
  return events / changes;
}

function mergeRatio(): number {
  const count = 10_000;
  const base = new Y.Doc();
  base.transact(() => {
    for (let number = 1; number <= count; number += 1) addListing(base, listing("oak.test", number));
  });
  const baseUpdate = Y.encodeStateAsUpdate(base);
  const json = JSON.stringify(allListings(base));
  const merges: number[] = [];
  const parses: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    // Two blocks with the same 10,000 listings diverge: each changes a fifth of them, some the same ones.
    const oak = new Y.Doc();
    const elm = new Y.Doc();
    Y.applyUpdate(oak, baseUpdate);
    Y.applyUpdate(elm, baseUpdate);
    oak.transact(() => {
      for (let number = 1; number <= count; number += 5) patchListing(oak, `oak.test/${number}`, { state: "promised", promisedTo: "@bob:oak.test" });
    });
    elm.transact(() => {
      for (let number = 1; number <= count; number += 4) patchListing(elm, `oak.test/${number}`, { state: "cancelled", title: "changed on elm" });
    });
    const mergeStart = performance.now();
    const toOak = Y.encodeStateAsUpdate(elm, Y.encodeStateVector(oak));
    const toElm = Y.encodeStateAsUpdate(oak, Y.encodeStateVector(elm));
    Y.applyUpdate(oak, toOak);
    Y.applyUpdate(elm, toElm);
    merges.push(performance.now() - mergeStart);
    const parseStart = performance.now();
    JSON.parse(json);
    parses.push(performance.now() - parseStart);
  }
  return median(merges) / median(parses);
}

function loadMs(): number {
  const store = jsonStore();
  const board = new Board(store);
  board.shared.doc.transact(() => {
    for (let number = 1; number <= 10_000; number += 1) board.add(listing("oak.test", number));
  });
  board.shared.compact();
  const times: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    const loadStart = performance.now();
    const loaded = new Board(store);
    if (loaded.all().length !== 10_000) throw new Error("the board did not load completely");
    times.push(performance.now() - loadStart);
  }
  return median(times);
}

export async function boardBenchmarks(): Promise<Record<string, number>> {
  return {
    board_events_per_change: await eventsPerChange(),
    board_merge_ratio_10k: mergeRatio(),
    board_load_ms_10k: loadMs(),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await boardBenchmarks());
