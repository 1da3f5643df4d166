// Replication of the board between blocks, with in-memory Y docs and a fake board-sync room.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as Y from "yjs";
import { addListing, allListings, dequeue, enqueue, getListing, patchListing } from "../board/boardDoc.ts";
import type { Listing, ListingState } from "../domain/listing.ts";
import { BoardReplica } from "../sync/boardReplica.ts";
import { boardStateType, boardUpdateType, maxChunkChars, toBase64 } from "../sync/syncEvents.ts";
import { FakeSyncNetwork, seededRandom } from "./fakeSyncNetwork.ts";

const start = Date.UTC(2025, 5, 1, 12);

function listing(home: string, number: number, overrides: Partial<Listing> = {}): Listing {
  return {
    key: `${home}/${number}`,
    number,
    home,
    kind: "offer",
    state: "open",
    title: `thing ${number}`,
    category: "other",
    area: "this block",
    visibility: "shared",
    firstCome: false,
    owner: `@alice:${home}`,
    createdAt: start,
    expiresAt: start + 86_400_000,
    changedAt: start,
    queue: [],
    bids: [],
    ...overrides,
  };
}

interface Block {
  server: string;
  doc: Y.Doc;
  replica: BoardReplica;
}

function pact(servers: string[], options: { maxChanges?: number } = {}) {
  const network = new FakeSyncNetwork();
  const clock = { now: start };
  const blocks = servers.map((server): Block => {
    const doc = new Y.Doc();
    const replica = new BoardReplica({
      doc,
      transport: network.transportFor(server),
      isAuthorizedSender: (sender) => servers.some((other) => other !== server && sender === `@share:${other}`),
      now: () => clock.now,
      batch: { maxChanges: options.maxChanges ?? 50, maxDelayMs: 1000 },
    });
    network.replicas.set(server, replica);
    return { server, doc, replica };
  });
  const tickAll = async () => {
    clock.now += 1000;
    for (const block of blocks) await block.replica.tick();
  };
  return { network, clock, blocks, tickAll };
}

const boardJson = (doc: Y.Doc) => JSON.stringify(doc.getMap("listings").toJSON(), Object.keys(doc.getMap("listings").toJSON()).sort());
const snapshot = (doc: Y.Doc) => {
  const json = doc.getMap("listings").toJSON() as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(json)
      .sort()
      .map((key) => [key, json[key]]),
  );
};

test("a listing posted on one block appears on the other after the batch goes out", async () => {
  const { network, blocks, tickAll } = pact(["oak.test", "elm.test"]);
  const [oak, elm] = blocks as [Block, Block];
  addListing(oak.doc, listing("oak.test", 1, { title: "5 lbs of tomatoes" }));
  assert.equal(network.inFlight.length, 0, "not sent before the batch is due");
  await tickAll();
  await network.settle();
  assert.equal(getListing(elm.doc, "oak.test/1")?.title, "5 lbs of tomatoes");
  assert.equal(elm.replica.stats.updatesApplied, 1);
});

test("both blocks edit the same listing while cut off; after healing both show the same values", async () => {
  const { network, blocks, tickAll } = pact(["oak.test", "elm.test"]);
  const [oak, elm] = blocks as [Block, Block];
  addListing(oak.doc, listing("oak.test", 1));
  await tickAll();
  await network.settle();

  network.cutOff.add("elm.test");
  network.dropWhilePartitioned = true; // the worst case: nothing sent during the cut arrives later
  patchListing(oak.doc, "oak.test/1", { state: "promised", promisedTo: "@bob:oak.test", title: "tomatoes (ripe)" });
  patchListing(elm.doc, "oak.test/1", { state: "cancelled", description: "withdrawn by a moderator" });
  enqueue(oak.doc, "oak.test/1", "@bob:oak.test");
  enqueue(elm.doc, "oak.test/1", "@cy:elm.test");
  await tickAll();
  await network.deliver();
  assert.notDeepEqual(snapshot(oak.doc), snapshot(elm.doc), "the partition really kept them apart");

  network.cutOff.clear();
  await oak.replica.announce();
  await network.settle();
  await tickAll();
  await network.settle();
  assert.deepEqual(snapshot(oak.doc), snapshot(elm.doc));
  const merged = getListing(oak.doc, "oak.test/1");
  assert.ok(merged);
  assert.ok(["promised", "cancelled"].includes(merged.state), "one of the two states wins on both");
  assert.equal(merged.title, "tomatoes (ripe)", "fields only one side changed keep that change");
  assert.equal(merged.description, "withdrawn by a moderator");
  assert.deepEqual([...merged.queue].sort(), ["@bob:oak.test", "@cy:elm.test"], "both queue entries survive");
});

