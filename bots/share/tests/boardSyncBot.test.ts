// Two blocks' share bots replicating through (fake) board-sync rooms: the outbox room, invites,
// a shared listing claimed from the other block, and refused updates counted in !board.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as Y from "yjs";
import { addListing } from "../board/boardDoc.ts";
import { boardUpdateType, toBase64 } from "../sync/syncEvents.ts";
import { assertSaid, createFakeBlock, listingEvent, type FakeBlock } from "./shareTestKit.ts";

const alice = "@alice:oak.test";
const dan = "@dan:elm.test";

function pactOf(): { oak: FakeBlock; elm: FakeBlock; pump: () => Promise<void> } {
  const oak = createFakeBlock({ server: "oak.test" });
  const elm = createFakeBlock({ server: "elm.test" });
  oak.context.pactMembers.push({ serverName: "elm.test", address: "10.0.0.2" });
  elm.context.pactMembers.push({ serverName: "oak.test", address: "10.0.0.1" });
  const delivered = new Map<FakeBlock, number>([
    [oak, 0],
    [elm, 0],
  ]);
  let counter = 0;
  // Moves each block's board-sync events to the other, as the federated room would.
  const pump = async () => {
    for (let round = 0; round < 5; round += 1) {
      for (const [from, to, server] of [
        [oak, elm, "oak.test"],
        [elm, oak, "elm.test"],
      ] as const) {
        const events = from.context.events.slice(delivered.get(from));
        delivered.set(from, from.context.events.length);
        for (const sent of events.filter((event) => event.type.startsWith("org.blockshare.board."))) {
          counter += 1;
          await to.bot.handleEvent(
            {
              event_id: `$sync${counter}`,
              room_id: sent.roomId,
              sender: `@share:${server}`,
              type: sent.type,
              content: sent.content,
              origin_server_ts: to.context.clock.now,
            },
            to.context,
          );
        }
      }
    }
  };
  return { oak, elm, pump };
}

/** Without a provisioned #board-sync room (after the grace for provisioning), oak opens one and elm accepts the invite. */
async function connect(oak: FakeBlock, elm: FakeBlock): Promise<void> {
  await tickBoth(oak, elm);
  for (const block of [oak, elm]) block.context.clock.now += 60_000;
  await tickBoth(oak, elm);
  await elm.bot.handleEvent(
    {
      event_id: "$invite",
      room_id: oak.context.privateRooms[0]?.roomId ?? "",
      sender: "@share:oak.test",
      type: "m.room.member",
      state_key: "@share:elm.test",
      content: { membership: "invite" },
      origin_server_ts: elm.context.clock.now,
    },
    elm.context,
  );
}

async function tickBoth(oak: FakeBlock, elm: FakeBlock): Promise<void> {
  for (const block of [oak, elm]) {
    block.context.clock.now += 1500;
    await block.tick();
  }
}

