// The share bot's words: every action outcome, notice and introduction said in English and Spanish from
// the catalogs (checked against sayPlain, not hard-coded sentences); refusals name commands, never the
// table's actions; !mine marks what is the neighbor's own and what they wait for; a Spanish neighbor's
// story with the fake block.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Language } from "../../framework/languages.ts";
import { sayPlain, speaker } from "../../framework/speak.ts";
import { lifecycle, type LifecycleAction } from "../domain/lifecycle.ts";
import type { ActionNotice, ActionReply, Introduction } from "../domain/listingDecisions.ts";
import type { Listing, ListingKind, ListingState } from "../domain/listing.ts";
import { readListingText } from "../domain/listingText.ts";
import { commandOfAction } from "../chat/actionCommands.ts";
import { listingLine, renderListing } from "../chat/listingMessage.ts";
import { chatReplyText, draftProblemText, introductionText, noticeText, replyText, stateWord, type ChatReply } from "../chat/shareWords.ts";
import { createFakeBlock, listingEvent, sharingRoom } from "./shareTestKit.ts";

const alice = "@alice:block.test";
const bob = "@bob:block.test";
const carol = "@carol:block.test";
const languages: readonly Language[] = ["en", "es"];
const named = { id: "#3", title: "reading lamp" };
const at = Date.UTC(2025, 5, 4, 12);

const listing: Listing = {
  key: "block.test/3",
  number: 3,
  home: "block.test",
  kind: "offer",
  state: "open",
  title: "reading lamp",
  category: "household",
  area: "this block",
  visibility: "block",
  firstCome: false,
  owner: alice,
  createdAt: 0,
  expiresAt: at,
  changedAt: 0,
  queue: [],
  bids: [],
};

const replies: ActionReply[] = [
  { kind: "not-now", state: "handed-over", listingKind: "offer", actions: [] },
  { kind: "not-now", state: "open", listingKind: "offer", actions: ["promise", "claim-first-come", "interest", "hand-over", "lend-out"] },
  { kind: "own-listing" },
  ...(["owner", "party", "staff", "neighbor", "system"] as const).map((actor): ActionReply => ({ kind: "only-actor", actor })),
  { kind: "changed-meanwhile" },
  { kind: "name-whom", action: "promise" },
  { kind: "name-whom", action: "lend-out" },
  { kind: "cannot-take-part", problem: { kind: "block-only" }, target: bob, action: "promise" },
  { kind: "cannot-take-part", problem: { kind: "home-keeps-claims", home: "oak.test" }, target: bob, action: "lend-out" },
  { kind: "cannot-take-part", problem: { kind: "weekly-claims", recent: 1, max: 1 } },
  { kind: "cannot-take-part", problem: { kind: "too-many-open", open: 2, max: 2 } },
  { kind: "cannot-take-part", problem: { kind: "own-listing" } },
  { kind: "cannot-take-part", problem: { kind: "unknown-block" } },
  { kind: "promised", to: bob },
  { kind: "yours", owner: alice },
  { kind: "already-on-list" },
  { kind: "on-list", owner: alice, place: 2, listingKind: "offer" },
  { kind: "on-list", owner: alice, place: 1, listingKind: "lend" },
  { kind: "helping", owner: alice },
  { kind: "released" },
  { kind: "closed", state: "handed-over", listingKind: "offer" },
  { kind: "closed", state: "fulfilled", listingKind: "ask" },
  { kind: "lent", to: bob, until: at },
  { kind: "returned" },
  { kind: "date-past", loan: true },
  { kind: "date-past", loan: false },
  { kind: "loan-renewed", until: at },
  { kind: "renewed", until: at },
  { kind: "cancelled" },
  { kind: "already-block-only" },
  { kind: "taker-elsewhere", state: "on-loan", listingKind: "lend", taker: "@dan:oak.test" },
  { kind: "unshared" },
  { kind: "already-shared" },
  { kind: "shared" },
  { kind: "hold-already-confirmed", owner: alice },
  { kind: "hold-confirmed", owner: alice },
  { kind: "withdrawn", owner: alice, ownerTold: true },
  { kind: "withdrawn", owner: alice, ownerTold: false },
  { kind: "not-waiting" },
];