test("a burst of 1,000 changes goes out in at most 50 events, and the peer has all of them", async () => {
  const { network, blocks, tickAll } = pact(["oak.test", "elm.test"]);
  const [oak, elm] = blocks as [Block, Block];
  for (let number = 1; number <= 1000; number += 1) addListing(oak.doc, listing("oak.test", number));
  await tickAll();
  const sent = network.sentCount;
  assert.ok(sent <= 50, `sent ${sent} events`);
  await network.settle();
  assert.equal(allListings(elm.doc).length, 1000);
});

test("a board larger than one event goes out in chunks under the event limit and is reassembled", async () => {
  const { network, blocks } = pact(["oak.test", "elm.test"]);
  const [oak, elm] = blocks as [Block, Block];
  // Build oak's board without sending, as if it existed before the pact: only catch-up can carry it.
  const seed = new Y.Doc();
  for (let number = 1; number <= 3000; number += 1)
    addListing(seed, listing("oak.test", number, { description: `a long description ${"x".repeat(40)} ${number}` }));
  Y.applyUpdate(oak.doc, Y.encodeStateAsUpdate(seed), Symbol("restore"));
  network.inFlight.length = 0;
  network.sentCount = 0;

  await elm.replica.announce();
  await network.deliver(); // oak answers elm's state vector
  const chunks = network.inFlight.filter((item) => item.event.type === boardUpdateType);
  assert.ok(chunks.length > 1, "the answer is split");
  for (const item of chunks) assert.ok(JSON.stringify(item.event.content).length < 60_000, "each event fits with room for the PDU envelope");
  await network.settle();
  assert.equal(allListings(elm.doc).length, 3000);
});

test("updates from unauthorized senders or over the size cap are ignored and counted", async () => {
  const { blocks } = pact(["oak.test", "elm.test"]);
  const [, elm] = blocks as [Block, Block];
  const evil = new Y.Doc();
  addListing(evil, listing("oak.test", 99, { title: "fake listing" }));
  const update = toBase64(Y.encodeStateAsUpdate(evil));

  await elm.replica.receive({ type: boardUpdateType, sender: "@mallory:oak.test", content: { update } });
  await elm.replica.receive({ type: boardUpdateType, sender: "@share:stranger.test", content: { update } });
  await elm.replica.receive({ type: boardUpdateType, sender: "@share:oak.test", content: { update: "A".repeat(maxChunkChars + 4) } });
  await elm.replica.receive({ type: boardUpdateType, sender: "@share:oak.test", content: { update: "AAAA", chunk: { id: "x", index: 0, count: 1_000_000 } } });
  await elm.replica.receive({ type: boardUpdateType, sender: "@share:oak.test", content: { update: "not base64!" } });
  await elm.replica.receive({ type: boardStateType, sender: "@share:oak.test", content: { stateVector: "B".repeat(100_000) } });

  assert.equal(getListing(elm.doc, "oak.test/99"), undefined, "nothing was applied");
  assert.equal(elm.replica.stats.rejectedUnauthorized, 2);
  assert.equal(elm.replica.stats.rejectedOversize, 3);
  assert.equal(elm.replica.stats.rejectedMalformed, 1);
  assert.equal(elm.replica.stats.updatesApplied, 0);

  await elm.replica.receive({ type: boardUpdateType, sender: "@share:oak.test", content: { update } });
  assert.equal(getListing(elm.doc, "oak.test/99")?.title, "fake listing", "the same update from the pact's bot is applied");
});

test("a failed send is retried with the next batch, nothing lost", async () => {
  const { blocks } = pact(["oak.test", "elm.test"]);
  const [, elm] = blocks as [Block, Block];
  const doc = new Y.Doc();
  const sent: { type: string; content: Record<string, unknown> }[] = [];
  let failing = true;
  const transport = {
    send: async (type: string, content: Record<string, unknown>) => {
      if (failing) throw new Error("homeserver down");
      sent.push({ type, content });
    },
  };
  const replica = new BoardReplica({ doc, transport, isAuthorizedSender: () => true, now: () => start });
  addListing(doc, listing("oak.test", 7));
  await replica.flush();
  assert.equal(replica.stats.sendFailures, 1);
  assert.equal(sent.length, 0);
  failing = false;
  addListing(doc, listing("oak.test", 8));
  await replica.flush();
  assert.equal(sent.length, 1, "the retried batch and the new change go out together");
  for (const event of sent) await elm.replica.receive({ ...event, sender: "@share:oak.test" });
  assert.equal(getListing(elm.doc, "oak.test/7")?.number, 7);
  assert.equal(getListing(elm.doc, "oak.test/8")?.number, 8);
});

