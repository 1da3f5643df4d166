// Taking interest back: the pure decisions, and the stories with the fake block (a removed reaction,
// !withdraw, !release from a neighbor on the list, a 👍 on one's own listing, invites that say why).
import assert from "node:assert/strict";
import { test } from "node:test";
import { decideReaction, decideReactionRemoval, decideWithdrawal } from "../domain/interestWithdrawal.ts";
import type { Listing } from "../domain/listing.ts";
import { sayPlain } from "../../framework/speak.ts";
import { commandsFor } from "../chat/actionCommands.ts";
import { releaseActionFor } from "../chat/lifecycleCommands.ts";
import { actionsFrom } from "../domain/lifecycle.ts";
import { assertSaid, createFakeBlock, listingEvent } from "./shareTestKit.ts";

const alice = "@alice:block.test";
const bob = "@bob:block.test";
const carol = "@carol:block.test";

function listing(change: Partial<Listing> = {}): Listing {
  return {
    key: "block.test/1",
    number: 1,
    home: "block.test",
    kind: "offer",
    state: "open",
    title: "lamp",
    category: "household",
    area: "this block",
    visibility: "block",
    firstCome: false,
    owner: alice,
    createdAt: 0,
    expiresAt: 1,
    changedAt: 0,
    queue: [],
    bids: [],
    ...change,
  };
}

test("decisions: a reaction by the owner does nothing; by a neighbor it takes part", () => {
  const takePart = () => "interest" as const;
  assert.equal(decideReaction(undefined, bob, takePart).kind, "ignore");
  assert.equal(decideReaction(listing(), alice, takePart).kind, "own-listing");
  assert.deepEqual(decideReaction(listing(), bob, takePart), { kind: "take-part", listing: listing(), action: "interest" });
});

test("decisions: a removed reaction withdraws only the neighbor's own, last reaction, while they wait", () => {
  const waiting = listing({ queue: [bob] });
  const record = { key: waiting.key, userId: bob };
  assert.deepEqual(decideReactionRemoval(record, bob, 0, waiting), { kind: "withdraw", key: waiting.key, userId: bob });
  assert.equal(decideReactionRemoval(record, carol, 0, waiting).kind, "ignore", "a moderator's redaction is not bob changing his mind");
  assert.equal(decideReactionRemoval(record, bob, 1, waiting).kind, "ignore", "another reaction of bob's still says yes");
  assert.equal(decideReactionRemoval(record, bob, 0, listing({ state: "promised", promisedTo: bob })).kind, "ignore", "no longer waiting: promised to him");
  assert.equal(decideReactionRemoval(undefined, bob, 0, waiting).kind, "ignore", "a reaction that took nothing");
});

test("decisions: withdrawing tells the owner unless they never heard, and passes a hold on", () => {
  assert.equal(decideWithdrawal(listing(), bob, true).kind, "not-waiting");
  assert.deepEqual(decideWithdrawal(listing({ queue: [bob] }), bob, false), {
    kind: "withdrawn",
    listing: listing({ queue: [bob] }),
    userId: bob,
    tellOwner: false,
    passHold: false,
  });
  const held = listing({ kind: "lend", queue: [bob, carol], heldFor: bob });
  assert.deepEqual(decideWithdrawal(held, bob, undefined), { kind: "withdrawn", listing: held, userId: bob, tellOwner: true, passHold: true });
});

test("decisions: !release is the party's undo and anyone else's withdrawal; refusals name commands", () => {
  const promised = listing({ state: "promised", promisedTo: bob, queue: [carol] });
  assert.equal(releaseActionFor(promised, alice), "release");
  assert.equal(releaseActionFor(promised, bob), "release");
  assert.equal(releaseActionFor(promised, carol), "withdraw");
  assert.deepEqual(
    commandsFor(actionsFrom("offer", "open")).map((key) => sayPlain("en", key)),
    ["!promise", "!claim", "!withdraw", "!renew", "!cancel", "!unshare", "!share"],
  );
});