const notices: ActionNotice[] = [
  { kind: "would-like", to: alice, who: bob },
  { kind: "released", to: bob },
  { kind: "loan-renewed", to: bob, until: at },
  { kind: "cancelled-by-moderator", to: alice, moderator: carol },
  { kind: "cancelled", to: bob },
  { kind: "unshared-off-list", to: bob },
  { kind: "expired", to: alice },
  { kind: "nobody-else-waiting", to: alice },
  { kind: "your-turn", to: bob, until: at },
  { kind: "next-in-line", to: alice, who: bob, until: at },
  { kind: "hold-confirmed", to: alice, who: bob },
  { kind: "turn-lapsed", to: bob },
  { kind: "no-longer-wants", to: alice, who: bob },
  { kind: "due-soon", to: bob, due: at },
  { kind: "overdue", to: alice, due: at, round: 2, borrower: bob },
  { kind: "promise-lost", to: bob, winner: carol, otherBlock: undefined },
  { kind: "promise-lost", to: bob, winner: carol, otherBlock: "oak.test" },
];

const introductions: Introduction[] = [
  { kind: "giving", taker: bob },
  { kind: "first-come", taker: bob },
  { kind: "helping", taker: bob },
  { kind: "lending", taker: bob, until: at },
];

test("every reply, notice and introduction is said in English and Spanish, differently, with the listing and the neighbors in it", () => {
  for (const reply of replies) {
    const [english, spanish] = languages.map((language) => replyText(speaker(language, "UTC"), named, reply).text);
    assert.ok(english !== undefined && english !== "" && spanish !== undefined && spanish !== "", reply.kind);
    assert.notEqual(english, spanish, `${reply.kind} is translated`);
    if ("to" in reply) assert.ok(english.includes(reply.to) && spanish.includes(reply.to), `${reply.kind} names the neighbor`);
  }
  for (const notice of notices) {
    const [english, spanish] = languages.map((language) => noticeText(speaker(language, "UTC"), named, notice, listing).text);
    assert.notEqual(english, spanish, notice.kind);
    assert.ok(english?.includes("#3") && spanish?.includes("#3"), `${notice.kind} names the listing`);
  }
  for (const introduction of introductions) {
    const [english, spanish] = languages.map((language) => introductionText(speaker(language, "UTC"), named, introduction, listing).text);
    assert.notEqual(english, spanish, introduction.kind);
    assert.ok(english?.includes(bob) && spanish?.includes(alice), `${introduction.kind} greets both`);
  }
});

test("the chat layer's own replies (posted, which listing, not found, unreadable date, lost pickup) are said by shareWords in English and Spanish", () => {
  const chatReplies: [ChatReply, (language: Language) => string][] = [
    [
      { kind: "posted", id: "#3", number: 3, title: "reading lamp", category: "household", until: at, visibility: "shared", listingKind: "offer" },
      (language) =>
        sayPlain(language, "share.post.posted", {
          id: "#3",
          title: "reading lamp",
          category: sayPlain(language, "share.category", { category: "household" }),
          until: new Date(at),
          shared: "yes",
          close: `${sayPlain(language, "share.command.handed")} 3`,
        }),
    ],
    [{ kind: "which" }, (language) => sayPlain(language, "share.listingRef.which")],
    [{ kind: "not-found", ref: "#9.oak" }, (language) => sayPlain(language, "share.listingRef.notFound", { ref: "#9.oak" })],
    [
      { kind: "unreadable-until", phrase: "someday" },
      (language) => sayPlain(language, "share.dates.unreadable", { phrase: "someday", dates: sayPlain(language, "share.dates.accepted") }),
    ],
    [{ kind: "pickup-lost", id: "#3", winner: carol }, (language) => sayPlain(language, "share.settle.pickupLost", { id: "#3", winner: carol })],
  ];
  for (const [reply, expected] of chatReplies) {
    const [english, spanish] = languages.map((language) => chatReplyText(speaker(language, "UTC"), reply).text);
    assert.equal(english, expected("en"), reply.kind);
    assert.equal(spanish, expected("es"), reply.kind);
    assert.notEqual(english, spanish, `${reply.kind} is translated`);
  }
  // The lend kind closes with !cancel in the reader's words.
  const lent = chatReplyText(speaker("es", "UTC"), {
    kind: "posted",
    id: "#4",
    number: 4,
    title: "ladder",
    category: "tools",
    until: at,
    visibility: "block",
    listingKind: "lend",
  });
  assert.ok(lent.text.includes(`${sayPlain("es", "share.command.cancel")} 4`), lent.text);
});

