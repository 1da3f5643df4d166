// Issue 13, on a real Synapse: taking interest back (a removed 👍 or a command), the bot's DMs reusing the
// chat a neighbor opened and explaining themselves in the invite, and a 👍 on one's own listing.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as sdk from "matrix-js-sdk";
import { startTestNeighborhood, type TestNeighborhood } from "../../../test/harness/testNeighborhood.ts";
import type { NeighborClient, SeenEvent } from "../../../test/harness/neighborClient.ts";
import { createShareBot } from "../shareBot.ts";

describe("interest taken back, DMs and invites, own listings (real Synapse)", () => {
  let block: TestNeighborhood;
  let sharing: string;
  let bot: string;
  let ann: NeighborClient;
  let bob: NeighborClient;
  let cy: NeighborClient;

  before(async () => {
    const share = createShareBot({ rateLimit: { burst: 100, refillEveryMs: 100, maxTracked: 1000 } });
    block = await startTestNeighborhood({ name: "Interest Block", bots: [share] });
    sharing = block.running.rooms.get("sharing")!;
    bot = `@share:${block.running.neighborhood.server_name}`;
    [ann, bob, cy] = [await block.addNeighbor("ann"), await block.addNeighbor("bob"), await block.addNeighbor("cy")];
    for (const neighbor of [ann, bob, cy]) await inSharing(neighbor);
  });
  after(async () => {
    await block?.stop();
  });

  const inSharing = (neighbor: NeighborClient) =>
    neighbor.waitForEvent(
      (e) => e.room_id === sharing && e.type === "m.room.member" && e.state_key === neighbor.userId && e.content.membership === "join",
      `${neighbor.userId} in Sharing`,
    );

  async function command(neighbor: NeighborClient, body: string, roomId = sharing): Promise<string> {
    const sent = await neighbor.sendText(roomId, body);
    const reply = await neighbor.waitForReply(roomId, sent, bot).catch((error: Error) => {
      throw new Error(`no answer to “${body}”: ${error.message}`);
    });
    return String(reply.content.body);
  }

  async function post(neighbor: NeighborClient, body: string): Promise<number> {
    const reply = await command(neighbor, body);
    const number = Number(/^Posted #(\d+)/.exec(reply)?.[1]);
    assert.ok(number > 0, reply);
    return number;
  }

  const listingMessage = (neighbor: NeighborClient, n: number) =>
    neighbor.waitForEvent(
      (e) =>
        e.room_id === sharing &&
        e.sender === bot &&
        e.type === "m.room.message" &&
        String(e.content.body).includes(` #${n} ·`) &&
        e.content["m.relates_to"] === undefined,
      `the listing message #${n}`,
    );

  const listingEdited = (neighbor: NeighborClient, listing: SeenEvent, pattern: RegExp) =>
    neighbor.waitForEvent(
      (e) =>
        e.content["m.relates_to"]?.rel_type === "m.replace" &&
        e.content["m.relates_to"]?.event_id === listing.event_id &&
        pattern.test(String(e.content["m.new_content"]?.body)),
      `listing ${listing.event_id} edited to ${pattern}`,
    );

  const botSays = (neighbor: NeighborClient, pattern: RegExp, what: string) =>
    neighbor.waitForEvent((e) => e.sender === bot && e.room_id !== sharing && e.type === "m.room.message" && pattern.test(String(e.content.body)), what);

  /** Rooms other than Sharing that the bot invited this neighbor to. */
  const botInvites = (neighbor: NeighborClient) =>
    neighbor.seen((e) => e.type === "m.room.member" && e.state_key === neighbor.userId && e.content.membership === "invite" && e.sender === bot);

  test("removing the 👍 takes the neighbor off the list: the giver is told, the listing edited, !mine no longer lists it", async () => {
    const n = await post(ann, "!offer reading lamp #household");
    const listing = await listingMessage(bob, n);
    const reaction = await bob.react(sharing, listing.event_id, "👍");
    await botSays(ann, new RegExp(`@bob:\\S+ would like #${n} \\(reading lamp\\)`), "the giver told of bob's interest");
    await listingEdited(cy, listing, /Status: open · 1 waiting/);
    assert.match(await command(bob, "!mine"), /reading lamp/);

    await bob.client.redactEvent(sharing, reaction);
    await botSays(ann, new RegExp(`@bob:\\S+ no longer wants #${n} \\(reading lamp\\)`), "the giver told that bob took it back");
    await botSays(bob, new RegExp(`You are off the list for #${n} \\(reading lamp\\)`), "bob told he is off the list");
    await listingEdited(cy, listing, /Status: open(?! · \d+ waiting)\n/);
    assert.doesNotMatch(await command(bob, "!mine"), /reading lamp/);
  });

  test("the command path: !withdraw, and !release from a neighbor on the list, take them off; no internal action names", async () => {
    const n = await post(ann, "!lend hedge trimmer #tools");
    const listing = await listingMessage(cy, n);
    assert.match(await command(bob, `!claim ${n}`), /You are number 1 in line/);
    assert.match(await command(cy, `!hold ${n}`), /You are number 2 in line/);
    await listingEdited(cy, listing, /· 2 waiting/);

    assert.match(await command(bob, `!withdraw ${n}`), new RegExp(`You are off the list for #${n} \\(hedge trimmer\\)`));
    await botSays(ann, new RegExp(`@bob:\\S+ no longer wants #${n} \\(hedge trimmer\\)`), "the lender told that bob withdrew");
    await listingEdited(bob, listing, /· 1 waiting/);

    assert.match(await command(cy, `!release ${n}`), new RegExp(`You are off the list for #${n}`));
    await botSays(ann, new RegExp(`@cy:\\S+ no longer wants #${n} \\(hedge trimmer\\)`), "the lender told that cy withdrew");
    await listingEdited(bob, listing, /Status: available(?! · \d+ waiting)\n/);
    assert.doesNotMatch(await command(cy, "!mine"), /hedge trimmer/);

    const refused = await command(bob, `!release ${n}`);
    assert.match(refused, new RegExp(`You are not on the list for #${n}`));
    assert.doesNotMatch(refused, /claim-first-come|hand-over|lend-out|interest|\bpromise,/, "commands, not internal action names");
  });

  test("a DM the neighbor opened first is reused: no second chat with the bot", async () => {
    const dee = await block.addNeighbor("dee");
    await inSharing(dee);
    // As Element's "Start chat": a room with is_direct, the bot invited.
    const own = await dee.openDirectChat(bot);
    await dee.waitForEvent(
      (e) => e.room_id === own && e.type === "m.room.member" && e.state_key === bot && e.content.membership === "join",
      "the bot in dee's DM",
    );
    assert.match(await command(dee, "!mine", own), /nothing open/);
    const n = await post(dee, "!offer bird feeder #household");
    const listing = await listingMessage(bob, n);
    await bob.react(sharing, listing.event_id, "👍");
    const told = await botSays(dee, new RegExp(`@bob:\\S+ would like #${n}`), "dee told of bob's interest");
    assert.equal(told.room_id, own, "the bot writes in the DM dee opened");
    assert.equal(botInvites(dee).length, 0, "no second chat: the bot invited dee nowhere");

    // A chat opened without the direct flag (Element's "New room", then inviting the bot) is theirs too.
    const fay = await block.addNeighbor("fay");
    await inSharing(fay);
    const { room_id: plain } = await fay.client.createRoom({ preset: sdk.Preset.PrivateChat, invite: [bot] });
    await fay.waitForEvent(
      (e) => e.room_id === plain && e.type === "m.room.member" && e.state_key === bot && e.content.membership === "join",
      "the bot in fay's chat",
    );
    const m = await post(fay, "!offer seed packets #household");
    await bob.react(sharing, (await listingMessage(bob, m)).event_id, "👍");
    const toldFay = await botSays(fay, new RegExp(`@bob:\\S+ would like #${m}`), "fay told of bob's interest");
    assert.equal(toldFay.room_id, plain, "the bot writes in the chat fay opened");
    assert.equal(botInvites(fay).length, 0, "no second chat with fay");
  });

  test("an invite explains itself: a reason, and the first message, encrypted, readable by the one invited", async () => {
    const eve = await block.addNeighbor("eve");
    await inSharing(eve);
    const n = await post(eve, "!offer garden chairs #household");
    const listing = await listingMessage(bob, n);
    await cy.react(sharing, listing.event_id, "👍");
    const invite = await eve.waitForEvent(
      (e) => e.type === "m.room.member" && e.state_key === eve.userId && e.content.membership === "invite" && e.sender === bot,
      "the bot's invite",
    );
    assert.match(String(invite.content.reason ?? ""), new RegExp(`@cy:\\S+ would like #${n} \\(garden chairs\\)`), "the invite says why");
    assert.equal(invite.content.is_direct, true, "a direct chat");
    const first = await botSays(eve, new RegExp(`@cy:\\S+ would like #${n}`), "the message, once joined");
    // The chat is end-to-end encrypted, so the message follows the invite: sent before it, eve's devices
    // would not have its key.
    assert.equal(first.encrypted, true, "the chat is encrypted");
    assert.equal(first.undecryptable, false, "and eve can read it");

    // The next DM goes to the same chat.
    await bob.react(sharing, listing.event_id, "👍");
    const again = await botSays(eve, new RegExp(`@bob:\\S+ would like #${n}`), "eve told of bob's interest");
    assert.equal(again.room_id, invite.room_id);
    assert.equal(botInvites(eve).length, 1, "one chat with the bot");
  });

  test("a 👍 on one's own listing gets a short reply and is not counted", async () => {
    const n = await post(ann, "!offer flower pots #household");
    const listing = await listingMessage(ann, n);
    const reaction = await ann.react(sharing, listing.event_id, "👍");
    await botSays(ann, new RegExp(`#${n} is your own listing: a 👍 on it does nothing`), "the owner told it does nothing");
    await ann.waitForEvent(
      (e) => e.room_id === sharing && e.type === "m.room.redaction" && e.sender === bot && (e.content.redacts ?? reaction) === reaction,
      "the reaction removed, so Element does not count it",
    );
    const mine = await command(ann, "!mine");
    assert.match(mine, /flower pots/);
    assert.equal(
      cy.seen((e) => e.content["m.relates_to"]?.event_id === listing.event_id && /waiting/.test(String(e.content["m.new_content"]?.body))).length,
      0,
      "nobody is waiting",
    );
  });
});
