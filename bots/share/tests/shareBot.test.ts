// The share bot's stories with the fake context: what neighbors see in the Sharing room, in their DMs
// and in the private pickup chats, with a controllable clock.
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertSaid, createFakeBlock, listingEvent, sharingRoom } from "./shareTestKit.ts";

const alice = "@alice:block.test";
const bob = "@bob:block.test";
const carol = "@carol:block.test";
const hour = 3_600_000;
const day = 24 * hour;

test("tomatoes: offer, claim by reaction, introduction, handed over, thanks", async () => {
  const block = createFakeBlock();
  const replies = await block.say(alice, "!offer 5 lbs of tomatoes #food until Sunday first-come pickup: my building");
  assert.match(replies.join("\n"), /Posted #1: 5 lbs of tomatoes \(food, until Sunday, June 1/);
  const listing = listingEvent(block, "#1");
  const shown = block.listingText(listing);
  assert.match(shown, /Offer #1 · food — 5 lbs of tomatoes/);
  assert.match(shown, /Quantity: 5 lbs · Pickup: my building/);
  assert.match(shown, /first come, first served/);

  await block.react(bob, listing, "🙋");
  const intro = block.context.privateRooms.find((room) => room.userIds.length === 2);
  assert.deepEqual(intro?.userIds, [alice, bob], "giver and taker are introduced in a private room");
  const introText = block.posted
    .filter((message) => message.roomId === intro?.roomId)
    .map((message) => message.text)
    .join("\n");
  assertSaid(introText, "share.intro.firstCome", {
    owner: alice,
    taker: bob,
    ownerId: alice,
    takerId: bob,
    id: "#1",
    title: "5 lbs of tomatoes",
    area: "my building",
    number: "1",
  });
  assert.match(block.listingText(listing), /Status: promised to @bob:block.test/);
  assertSaid(block.dmTexts(bob), "share.action.yours", { id: "#1", owner: alice });

  assertSaid(await block.say(alice, "!handed 1"), "share.action.closed", { id: "#1", state: "handed over", number: "1" });
  assert.match(block.listingText(listing), /Status: handed over/);

  const thanks = await block.say(bob, "!thanks 1 they were delicious");
  assertSaid(thanks, "share.thanks.note.postedFor", { sender: bob, thanked: alice, title: "5 lbs of tomatoes", note: "they were delicious" });
  assert.equal(block.posted.at(-1)?.roomId, sharingRoom, "the thank-you note is in the Sharing room");
});

test("by default the giver chooses: a reaction asks the giver, !promise introduces", async () => {
  const block = createFakeBlock();
  await block.say(alice, "!offer kids bike #kids");
  const listing = listingEvent(block, "#1");
  await block.react(bob, listing);
  await block.react(carol, listing);
  assertSaid(block.dmTexts(alice), "share.notice.wouldLike", { who: bob, id: "#1", title: "kids bike", command: `!promise 1 ${bob}` });
  assertSaid(block.dmTexts(carol), "share.action.onOfferList", { owner: alice, place: 2, number: "1" });
  assert.match(block.listingText(listing), /Status: open · 2 waiting/);
  assert.equal(block.context.privateRooms.filter((room) => room.userIds.length === 2).length, 0, "no introduction before the giver chooses");

  const promised = await block.say(alice, `!promise 1 ${carol}`);
  assertSaid(promised, "share.action.promised", { id: "#1", to: carol });
  assert.deepEqual(block.context.privateRooms.find((room) => room.userIds.length === 2)?.userIds, [alice, carol]);
  assert.match(block.listingText(listing), /promised to @carol:block.test · 1 waiting/);
});

test("lending with a due date: reminder before, overdue notices after, returned, next in line told", async () => {
  const block = createFakeBlock();
  await block.say(alice, "!lend cordless drill #tools");
  const listing = listingEvent(block, "#1");
  await block.say(carol, "!hold 1");
  const lent = await block.say(alice, `!lend-out 1 ${bob} for 3 days`);
  const due = new Date(block.context.clock.now + 3 * day);
  assertSaid(lent, "share.action.lent", { id: "#1", to: bob, until: due });
  assert.match(block.listingText(listing), /on loan to @bob:block.test, due Wednesday, June 4/);
  assert.deepEqual(block.context.privateRooms.find((room) => room.userIds.length === 2)?.userIds, [alice, bob]);

  block.context.clock.now += 2 * day;
  await block.tick();
  assert.deepEqual(block.dmTexts(bob), [], "nothing yet two days before");
  block.context.clock.now += 12 * hour + 1;
  await block.tick();
  assertSaid(block.dmTexts(bob), "share.reminder.dueSoon", { title: "cordless drill", id: "#1", owner: alice, due, number: "1" });
  await block.tick();
  assert.equal(block.dmTexts(bob).length, 1, "one reminder, not one per tick");

  block.context.clock.now += 14 * hour;
  await block.tick();
  assertSaid(block.dmTexts(bob).at(-1) ?? "", "share.reminder.overdue", {
    title: "cordless drill",
    id: "#1",
    due,
    round: 1,
    borrower: bob,
    owner: alice,
    number: "1",
  });
  assert.match(block.dmTexts(alice).at(-1) ?? "", /notice 1 of 3/);
  await block.tick();
  assert.equal(block.dmTexts(bob).length, 2);

  const renewed = await block.say(carol, "!renew 1 for 1 week");
  assert.match(renewed.join("\n"), /Only the neighbor who posted it can do that with #1/);
  const back = await block.say(bob, "!returned 1");
  assert.match(back.join("\n"), /#1 is back and available again\. Next in line: @carol:block.test/);
  assert.match(block.listingText(listing), /Status: available/);
  assert.match(block.dmTexts(carol).join("\n"), /is back and you are first in line/);
});

test("an ask is fulfilled: a helper steps in, the asker closes it", async () => {
  const block = createFakeBlock();
  await block.say(alice, "!ask a ladder for the weekend #tools");
  const listing = listingEvent(block, "#1");
  assert.match(block.listingText(listing), /Ask #1 · tools — a ladder for the weekend/);
  assertSaid(await block.say(bob, "!claim 1"), "share.action.helping", { owner: alice });
  assert.match(block.listingText(listing), /promised to @bob:block.test/);
  const done = await block.say(alice, "!fulfilled", sharingRoom, { "m.relates_to": { rel_type: "m.thread", event_id: listing } });
  assertSaid(done, "share.action.closed", { id: "#1", state: "fulfilled", number: "1" });
  assert.match(block.listingText(listing), /Status: fulfilled/);
});

test("permission denials: someone else's listing, a non-moderator; a moderator may cancel", async () => {
  const block = createFakeBlock();
  await block.say(alice, "!offer sofa #household");
  assertSaid(await block.say(bob, "!cancel 1"), "share.action.onlyActor", { actor: "staff", id: "#1" });
  assertSaid(await block.say(bob, `!promise 1 ${carol}`), "share.action.onlyActor", { actor: "owner", id: "#1" });
  assertSaid(await block.say(alice, "!claim 1"), "share.action.ownListing", { id: "#1" });
  assertSaid(await block.say(bob, "!handed 1"), "share.action.notNow", { id: "#1", state: "open" });
  assert.match((await block.say(bob, "!sharing-default shared")).join("\n"), /Only room moderators/);

  block.context.powerLevels.set(`${sharingRoom} ${carol}`, 50);
  assertSaid(await block.say(carol, "!cancel 1"), "share.action.cancelled", { id: "#1" });
  assert.match(block.listingText(listingEvent(block, "#1")), /Status: cancelled/);
  assertSaid(block.dmTexts(alice), "share.notice.cancelledByModerator", { moderator: carol, id: "#1", title: "sofa" });
});

test("limits from the community: open listings per neighbor and claims per week", async () => {
  const block = createFakeBlock();
  Object.assign(block.context.limits, { maxOpenListings: 2, maxClaimsPerWeek: 1 });
  await block.say(alice, "!offer jam first-come #food");
  await block.say(alice, "!offer bread first-come #food");
  assertSaid(await block.say(alice, "!offer cake #food"), "share.problem.tooManyOpen", { open: 2, max: 2 });
  assertSaid(await block.say(bob, "!claim 1"), "share.action.yours", { id: "#1", owner: alice });
  assertSaid(await block.say(bob, "!claim 2"), "share.problem.weeklyClaims", { recent: 1, max: 1 });
  block.context.clock.now += 8 * day;
  await block.say(alice, "!renew 2");
  assert.match((await block.say(bob, "!claim 2")).join("\n"), /It's yours!/, "a week later the claim is allowed again");
});

test("pact neighbors may claim shared listings only when the block allows it", async () => {
  const block = createFakeBlock();
  block.context.pactMembers.push({ serverName: "elm.test", address: "10.0.0.2" });
  const dan = "@dan:elm.test";
  await block.say(alice, "!offer books #shared first-come");
  await block.say(alice, "!offer toys #block first-come");
  block.context.limits.pactNeighborsMayClaim = false;
  assertSaid(await block.say(dan, "!claim 1"), "share.problem.homeKeepsClaims", { home: "block.test" });
  assertSaid(await block.say(dan, "!claim 2"), "share.problem.blockOnly");
  assertSaid(await block.say("@eve:stranger.test", "!claim 1"), "share.problem.unknownBlock");
  block.context.limits.pactNeighborsMayClaim = true;
  assert.match((await block.say(dan, "!claim 1")).join("\n"), /It's yours!/);
});

test("expiry: food lasts 3 days by default, the owner is told, !renew brings it back", async () => {
  const block = createFakeBlock();
  await block.say(alice, "!offer bread #food");
  const listing = listingEvent(block, "#1");
  block.context.clock.now += 3 * day - 60_000;
  await block.tick();
  assert.match(block.listingText(listing), /Status: open/);
  block.context.clock.now += 2 * 60_000;
  await block.tick();
  assert.match(block.listingText(listing), /Status: expired/);
  assertSaid(block.dmTexts(alice), "share.notice.expired", { id: "#1", title: "bread", number: "1" });
  assert.doesNotMatch((await block.say(bob, "!list")).join("\n"), /bread/);
  assert.match((await block.say(alice, "!renew 1 until tomorrow")).join("\n"), /#1 is open until/);
  assert.match((await block.say(bob, "!list food")).join("\n"), /#1 bread · food · open/);
});

test("a restart in the middle of a loan loses nothing; the overdue notice due during downtime comes at the first tick", async () => {
  const before = createFakeBlock();
  await before.say(alice, "!lend tent #household");
  const listing = listingEvent(before, "#1");
  await before.say(alice, `!lend-out 1 ${bob} for 2 days`);

  const after = createFakeBlock({ storeFrom: before.context, now: before.context.clock.now + 3 * day });
  await after.tick();
  assert.match(after.dmTexts(bob).join("\n"), /tent \(#1\) was due back .* \(notice 1 of 3\)/);
  assert.doesNotMatch(after.dmTexts(bob).join("\n"), /Reminder:/, "no stale 'due soon' after the due date");
  const back = await after.say(alice, "!returned 1");
  assert.match(back.join("\n"), /#1 is back/);
  assert.match(after.listingText(listing), /Status: available/, "the same listing message is edited after the restart");
  assert.match((await after.say(bob, "!offer lamp")).join("\n"), /Posted #2/, "numbers continue after a restart");
});

test("malformed commands and dates get a reply saying what is accepted", async () => {
  const block = createFakeBlock();
  const expect = async (command: string, pattern: RegExp) => assert.match((await block.say(alice, command)).join("\n"), pattern, command);
  await expect("!offer tomatoes until blorp", /I couldn't read the date “until blorp”\. I understand dates like “until Sunday”/);
  await expect("!offer tomatoes until last year", /already past|couldn't read the date/);
  await expect("!offer -3 chairs", /I couldn't read the quantity “-3”: it must be a number from 1 to 9999/);
  await expect("!offer 0 chairs", /quantity/);
  await expect("!offer chairs #furnitures", /I don't know the tag #furnitures\. Tags I know: #food #tools/);
  await expect("!offer #food", /What is it\? Write a short title/);
  await expect("!offer chairs pickup: 12 Maple Street", /Please don't post a street address/);
  await expect("!offer", /`what` is missing\. Usage: `!offer <what…>`/);
  await expect("!claim abc", /`id` must be a listing number like #12/);
  await expect("!claim 99", /I can't find listing #99/);
  await block.say(alice, "!lend drill");
  await expect(`!lend-out 1 ${bob} until the cows come home`, /I couldn't read the date “until the cows come home”/);
  await expect("!lend-out 1 bob for 2 days", /`borrower` must be a full Matrix ID/);
  await expect("!thanks nobody hi", /Start with a listing number like 12 or a full Matrix ID/);
});

test("a photo posted right after the offer (or as a reply to it) shows in the listing", async () => {
  const block = createFakeBlock();
  await block.say(alice, "!offer armchair #household");
  const listing = listingEvent(block, "#1");
  await block.image(bob, "mxc://block.test/bobs");
  assert.doesNotMatch(block.listingHtml(listing), /<img/, "someone else's image is not the listing's photo");
  await block.image(alice, "mxc://block.test/chair123");
  assert.match(block.listingHtml(listing), /<img src="mxc:\/\/block.test\/chair123"/);
  assert.match(block.listingText(listing), /\(photo attached\)/);
});

test("!list filters by category, kind and words; !mine shows one's own and what one waits for", async () => {
  const block = createFakeBlock();
  await block.say(alice, "!offer tomatoes #food");
  await block.say(alice, "!lend drill #tools");
  await block.say(bob, "!ask sugar #food");
  const food = (await block.say(carol, "!list food")).join("\n");
  assert.match(food, /tomatoes/);
  assert.match(food, /sugar/);
  assert.doesNotMatch(food, /drill/);
  assert.doesNotMatch((await block.say(carol, "!list offers food")).join("\n"), /sugar/);
  assert.match((await block.say(carol, "!list dri")).join("\n"), /#2 drill · tools · available/);
  await block.say(carol, "!hold 2");
  const mine = (await block.say(carol, "!mine")).join("\n");
  assert.match(mine, /drill/);
  assert.doesNotMatch(mine, /tomatoes/);
});

test("a returned thing is held for the first in line for 2 days; unconfirmed, the turn lapses to the next", async () => {
  const block = createFakeBlock();
  const dan = "@dan:block.test";
  await block.say(alice, "!lend tent #household");
  const listing = listingEvent(block, "#1");
  await block.say(alice, `!lend-out 1 ${bob} for 3 days`);
  await block.say(carol, "!hold 1");
  await block.say(dan, "!hold 1");
  await block.say(bob, "!returned 1");
  assert.match(block.dmTexts(carol).join("\n"), /tent \(#1\) is back and you are first in line\. Still want it\? Send `!claim 1` by Tuesday, June 3, 12:00 PM/);
  assert.match(block.dmTexts(alice).join("\n"), /Next in line for #1: @carol:block.test, who has until Tuesday, June 3/);
  assert.match(block.listingText(listing), /Status: available · held for @carol:block.test until Tuesday, June 3.* · 2 waiting/);

  block.context.clock.now += 2 * day - 60_000;
  await block.tick();
  assert.doesNotMatch(block.dmTexts(carol).join("\n"), /lapsed/);
  block.context.clock.now += 2 * 60_000;
  await block.tick();
  assert.match(block.dmTexts(carol).join("\n"), /Your turn for tent \(#1\) lapsed/);
  assert.match(block.dmTexts(dan).join("\n"), /is back and you are first in line\. Still want it\? Send `!claim 1` by Thursday, June 5/);
  assert.match(block.listingText(listing), /held for @dan:block.test until Thursday, June 5.* · 1 waiting/);

  assert.match((await block.say(dan, "!claim 1")).join("\n"), /Confirmed: #1 is held for you/);
  assert.match(block.dmTexts(alice).join("\n"), /@dan:block.test confirmed they still want #1 \(tent\)\. To lend it: `!lend-out 1 @dan:block.test for 1 week`/);
  block.context.clock.now += 5 * day;
  await block.tick();
  assert.doesNotMatch(block.dmTexts(dan).join("\n"), /lapsed/, "a confirmed hold does not lapse");
  assert.match((await block.say(alice, `!lend-out 1 ${dan}`)).join("\n"), /Lent #1 to @dan:block.test/);
  assert.doesNotMatch(block.listingText(listing), /held for/);
});

test("reminder records are pruned: a returned loan's and a closed listing's go, an open listing's expiry stays", async () => {
  const block = createFakeBlock();
  const doneRecords = () => [...block.context.storeEntries.keys()].filter((key) => key.startsWith("done/"));
  await block.say(alice, "!lend drill #tools");
  await block.say(alice, `!lend-out 1 ${bob} for 2 days`);
  await block.say(alice, "!offer bread #food");
  block.context.clock.now += 3 * day + 2 * hour;
  await block.tick();
  assert.match(block.dmTexts(bob).join("\n"), /notice 1 of 3/);
  assert.deepEqual(
    doneRecords()
      .map((key) => key.split("|")[1])
      .sort(),
    ["expire", "overdue-1"],
    "bread expired, the drill is overdue",
  );

  await block.say(bob, "!returned 1");
  await block.tick();
  assert.deepEqual(
    doneRecords().map((key) => key.split("|")[1]),
    ["expire"],
    "the loan's reminders are gone once it is back",
  );
  await block.say(alice, "!renew 2 until tomorrow");
  await block.tick();
  assert.deepEqual(doneRecords(), [], "a renewed listing's old expiry record is gone");
  await block.say(alice, "!cancel 2");
  await block.say(alice, "!cancel 1");
  await block.tick();
  assert.deepEqual(doneRecords(), []);

  // At start, records of listings closed earlier (a store from an older version) are swept.
  block.context.storeEntries.set("done/block.test/2|expire|1", true);
  const restarted = createFakeBlock({ storeFrom: block.context, now: block.context.clock.now });
  await restarted.tick();
  assert.deepEqual(
    [...restarted.context.storeEntries.keys()].filter((key) => key.startsWith("done/")),
    [],
  );
});

test("timed work waits until the homeserver answers, and a reminder nobody received is sent again a minute later", async () => {
  const before = createFakeBlock();
  await before.say(alice, "!lend tent #household");
  await before.say(alice, `!lend-out 1 ${bob} for 2 days`);
  // The box starts again after the due date; the bots start before Synapse does.
  const after = createFakeBlock({ storeFrom: before.context, now: before.context.clock.now + 2 * day + 2 * hour });
  const { actions } = after.context;
  const [joinedMembers, openPrivateRoom] = [actions.joinedMembers, actions.openPrivateRoom];
  actions.joinedMembers = async () => {
    throw new Error("connect ECONNREFUSED");
  };
  actions.openPrivateRoom = async () => {
    throw new Error("connect ECONNREFUSED");
  };
  await after.tick();
  assert.equal([...after.context.storeEntries.keys()].filter((key) => key.startsWith("done/")).length, 0, "nothing spent on a server that does not answer");
  actions.joinedMembers = joinedMembers;
  await after.tick(); // the server answers, but sending still fails (say, it is restarting)
  after.context.clock.now += 30_000;
  actions.openPrivateRoom = openPrivateRoom;
  await after.tick();
  assert.deepEqual(after.dmTexts(bob), [], "not retried every second");
  after.context.clock.now += 31_000;
  await after.tick();
  assert.match(after.dmTexts(bob).join("\n"), /tent \(#1\) was due back .* \(notice 1 of 3\)/);
  await after.tick();
  assert.equal(after.dmTexts(bob).length, 1, "sent once");
});

test("a Matrix error from the homeserver is an answer: timed work goes ahead", async () => {
  const block = createFakeBlock();
  await block.say(alice, "!offer bread #food");
  block.context.actions.joinedMembers = async () => {
    throw Object.assign(new Error("not in room"), { errcode: "M_FORBIDDEN" });
  };
  block.context.clock.now += 4 * day;
  await block.tick();
  assert.match(block.dmTexts(alice).join("\n"), /Your listing #1 \(bread\) has expired/);
});