test("dates are said in the reader's language and the block's time zone", () => {
  const lent: ActionReply = { kind: "lent", to: bob, until: at };
  assert.match(replyText(speaker("en", "UTC"), named, lent).text, /until Wednesday, June 4, 12:00 PM/);
  assert.match(replyText(speaker("es", "UTC"), named, lent).text, /hasta el miércoles, 4 de junio, 12:00/);
  assert.match(replyText(speaker("en", "America/New_York"), named, lent).text, /until Wednesday, June 4, 8:00 AM/);
});

test("a refusal names the commands that work now in the reader's words, never the table's action names", () => {
  for (const language of languages) {
    const commandWords = new Set(Object.values(commandOfAction).flatMap((key) => (key === undefined ? [] : [sayPlain(language, key)])));
    for (const kind of Object.keys(lifecycle) as ListingKind[]) {
      for (const state of Object.keys(lifecycle[kind]) as ListingState[]) {
        const actions = Object.keys(lifecycle[kind][state] ?? {}) as LifecycleAction[];
        const text = replyText(speaker(language, "UTC"), named, { kind: "not-now", state, listingKind: kind, actions }).text;
        for (const [word] of text.matchAll(/![a-z-]+/gu)) assert.ok(commandWords.has(word), `${language} ${kind} ${state}: ${word} is a command`);
        assert.doesNotMatch(text, /claim-first-come|hand-over|fulfil\b|interest|\bexpire\b/u, `${language} ${kind} ${state}`);
      }
    }
  }
  const open = replyText(speaker("es", "UTC"), named, {
    kind: "not-now",
    state: "open",
    listingKind: "offer",
    actions: ["promise", "claim-first-come", "interest"],
  }).text;
  assert.equal(
    open,
    sayPlain("es", "share.action.notNowCommands", { id: "#3", state: sayPlain("es", "share.state.open", { kind: "offer" }), commands: "!prometer, !quiero" }),
  );
});

test("a listing text that cannot be read is explained in the neighbor's language, with an example; a past weekday is refused", () => {
  const now = Date.UTC(2025, 4, 29, 12);
  const past = readListingText("tomates hasta el martes pasado", now);
  assert.deepEqual(past, { ok: false, problem: { kind: "past-date" } });
  assert.deepEqual(readListingText("tomatoes until last Tuesday", now), { ok: false, problem: { kind: "past-date" } });
  const reading = readListingText("sillas #mueble", now);
  assert.ok(!reading.ok);
  const spanish = draftProblemText(speaker("es", "UTC"), reading.problem, "offer").text;
  assert.equal(
    spanish,
    `${sayPlain("es", "share.text.unknownTags", { tags: "#mueble", known: sayPlain("es", "share.text.knownTags") })} ${sayPlain("es", "share.post.example", { example: sayPlain("es", "share.offer.example") })}`,
  );
  const found = readListingText("5 kg de tomates #comida hasta el domingo entrega: mi edificio al primero que lo pida", now);
  assert.ok(found.ok, JSON.stringify(found));
  assert.deepEqual(found.draft, {
    title: "5 kg de tomates",
    quantity: "5 kg",
    category: "food",
    area: "mi edificio",
    firstCome: true,
    expiresAt: new Date(2025, 5, 1, 23, 59).getTime(),
  });
  assert.deepEqual(readListingText("bici #niños #compartida en Calle Olmo 12", now), { ok: false, problem: { kind: "street-address" } });
});

test("the listing message and its !list line, for every kind and state, in the block's language", () => {
  const states: ListingState[] = ["open", "promised", "handed-over", "fulfilled", "on-loan", "cancelled", "expired"];
  for (const kind of ["offer", "ask", "lend"] as const) {
    for (const state of states) {
      const shown = {
        ...listing,
        kind,
        state,
        promisedTo: state === "promised" ? bob : undefined,
        borrower: state === "on-loan" ? bob : undefined,
        dueAt: state === "on-loan" ? at : undefined,
        queue: [carol],
        photo: "mxc://block.test/abc",
      };
      for (const language of languages) {
        const say = speaker(language, "UTC");
        const text = renderListing(say, shown, "block.test").text;
        const said = stateWord(say, kind, state);
        assert.ok(
          text.includes(sayPlain(language, `share.kind.${kind}`)) && text.includes(said) && text.includes(sayPlain(language, "share.listing.photo")),
          `${language} ${kind} ${state}: ${text}`,
        );
        assert.ok(listingLine(say, shown, "block.test").text.includes(said));
      }
      assert.doesNotMatch(
        renderListing(speaker("es", "UTC"), shown, "block.test").text,
        /Status|Pickup|From |waiting|Questions/u,
        `${kind} ${state} in Spanish`,
      );
    }
  }
  assert.match(
    renderListing(speaker("es", "UTC"), { ...listing, kind: "lend", state: "on-loan", borrower: bob, dueAt: at }, "block.test").text,
    /Estado: prestada a @bob:block.test, vence el miércoles, 4 de junio, 12:00/,
  );
});