test("an update that builds on a lost one makes the receiver ask for what it lacks, and the gap is filled", async () => {
  const { network, blocks, tickAll, clock } = pact(["oak.test", "elm.test"], { maxChanges: 1 });
  const [oak, elm] = blocks as [Block, Block];
  addListing(oak.doc, listing("oak.test", 1));
  await oak.replica.tick();
  network.inFlight.length = 0; // lost on the way
  patchListing(oak.doc, "oak.test/1", { title: "changed after the loss" });
  await oak.replica.tick();
  const delivered = network.inFlight.splice(0);
  assert.equal(delivered.length, 1);
  clock.now += 60_000; // no recent ask-back
  await elm.replica.receive(delivered[0]!.event);
  assert.equal(getListing(elm.doc, "oak.test/1"), undefined, "the change cannot be applied without what it builds on");
  assert.deepEqual(
    network.inFlight.map((item) => [item.from, item.event.type]),
    [["elm.test", boardStateType]],
    "elm asks for what it lacks",
  );
  await network.settle();
  await tickAll();
  await network.settle();
  assert.equal(getListing(elm.doc, "oak.test/1")?.title, "changed after the loss");
});

const budgetMs = Number(process.env.BOARD_FUZZ_MS ?? 5000);

test(`randomized edits, partitions and losses converge (seeded, ${budgetMs} ms budget)`, async () => {
  const deadline = Date.now() + budgetMs;
  let runs = 0;
  for (let seed = 1; Date.now() < deadline || runs < 3; seed += 1) {
    runs += 1;
    const random = seededRandom(seed);
    const servers = ["oak.test", "elm.test", "ash.test"].slice(0, 2 + Math.floor(random() * 2));
    const { network, blocks, tickAll } = pact(servers, { maxChanges: 1 + Math.floor(random() * 10) });
    network.dropWhilePartitioned = random() < 0.5;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const counters = new Map(servers.map((server) => [server, 0]));
    const states: ListingState[] = ["open", "promised", "handed-over", "cancelled", "on-loan"];
    for (let step = 0; step < 120; step += 1) {
      const block = pick(blocks);
      const keys = [...block.doc.getMap("listings").keys()];
      const roll = random();
      if (roll < 0.2 || keys.length === 0) {
        const number = (counters.get(block.server) ?? 0) + 1;
        counters.set(block.server, number);
        addListing(block.doc, listing(block.server, number));
      } else if (roll < 0.55) {
        patchListing(block.doc, pick(keys), { state: pick(states), title: `t${Math.floor(random() * 5)}` });
      } else if (roll < 0.65) {
        enqueue(block.doc, pick(keys), `@n${Math.floor(random() * 4)}:${block.server}`);
      } else if (roll < 0.7) {
        dequeue(block.doc, pick(keys), `@n${Math.floor(random() * 4)}:${block.server}`);
      } else if (roll < 0.8) {
        await tickAll();
      } else if (roll < 0.9) {
        await network.deliver(1 + Math.floor(random() * 5));
      } else if (roll < 0.95) {
        if (network.cutOff.size > 0) network.cutOff.clear();
        else network.cutOff.add(pick(servers));
      } else {
        await block.replica.announce();
      }
    }
    network.cutOff.clear();
    await tickAll();
    await network.settle();
    // Catch-up after losses: every block tells what it has, peers answer, until quiet.
    for (let round = 0; round < 4; round += 1) {
      for (const block of blocks) await block.replica.announce();
      await network.settle();
      await tickAll();
      await network.settle();
    }
    const reference = boardJson(blocks[0]!.doc);
    for (const block of blocks) {
      assert.deepEqual(snapshot(block.doc), snapshot(blocks[0]!.doc), `seed ${seed}: ${block.server} differs from ${blocks[0]!.server}`);
    }
    assert.ok(reference.length > 2, `seed ${seed}: the board is not empty`);
  }
  assert.ok(runs >= 3);
});
