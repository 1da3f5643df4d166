// The share bot against a real Synapse, neighbors as matrix-js-sdk clients doing what they would do in
// Element: the tomatoes story end to end, a loan with reminders (the bots' clock moved forward), an ask,
// refusals, expiry, a restart in the middle of a loan, input the bot cannot read, and the tomatoes story
// in Spanish.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestNeighborhood, type TestNeighborhood } from "../../../test/harness/testNeighborhood.ts";
import { NeighborClient, repliesTo, type SeenEvent } from "../../../test/harness/neighborClient.ts";
import { sayPlain, speaker } from "../../framework/speak.ts";
import { readListingText } from "../domain/listingText.ts";
import { createShareBot } from "../shareBot.ts";

const hour = 3_600_000;
const day = 24 * hour;

describe("the sharing board on a real Synapse", () => {
  // The bots' clock: real time plus an offset the tests move forward to reach due dates. It goes back
  // to real time before neighbors type again: the bots ignore commands older than 5 minutes (backlog).
  const clock = { offset: 0 };
  async function later<T>(offsetMs: number, then: () => Promise<T>): Promise<T> {
    clock.offset = offsetMs;
    try {
      return await then();
    } finally {
      clock.offset = 0;
    }
  }
  let block: TestNeighborhood;
  let sharing: string;
  let bot: string;
  let ann: NeighborClient;
  let bob: NeighborClient;
  let cy: NeighborClient;
  let operator: NeighborClient;

  before(async () => {
    // Neighbors here send commands faster than the default limit (5, then one per 3 s) allows.
    const share = createShareBot({ rateLimit: { burst: 100, refillEveryMs: 100, maxTracked: 1000 } });
    block = await startTestNeighborhood({ name: "Share Block", bots: [share], now: () => Date.now() + clock.offset });
    sharing = block.running.rooms.get("sharing")!;
    bot = `@share:${block.running.neighborhood.server_name}`;
    [ann, bob, cy] = [await block.addNeighbor("ann"), await block.addNeighbor("bob"), await block.addNeighbor("cy")];
    operator = new NeighborClient(block.running.clientUrl, block.running.operatorUserId, block.running.operatorToken);
    await operator.start();
    block.neighbors.push(operator);
    // New neighbors are joined to the Sharing room by the server; wait until each one is in it.
    for (const neighbor of [ann, bob, cy, operator]) {
      await neighbor.waitForEvent(
        (e) => e.room_id === sharing && e.type === "m.room.member" && e.state_key === neighbor.userId && e.content.membership === "join",
        `${neighbor.userId} in Sharing`,
      );
    }
  });
  after(async () => {
    await block?.stop();
  });

  /** Sends a command in the Sharing room and resolves to the bot's reply text. */
  async function command(neighbor: NeighborClient, body: string, roomId = sharing): Promise<string> {
    const sent = await neighbor.sendText(roomId, body);
    const reply = await neighbor.waitForReply(roomId, sent, bot).catch((error: Error) => {
      throw new Error(`no answer to “${body}”: ${error.message}`);
    });
    return String(reply.content.body);
  }

  /** Posts a listing and resolves to its number (each test stands on its own, whatever ran before). */
  async function post(neighbor: NeighborClient, body: string): Promise<number> {
    const reply = await command(neighbor, body);
    const number = Number(/^Posted #(\d+)/.exec(reply)?.[1]);
    assert.ok(number > 0, reply);
    return number;
  }

  const listingMessage = (neighbor: NeighborClient, id: string) =>
    neighbor.waitForEvent(
      (e) =>
        e.room_id === sharing &&
        e.sender === bot &&
        e.type === "m.room.message" &&
        String(e.content.body).includes(` ${id} ·`) &&
        e.content["m.relates_to"] === undefined,
      `the listing message ${id}`,
    );

  /** Waits until the listing message has been edited to match. */
  const listingEdited = (neighbor: NeighborClient, listing: SeenEvent, pattern: RegExp) =>
    neighbor.waitForEvent(
      (e) =>
        e.content["m.relates_to"]?.rel_type === "m.replace" &&
        e.content["m.relates_to"]?.event_id === listing.event_id &&
        pattern.test(String(e.content["m.new_content"]?.body)),
      `listing ${listing.event_id} edited to ${pattern}`,
    );

  /** A direct message from the bot to this neighbor matching the pattern (in a room other than Sharing). */
  const botSays = (neighbor: NeighborClient, pattern: RegExp, what: string, timeoutMs?: number) =>
    neighbor.waitForEvent(
      (e) => e.sender === bot && e.room_id !== sharing && e.type === "m.room.message" && pattern.test(String(e.content.body)),
      what,
      timeoutMs,
    );

  const isDirect = (neighbor: NeighborClient, roomId: string) =>
    neighbor.seen((e) => e.room_id === roomId && e.type === "m.room.member" && e.state_key === neighbor.userId && e.content.is_direct === true).length > 0;

  test("tomatoes: offer, claim by reaction, the giver promises, a private introduction, handed over, thanks", async () => {
    const posted = await command(ann, "!offer 5 lbs of tomatoes #food until Sunday");
    assert.match(posted, /^Posted #1: 5 lbs of tomatoes \(food, until Sunday, /);
    const listing = await listingMessage(bob, "#1");
    assert.match(listing.content.body, /Offer #1 · food — 5 lbs of tomatoes/);
    assert.match(listing.content.body, /Quantity: 5 lbs · Pickup: this block/);

    await bob.react(sharing, listing.event_id, "👍");
    const asked = await botSays(ann, /@bob:\S+ would like #1 \(5 lbs of tomatoes\)\. To say yes: `!promise 1 @bob:/, "the giver hearing of bob's reaction");
    assert.ok(isDirect(ann, asked.room_id), "the giver is told in a direct chat");
    await botSays(bob, /I told @ann:\S+ you'd like it; the giver chooses who gets it\. You are number 1 on the list\./, "bob's answer by DM");
    await listingEdited(cy, listing, /Status: open · 1 waiting/);

    assert.match(await command(ann, `!promise 1 ${bob.userId}`), /Promised #1 to @bob:\S+\. I opened a private chat for you two/);
    const intro = await botSays(bob, /Hello @ann:\S+ and @bob:\S+! @ann:\S+ is giving this to @bob:\S+ \(#1: 5 lbs of tomatoes\)/, "the introduction");
    await ann.waitForEvent((e) => e.event_id === intro.event_id, "the introduction, seen by the giver too");
    const members = bob.client
      .getRoom(intro.room_id)
      ?.getJoinedMembers()
      .map((member) => member.userId)
      .sort();
    assert.deepEqual(members, [ann.userId, bob.userId, bot].sort(), "the pickup chat is the giver, the taker and the bot");
    await listingEdited(cy, listing, /Status: promised to @bob:/);

    assert.match(await command(ann, "!handed 1"), /Marked #1 as handed over/);
    await listingEdited(cy, listing, /Status: handed over/);

    const thanks = await bob.sendText(sharing, "!thanks 1 they were delicious");
    const note = await cy.waitForReply(sharing, thanks, bot);
    assert.match(note.content.body, /🙏 @bob:\S+ thanks @ann:\S+ for 5 lbs of tomatoes: “they were delicious”/);
  });

  test("lending with a due date: a reminder before, an overdue notice after (the bots' clock moved), returned", async () => {
    const n = await post(cy, "!lend cordless drill #tools pickup: my building");
    const listing = await listingMessage(bob, `#${n}`);
    assert.match(await command(cy, `!lend-out ${n} ${bob.userId} for 2 days`), new RegExp(`Lent #${n} to @bob:\\S+ until `));
    await listingEdited(ann, listing, /Status: on loan to @bob:\S+, due /);
    await botSays(bob, new RegExp(`cordless drill \\(#${n}\\) is lent to @bob:\\S+ until .* Arrange the handover here`), "the lending introduction");

    // Within a quarter of a 2-day loan before it is due, then two hours after.
    await later(2 * day - 6 * hour, () =>
      botSays(bob, new RegExp(`Reminder: cordless drill \\(#${n}\\), borrowed from @cy:\\S+, is due back `), "the due-soon reminder"),
    );
    await later(2 * day + 2 * hour, async () => {
      await botSays(
        bob,
        new RegExp(`cordless drill \\(#${n}\\) was due back .* and is not marked returned yet \\(notice 1 of 3\\)`),
        "the overdue notice to the borrower",
      );
      await botSays(cy, new RegExp(`cordless drill \\(#${n}\\) was due back .* \\(notice 1 of 3\\)`), "the overdue notice to the lender");
    });

    assert.match(await command(bob, `!returned ${n}`), new RegExp(`#${n} is back and available again\\.`));
    await listingEdited(ann, listing, /Status: available/);
  });

  test("an ask is fulfilled: a neighbor helps, the asker closes it from the listing's thread", async () => {
    const n = await post(bob, "!ask a ladder for the weekend #tools");
    const listing = await listingMessage(cy, `#${n}`);
    assert.match(await command(cy, `!claim ${n}`), /Thank you! I opened a private chat with @bob:/);
    await listingEdited(ann, listing, /Status: promised to @cy:/);
    const inThread = await bob.sendEvent(sharing, "m.room.message", {
      msgtype: "m.text",
      body: "!fulfilled",
      "m.relates_to": { rel_type: "m.thread", event_id: listing.event_id },
    });
    const done = await bob.waitForEvent((e) => e.sender === bot && repliesTo(e) === inThread, "the answer in the thread");
    assert.match(done.content.body, new RegExp(`Marked #${n} as fulfilled`));
    await listingEdited(ann, listing, /Status: fulfilled/);
  });

  test("permission denials: someone else's listing, a non-moderator; the operator, a moderator, may cancel", async () => {
    const n = await post(ann, "!offer sofa #household");
    const listing = await listingMessage(bob, `#${n}`);
    assert.match(await command(bob, `!cancel ${n}`), new RegExp(`Only the neighbor who posted it or a room moderator can do that with #${n}`));
    assert.match(await command(bob, `!promise ${n} ${cy.userId}`), new RegExp(`Only the neighbor who posted it can do that with #${n}`));
    assert.match(await command(bob, `!unshare ${n}`), new RegExp(`Only the neighbor who posted it or a room moderator can do that with #${n}`));
    assert.match(await command(ann, `!claim ${n}`), new RegExp(`#${n} is your own listing`));
    assert.match(await command(bob, "!sharing-default shared"), /^Only room moderators \(power level 50 or more\)/);
    assert.match(await command(operator, `!cancel ${n}`), new RegExp(`Cancelled #${n}`));
    await listingEdited(bob, listing, /Status: cancelled/);
    await botSays(ann, new RegExp(`A moderator \\(${operator.userId}\\) cancelled your listing #${n} \\(sofa\\)`), "the owner told of the cancellation");
  });

  test("expiry: food lasts three days; the owner is told and the listing shows expired", async () => {
    const n = await post(ann, "!offer bread #food");
    const listing = await listingMessage(bob, `#${n}`);
    await later(3 * day + 60_000, async () => {
      await listingEdited(bob, listing, /Status: expired/);
      await botSays(ann, new RegExp(`Your listing #${n} \\(bread\\) has expired\\. To put it up again: \`!renew ${n}\``), "the expiry notice");
    });
    assert.doesNotMatch(await command(cy, "!list"), /bread/);
  });

  test("a restart in the middle of a loan loses nothing: the overdue notice that fell due meanwhile comes after start", async () => {
    const n = await post(ann, "!lend tent #household");
    const listing = await listingMessage(cy, `#${n}`);
    assert.match(await command(ann, `!lend-out ${n} ${cy.userId} for 1 day`), new RegExp(`Lent #${n} to @cy:`));
    await listingEdited(bob, listing, /Status: on loan to @cy:/);
    // The box is down when the loan falls due: the notice comes once it is back (the bots start before Synapse).
    try {
      await block.restart(() => void (clock.offset = day + 2 * hour));
      await botSays(cy, new RegExp(`tent \\(#${n}\\) was due back .* \\(notice 1 of 3\\)`), "the overdue notice after the restart", 40_000);
      await botSays(ann, new RegExp(`tent \\(#${n}\\) was due back .* \\(notice 1 of 3\\)`), "the overdue notice to the lender after the restart");
    } finally {
      clock.offset = 0;
    }
    assert.equal(cy.seen((e) => e.sender === bot && /Reminder: tent/.test(String(e.content.body))).length, 0, "no stale 'due soon' after the due date");
    assert.match(await command(ann, `!returned ${n}`), new RegExp(`#${n} is back and available again`));
    await listingEdited(bob, listing, /Status: available/);
    assert.match(await command(bob, "!offer lamp"), new RegExp(`^Posted #${n + 1}:`), "numbers continue after the restart");
  });

  test("malformed commands and dates get a reply saying what is accepted", async () => {
    const posted = await command(cy, "!lend ladder #tools");
    const id = /^Posted #(\d+)/.exec(posted)?.[1];
    assert.ok(id, posted);
    const cases: [string, RegExp][] = [
      ["!offer tomatoes until blorp", /I couldn't read the date “until blorp”\. I understand dates like “until Sunday”/],
      ["!offer chairs #furnitures", /I don't know the tag #furnitures\. Tags I know: #food #tools/],
      ["!offer -3 chairs", /I couldn't read the quantity “-3”: it must be a number from 1 to 9999/],
      ["!offer chairs pickup: 12 Maple Street", /Please don't post a street address/],
      ["!offer", /`what` is missing\. Usage: `!offer <what…>`/],
      ["!claim abc", /`id` must be a listing number like #12/],
      ["!claim 99", /I can't find listing #99/],
      [`!lend-out ${id} bob for 2 days`, /`borrower` must be a full Matrix ID/],
      [`!lend-out ${id} ${bob.userId} until the cows come home`, /I couldn't read the date “until the cows come home”/],
    ];
    for (const [body, pattern] of cases) assert.match(await command(cy, body), pattern, body);
  });
  test("in Spanish: two neighbors choose it with !idioma es, then the tomatoes story; every bot message to them is the Spanish catalog's, dates in Spanish", async () => {
    const es = speaker("es", block.running.neighborhood.time_zone);
    const [dee, eve] = [await block.addNeighbor("dee"), await block.addNeighbor("eve")];
    for (const neighbor of [dee, eve]) {
      await neighbor.waitForEvent(
        (e) => e.room_id === sharing && e.type === "m.room.member" && e.state_key === neighbor.userId && e.content.membership === "join",
        `${neighbor.userId} in Sharing`,
      );
      assert.equal(await command(neighbor, "!idioma es"), es.plain("language.changed", { language: "Español" }));
    }
    const what = "5 kg de tomates #food hasta el domingo";
    const reading = readListingText(what, Date.now());
    assert.ok(reading.ok);
    const posted = await command(dee, `!ofrecer ${what}`);
    const n = Number(/^Publiqué #(\d+)/.exec(posted)?.[1]);
    const [id, title, number] = [`#${n}`, "5 kg de tomates", String(n)];
    assert.equal(
      posted,
      es.plain("share.post.posted", { id, title, category: "comida", until: new Date(reading.draft.expiresAt), shared: "no", close: `!entregado ${n}` }),
    );
    assert.match(
      posted,
      /hasta el domingo, \d{1,2} de (enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre), \d{1,2}:\d\d/,
      "the date in Spanish",
    );
    const listing = await listingMessage(eve, id);
    assert.match(listing.content.body, new RegExp(`Offer ${id} · food — ${title}`), "the listing is the block's (English) post");

    // Each private message from the bot, waited for by its exact Spanish text.
    const dm = (neighbor: NeighborClient, text: string, whatFor: string) =>
      neighbor.waitForEvent((e) => e.sender === bot && e.room_id !== sharing && e.type === "m.room.message" && String(e.content.body) === text, whatFor);
    const expected = {
      wouldLike: es.plain("share.notice.wouldLike", { who: eve.userId, id, title, command: `!prometer ${n} ${eve.userId}` }),
      onList: es.plain("share.action.onOfferList", { owner: dee.userId, place: 1, number }),
      intro: es.plain("share.intro.giving", {
        id,
        title,
        number,
        owner: dee.userId,
        taker: eve.userId,
        ownerId: dee.userId,
        takerId: eve.userId,
        area: "esta cuadra",
      }),
      thanked: es.plain("share.thanks.done"),
    };
    await eve.react(sharing, listing.event_id, "👍");
    await dm(dee, expected.wouldLike, "the giver hearing of eve's 👍, in Spanish");
    const eveChat = await dm(eve, expected.onList, "eve's answer by DM, in Spanish");

    assert.equal(await command(dee, `!prometer ${n} ${eve.userId}`), es.plain("share.action.promised", { id, to: eve.userId }));
    const intro = await dm(eve, expected.intro, "the pickup chat's first message, in their shared language");
    await dee.waitForEvent((e) => e.event_id === intro.event_id, "the introduction, seen by the giver too");
    assert.equal(await command(dee, `!entregado ${n}`), es.plain("share.action.closed", { id, state: es.plain("share.state.handedOver"), number }));
    await listingEdited(eve, listing, /Status: handed over/);

    // Thanks from her chat with the bot: the note goes to the Sharing room (the block's language), the answer to her in Spanish.
    assert.equal(await command(eve, `!gracias ${n} estaban deliciosos`, eveChat.room_id), expected.thanked);
    await eve.waitForEvent(
      (e) =>
        e.room_id === sharing &&
        e.sender === bot &&
        String(e.content.body) ===
          sayPlain("en", "share.thanks.note.postedFor", { sender: eve.userId, thanked: dee.userId, title, note: "estaban deliciosos" }),
      "the thank-you note",
    );

    // Everything the bot said to either of them outside the Sharing room came from the Spanish catalog.
    const spanish = new Set([...Object.values(expected), es.plain("language.changed", { language: "Español" })]);
    for (const neighbor of [dee, eve]) {
      for (const event of neighbor.seen((e) => e.sender === bot && e.room_id !== sharing && e.type === "m.room.message"))
        assert.ok(spanish.has(String(event.content.body)), String(event.content.body));
    }
  });
});