test("each language's examples post a listing as they are written", async () => {
  for (const language of languages) {
    const block = createFakeBlock();
    block.context.community.setLanguage(alice, language);
    for (const [index, kind] of (["offer", "ask", "lend"] as const).entries()) {
      const example = sayPlain(language, `share.${kind}.example`);
      await block.say(alice, example);
      assert.ok(
        block.posted.some((message) => message.roomId === sharingRoom && message.text.includes(` #${index + 1} ·`)),
        `${language}: ${example}`,
      );
    }
  }
});

test("the tags each language names are tags the bot reads", () => {
  for (const language of languages) {
    for (const tag of sayPlain(language, "share.text.knownTags").split(" ")) assert.ok(readListingText(`lamp ${tag}`, 0).ok, `${language}: ${tag}`);
  }
});

test("!mine marks the neighbor's own listings, what is promised or lent to them, and what they wait for", async () => {
  const block = createFakeBlock();
  await block.say(alice, "!offer reading lamp");
  await block.say(bob, "!offer garden chairs #household");
  await block.say(bob, "!lend ladder #tools");
  await block.say(alice, `!claim 2`);
  await block.say(bob, `!promise 2 ${alice}`);
  await block.say(alice, "!hold 3");
  const [mine = ""] = await block.say(alice, "!mine");
  const own = mine.indexOf(sayPlain("en", "share.mine.own"));
  const taking = mine.indexOf(sayPlain("en", "share.mine.taking"));
  const waiting = mine.indexOf(sayPlain("en", "share.mine.waiting"));
  assert.ok(own >= 0 && taking > own && waiting > taking, mine);
  assert.ok(mine.indexOf("reading lamp") > own && mine.indexOf("reading lamp") < taking, "her own offer under her listings");
  assert.ok(mine.indexOf("garden chairs") > taking && mine.indexOf("garden chairs") < waiting, "the chairs promised to her");
  assert.ok(mine.indexOf("ladder") > waiting, "the ladder she waits for");
});

test("a Spanish-speaking neighbor: Spanish commands, replies, DMs and the giver's notice each in their reader's language", async () => {
  const block = createFakeBlock();
  block.context.community.setLanguage(bob, "es");
  const posted = (await block.say(bob, "!ofrecer 5 kg de tomates #food hasta el domingo")).join("\n");
  assert.match(posted, /Publiqué #1: 5 kg de tomates \(comida, hasta el domingo, 1 de junio, 23:59, solo esta cuadra\)/);
  assert.match(block.listingText(listingEvent(block, "#1")), /Offer #1 · food — 5 kg de tomates/, "the listing is in the block's language");
  await block.say(alice, "!lend drill #tools");
  const claimed = (await block.say(bob, "!quiero 2")).at(-1);
  assert.equal(claimed, sayPlain("es", "share.action.inLine", { owner: alice, place: 1, number: "2" }));
  assert.match(block.dmTexts(alice).join("\n"), /@bob:block.test would like #2 \(drill\)\. To say yes: `!lend-out 2 @bob:block.test for 1 week`/);
  const lent = (await block.say(alice, `!lend-out 2 ${bob} for 1 week`)).join("\n");
  assert.match(lent, /Lent #2 to @bob:block.test until /);
  assert.match((await block.say(bob, "!mias")).join("\n"), /Prometido o prestado a ti/);
  assert.match(
    (await block.say(bob, "!entregado 2")).at(-1) ?? "",
    /^#2 está prestada, así que eso no se puede hacer ahora\. Comandos que sirven ahora: !devuelto, !renovar, !esperar, !quiero, !retirar, !no-compartir, !compartir\.$/,
  );
});