test("a shared listing reaches the pact block, is claimed there, and the owner's block shows the promise", async () => {
  const { oak, elm, pump } = pactOf();
  await tickBoth(oak, elm);
  assert.equal(oak.context.privateRooms.length, 0, "no room of its own while provisioning may still create #board-sync");
  for (const block of [oak, elm]) block.context.clock.now += 60_000;
  await tickBoth(oak, elm);
  assert.deepEqual(oak.context.privateRooms[0]?.userIds, ["@share:elm.test"], "oak opens its board-sync room for elm's bot");
  await elm.bot.handleEvent(
    {
      event_id: "$invite",
      room_id: oak.context.privateRooms[0]?.roomId ?? "",
      sender: "@share:oak.test",
      type: "m.room.member",
      state_key: "@share:elm.test",
      content: { membership: "invite" },
      origin_server_ts: elm.context.clock.now,
    },
    elm.context,
  );
  await oak.say(dan, "!list"); // someone speaks in each Sharing room, so the bots know them
  await elm.say(dan, "!list");

  await oak.say(alice, "!offer books #shared first-come #household");
  await oak.say(alice, "!offer private jam #block #food");
  await tickBoth(oak, elm);
  await pump();
  const onElm = listingEvent(elm, "#1.oak");
  assert.match(elm.listingText(onElm), /Offer #1\.oak · household — books/);
  assert.ok(!elm.posted.some((message) => message.text.includes("private jam")), "block-only listings never leave their block");

  const claimed = await elm.say(dan, "!claim 1.oak");
  assert.match(claimed.join("\n"), /It's yours!/);
  assert.deepEqual(elm.context.privateRooms.find((room) => room.userIds.length === 2)?.userIds, [alice, dan]);
  await tickBoth(oak, elm);
  await pump();
  assert.match(oak.listingText(listingEvent(oak, "#1")), /Status: promised to @dan:elm.test/);

  assert.match((await oak.say(alice, "!handed 1")).join("\n"), /handed over/);
  await tickBoth(oak, elm);
  await pump();
  assert.match(elm.listingText(onElm), /Status: handed over/);
});

test("board updates from anyone but the pact's share bots are refused and counted", async () => {
  const { elm } = pactOf();
  const evil = new Y.Doc();
  addListing(evil, {
    key: "oak.test/5",
    number: 5,
    home: "oak.test",
    kind: "offer",
    state: "open",
    title: "free money",
    category: "other",
    area: "x",
    visibility: "shared",
    firstCome: true,
    owner: "@mallory:elm.test",
    createdAt: 0,
    expiresAt: 2e12,
    changedAt: 0,
    queue: [],
    bids: [],
  });
  const update = toBase64(Y.encodeStateAsUpdate(evil));
  const send = (sender: string, content: Record<string, unknown>) =>
    elm.bot.handleEvent(
      { event_id: `$e${Math.random()}`, room_id: "!sync:oak.test", sender, type: boardUpdateType, content, origin_server_ts: 0 },
      elm.context,
    );
  await send("@mallory:elm.test", { update });
  await send("@share:stranger.test", { update });
  await send("@share:oak.test", { update: "A".repeat(70_000) });
  const stats = (await elm.say("@dan:elm.test", "!board stats")).join("\n");
  assert.match(stats, /Refused: 2 from unauthorized senders, 1 oversize, 0 malformed/);
  assert.doesNotMatch((await elm.say("@dan:elm.test", "!list")).join("\n"), /free money/);
});

test("with a provisioned #board-sync room the bot posts there and joins the pact blocks' rooms by alias", async () => {
  const oak = createFakeBlock({ server: "oak.test" });
  oak.context.pactMembers.push({ serverName: "elm.test", address: "10.0.0.2" });
  oak.context.roomRoles.set("!boardsync:oak.test", "board-sync");
  const joined: string[] = [];
  oak.context.actions.joinRoom = async (room) => void joined.push(room);
  await oak.say(alice, "!offer books #shared");
  oak.context.clock.now += 1500;
  await oak.tick();
  assert.deepEqual(joined, ["#board-sync:elm.test"]);
  assert.equal(oak.context.privateRooms.length, 0, "no extra room is opened");
  const syncEvents = oak.context.events.filter((event) => event.type.startsWith("org.blockshare.board."));
  assert.ok(syncEvents.length >= 2, "a state vector and the update");
  assert.ok(syncEvents.every((event) => event.roomId === "!boardsync:oak.test"));
  oak.context.clock.now += 1500;
  await oak.tick();
  assert.deepEqual(joined, ["#board-sync:elm.test"], "joined once");
});

test("promises made on both sides of a cut: the home block's stands everywhere, the other neighbor is told and queued", async () => {
  const { oak, elm, pump } = pactOf();
  const ann = "@ann:oak.test";
  await connect(oak, elm);
  await oak.say(alice, "!offer 5 lbs of tomatoes #food #shared first-come");
  await tickBoth(oak, elm);
  await pump();
  const onElm = listingEvent(elm, "#1.oak");

  // Cut off: nothing is pumped while each block's neighbor takes it. Elm's claim even comes first.
  assert.match((await elm.say(dan, "!claim 1.oak")).join("\n"), /It's yours!/);
  oak.context.clock.now += 60_000;
  assert.match((await oak.say(ann, "!claim 1")).join("\n"), /It's yours!/);
  await tickBoth(oak, elm);
  await pump();
  await tickBoth(oak, elm);
  await pump();

  assert.match(oak.listingText(listingEvent(oak, "#1")), /Status: promised to @ann:oak.test · 1 waiting/);
  assert.match(elm.listingText(onElm), /Status: promised to @ann:oak.test · 1 waiting/);
  const told = elm.dmTexts(dan).join("\n");
  assertSaid(told, "share.settle.lost", { other: "oak.test", id: "#1.oak", title: "5 lbs of tomatoes", offer: "yes", winner: "@ann:oak.test" });
  assert.doesNotMatch(oak.dmTexts(ann).join("\n"), /Sorry/, "the neighbor whose promise stands is not told otherwise");
  const pickup = elm.context.privateRooms.find((room) => room.userIds.includes(dan) && room.userIds.length === 2);
  assert.ok(
    elm.posted.some((posted) => posted.roomId === pickup?.roomId && /This pickup did not stand/.test(posted.text)),
    "the pickup chat elm opened says so too",
  );
  await tickBoth(oak, elm);
  await pump();
  assert.equal(elm.dmTexts(dan).filter((text) => text.startsWith("Sorry")).length, 1, "told once");
  assert.match((await elm.say(dan, "!mine")).join("\n"), /tomatoes/, "dan is on the list");
});

test("!unshare: only the owner or a moderator; the pact block's message says it is withdrawn; !share brings it back", async () => {
  const { oak, elm, pump } = pactOf();
  await connect(oak, elm);
  await oak.say(alice, "!lend ladder #tools #shared");
  await tickBoth(oak, elm);
  await pump();
  const onElm = listingEvent(elm, "#1.oak");
  assert.match(elm.listingText(onElm), /To lend #1\.oak · tools — ladder/);
  await elm.say(dan, "!hold 1.oak");
  await tickBoth(oak, elm);
  await pump();

  assertSaid(await oak.say("@bob:oak.test", "!unshare 1"), "share.action.onlyActor", { actor: "staff", id: "#1" });
  assertSaid(await elm.say(dan, "!unshare 1.oak"), "share.action.onlyActor", { actor: "staff", id: "#1.oak" });
  assertSaid(await oak.say(alice, "!unshare 1"), "share.action.unshared", { id: "#1" });
  assert.match(oak.listingText(listingEvent(oak, "#1")), /this block only/);
  assert.doesNotMatch(oak.listingText(listingEvent(oak, "#1")), /waiting/, "the other block's neighbor is off the list");
  assertSaid(oak.dmTexts(dan), "share.notice.unsharedOffList", { title: "ladder", id: "#1" });
  await tickBoth(oak, elm);
  await pump();
  assertSaid(elm.listingText(onElm), "share.listing.withdrawn", { id: "#1.oak" });
  assertSaid(await elm.say(dan, "!claim 1.oak"), "share.listingRef.notFound", { ref: "#1.oak" });
  assert.doesNotMatch((await elm.say(dan, "!list")).join("\n"), /ladder/);

  assertSaid(await oak.say(alice, "!share 1"), "share.action.shared", { id: "#1" });
  await tickBoth(oak, elm);
  await pump();
  assert.match((await elm.say(dan, "!list")).join("\n"), /#1\.oak ladder · tools · available/);
});

test("joining a pact block's board-sync room is retried soon, then less often; its bot joining ours makes us try at once", async () => {
  const oak = createFakeBlock({ server: "oak.test" });
  oak.context.pactMembers.push({ serverName: "elm.test", address: "10.0.0.2" });
  oak.context.roomRoles.set("!boardsync:oak.test", "board-sync");
  const tries: number[] = [];
  oak.context.actions.joinRoom = async () => {
    tries.push(oak.context.clock.now);
    throw new Error("elm is not up yet");
  };
  const start = oak.context.clock.now;
  for (let second = 0; second < 75; second += 1) {
    await oak.tick();
    oak.context.clock.now += 1000;
  }
  assert.deepEqual(
    tries.map((at) => (at - start) / 1000),
    [0, 10, 30, 70],
    "after 10 s, 20 s, 40 s…",
  );
  await oak.bot.handleEvent(
    {
      event_id: "$join",
      room_id: "!boardsync:oak.test",
      sender: "@share:elm.test",
      type: "m.room.member",
      state_key: "@share:elm.test",
      content: { membership: "join" },
      origin_server_ts: oak.context.clock.now,
    },
    oak.context,
  );
  await oak.tick();
  assert.equal(tries.length, 5, "elm's bot joined ours, so elm is up: tried at once");
});