test("removing the reaction takes the neighbor off: the owner is told, the listing edited, !mine no longer lists it", async () => {
  const block = createFakeBlock();
  await block.say(alice, "!offer reading lamp #household");
  const message = listingEvent(block, "#1");
  const reaction = await block.react(bob, message);
  assert.match(block.listingText(message), /1 waiting/);
  assert.match(block.dmTexts(bob).join("\n"), /Changed your mind\? Remove your reaction or send `!withdraw 1`/);
  await block.redact(carol, reaction);
  assert.match(block.listingText(message), /1 waiting/, "someone else's redaction changes nothing");
  await block.redact(bob, reaction);
  assert.doesNotMatch(block.listingText(message), /waiting/);
  assert.match(block.dmTexts(alice).join("\n"), /@bob:block.test no longer wants #1 \(reading lamp\); they are off the list\./);
  assert.match(block.dmTexts(bob).join("\n"), /You are off the list for #1 \(reading lamp\); I told @alice:block.test\./);
  assert.match((await block.say(bob, "!mine")).join("\n"), /You have nothing open/);
  assert.equal(block.context.storeEntries.has(`reaction/${reaction}`), false, "the reaction record is gone");
});

test("!withdraw and !release from a neighbor on the list; a held turn passes to the next in line", async () => {
  const block = createFakeBlock();
  await block.say(alice, "!lend hedge trimmer #tools");
  await block.say(alice, `!lend-out 1 ${carol}`);
  await block.say(bob, "!hold 1");
  await block.say(carol, "!returned 1"); // the borrower brings it back: held for bob, first in line
  assert.match(block.listingText(listingEvent(block, "#1")), /held for @bob:block.test/);
  await block.react(carol, listingEvent(block, "#1"));
  assertSaid(await block.say(bob, "!withdraw 1"), "share.withdraw.doneOwnerTold", { id: "#1", title: "hedge trimmer", owner: alice, number: "1" });
  assert.match(block.listingText(listingEvent(block, "#1")), /held for @carol:block.test/, "the next in line is asked");
  assert.match((await block.say(carol, "!release 1")).join("\n"), /You are off the list for #1/);
  assert.doesNotMatch(block.listingText(listingEvent(block, "#1")), /held for|waiting/);
  const refused = (await block.say(carol, "!release 1")).join("\n");
  assertSaid(refused, "share.withdraw.notWaiting", { id: "#1", title: "hedge trimmer", number: "1" });
  assert.match(
    (await block.say(bob, "!handed 1")).join("\n"),
    /Commands that work on it now: !lend-out, !hold, !claim, !withdraw, !renew, !cancel, !unshare, !share\./,
  );
});

test("a 👍 on one's own listing is answered and removed, never counted", async () => {
  const block = createFakeBlock();
  await block.say(alice, "!offer flower pots #household");
  const message = listingEvent(block, "#1");
  const reaction = await block.react(alice, message);
  assertSaid(block.dmTexts(alice), "share.reaction.own", { id: "#1", key: "👍" });
  assertSaid(block.dmTexts(alice), "share.reaction.ownOffer", { number: "1" });
  assert.ok(block.context.events.some((event) => event.type === "m.room.redaction" && event.content.redacts === reaction));
  assert.doesNotMatch(block.listingText(message), /waiting/);
});

test("the bot's invites say why: a new chat carries the first message's words as its reason", async () => {
  const block = createFakeBlock();
  await block.say(alice, "!offer garden chairs #household");
  await block.react(bob, listingEvent(block, "#1"));
  const dm = block.context.privateRooms.find((room) => room.userIds[0] === alice);
  const told = sayPlain("en", "share.notice.wouldLike", { who: bob, id: "#1", title: "garden chairs", command: `!promise 1 ${bob}` });
  assert.equal(dm?.reason, sayPlain("en", "share.invite.reason", { text: told }));
  await block.say(alice, `!promise 1 ${bob}`);
  const pickup = block.context.privateRooms.find((room) => room.userIds.length === 2);
  assert.match(pickup?.reason ?? "", /Hello @alice:block.test and @bob:block.test!/);

  // A neighbor who chose Spanish is invited in Spanish.
  const spanish = createFakeBlock();
  spanish.context.community.setLanguage(alice, "es");
  await spanish.say(alice, "!ofrecer sillas de jardín #hogar");
  await spanish.react(bob, listingEvent(spanish, "#1"));
  const invite = spanish.context.privateRooms.find((room) => room.userIds[0] === alice);
  const dicho = sayPlain("es", "share.notice.wouldLike", { who: bob, id: "#1", title: "sillas de jardín", command: `!prometer 1 ${bob}` });
  assert.equal(invite?.reason, sayPlain("es", "share.invite.reason", { text: dicho }));
});
