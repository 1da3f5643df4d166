import { test } from "node:test";
import assert from "node:assert/strict";
import { applyBindingChange, readBindingChange } from "../bindingChanges.ts";
import { decideBallot } from "../castBallot.ts";
import { readBallot } from "../readBallot.ts";
import { readPollRequest, type PollRequest, type PollRequestProblem } from "../readPollRequest.ts";
import { newReceiptCode, publishedReceipts } from "../receipts.ts";
import { createFakeBotContext } from "../../framework/testing/fakeBotContext.ts";
import { supportedLanguages } from "../../framework/languages.ts";
import { sayPlain, speaker } from "../../framework/speak.ts";
import { startPollSpecs } from "../startPollCommands.ts";
import type { MessageRef } from "../../framework/speak.ts";
import { appliedWords, requestProblemWords } from "../pollWords.ts";

// Problems are catalog messages; these tests read them as an English speaker would.
const english = speaker("en", "UTC");
const said = (problem: PollRequestProblem | MessageRef) => requestProblemWords(english, problem).text;
// Wednesday 9 December 2026, noon UTC.
const clock = { now: Date.UTC(2026, 11, 9, 12), timeZone: "UTC" };

function request(kind: PollRequest["kind"], text: string): PollRequest {
  const reading = readPollRequest(kind, text, clock);
  assert.ok(reading.ok, reading.ok ? "" : said(reading.problem));
  return reading.request;
}

function problem(kind: PollRequest["kind"], text: string): string {
  const reading = readPollRequest(kind, text, clock);
  assert.ok(!reading.ok, `expected a problem for ${text}`);
  return said(reading.problem);
}

function ballotProblem(reading: ReturnType<typeof readBallot>): string {
  assert.ok(!reading.ok);
  return "unknownWord" in reading ? `"${reading.unknownWord}" is not an option` : said(reading.problem);
}

test("a proposal reads its question, deadline, threshold and quorum in natural order", () => {
  const read = request("proposal", "Quiet hours from 10pm closes in 7 days threshold two-thirds quorum 50%");
  assert.equal(read.question, "Quiet hours from 10pm");
  assert.equal(read.durationMs, 7 * 86_400_000);
  assert.equal(read.threshold, "two-thirds");
  assert.equal(read.quorumPercent, 50);
  assert.deepEqual(
    read.options.map((option) => option.id),
    ["agree", "disagree", "abstain"],
  );
  assert.equal(request("proposal", "Quiet hours threshold 2/3 closes in 20 seconds secret").secret, true);
});

test("defaults: closes in 7 days, simple majority, no quorum", () => {
  const read = request("proposal", "Paint the fence");
  assert.deepEqual([read.durationMs, read.threshold, read.quorumPercent], [7 * 86_400_000, "majority", 0]);
});

test("a poll reads quoted questions, options and pick; words like 'pick up' stay in the question", () => {
  const lunch = request("choose", '"Lunch?" options: pizza, tacos, soup closes in 2 days pick 2');
  assert.equal(lunch.question, "Lunch?");
  assert.deepEqual(lunch.options, [
    { id: "a", label: "pizza" },
    { id: "b", label: "tacos" },
    { id: "c", label: "soup" },
  ]);
  assert.equal(lunch.maxSelections, 2);
  assert.equal(request("choose", "Who will pick up the keys options: Ann, Bob closes in a day").question, "Who will pick up the keys");
  assert.equal(request("proposal", "Lower the noise threshold for alerts closes in 2 days").question, "Lower the noise threshold for alerts");
});

test("unreadable input gets a reason", () => {
  assert.match(problem("proposal", "Quiet hours closes in forever"), /closes in 7 days/);
  assert.match(problem("proposal", "Quiet hours threshold 60%"), /majority, two-thirds/);
  assert.match(problem("proposal", "Quiet hours quorum 150%"), /quorum 50%/);
  assert.match(problem("choose", "Lunch? options: pizza"), /at least 2 options/);
  assert.match(problem("choose", "Lunch? options: pizza, soup pick 3"), /"pick" must be from 1 to the number of options/);
  assert.match(problem("consent", "Paint it threshold two-thirds"), /does not take "threshold …"/);
  assert.match(problem("proposal", "Quiet hours closes in 2 days closes in 3 days"), /given twice/);
  assert.match(problem("proposal", "Quiet hours threshold two-thirds threshold majority"), /given twice/);
  assert.match(problem("proposal", "Quiet hours closes in 5 seconds"), /from 10 seconds/);
});

test("binding proposals: sharing limits and pact changes; near misses get a reason; consent cannot bind", () => {
  const limit = request("proposal", "set sharing.max_open_listings to 5 closes in 3 days");
  assert.deepEqual(limit.binding, { kind: "sharing-limit", setting: "maxOpenListings", value: 5, name: "sharing.max_open_listings" });
  assert.equal(limit.quorumPercent, 50, "binding proposals need half the members unless told otherwise");
  assert.deepEqual(request("proposal", "add neighbor elm.mesh at 10.0.2.1 closes in 7 days").binding, {
    kind: "pact-add",
    member: { serverName: "elm.mesh", address: "10.0.2.1" },
  });
  assert.deepEqual(readBindingChange("remove neighbor elm.mesh"), { ok: true, change: { kind: "pact-remove", serverName: "elm.mesh" } });
  assert.deepEqual(readBindingChange("set sharing.pact_neighbors_may_claim to no"), {
    ok: true,
    change: { kind: "sharing-limit", setting: "pactNeighborsMayClaim", value: false, name: "sharing.pact_neighbors_may_claim" },
  });
  assert.match(problem("proposal", "set sharing.max_open_listings to lots"), /whole number/);
  assert.deepEqual(readBindingChange("set sharing.pact_neighbors_may_claim to sí"), {
    ok: true,
    change: { kind: "sharing-limit", setting: "pactNeighborsMayClaim", value: true, name: "sharing.pact_neighbors_may_claim" },
  });
  assert.match(problem("proposal", "set sharing.colour to blue"), /don't know the setting/);
  assert.match(problem("consent", "set sharing.max_open_listings to 5"), /use `!propose`/);
  assert.equal(request("proposal", "Set up a tool library").binding, undefined);
});

test("applying binding changes goes through the community; a failure is reported, not thrown", async () => {
  const context = createFakeBotContext();
  const limit = { kind: "sharing-limit", setting: "maxClaimsPerWeek", value: 3, name: "sharing.max_claims_per_week" } as const;
  assert.deepEqual(await applyBindingChange(limit, context.community), { ok: true, change: limit });
  assert.equal(appliedWords(english, { ok: true, change: limit }).text, "Applied: sharing.max_claims_per_week becomes 3.");
  assert.equal(context.community.sharingLimits().maxClaimsPerWeek, 3);
  await applyBindingChange({ kind: "pact-add", member: { serverName: "elm.mesh", address: "10.0.2.1" } }, context.community);
  assert.deepEqual(context.community.pact(), [{ serverName: "elm.mesh", address: "10.0.2.1" }]);
  const failing = {
    ...context.community,
    changePact: async () => {
      throw new Error("elm.mesh is unreachable");
    },
  };
  const refused = await applyBindingChange({ kind: "pact-remove", serverName: "elm.mesh" }, failing);
  assert.deepEqual(refused, { ok: false, change: { kind: "pact-remove", serverName: "elm.mesh" }, error: "elm.mesh is unreachable" });
  assert.match(appliedWords(english, refused).text, /Could not apply.*unreachable/);
});

test("a norms proposal carries the new text, line breaks kept; empty, over-long or unquoted norms get a plain reason", () => {
  const norms = request("proposal", 'norms "Be kind.\nNo selling on the sharing board.\n\n\n\nPrivate chats stay private." closes in 20 seconds');
  assert.deepEqual(norms.binding, { kind: "norms", text: "Be kind.\nNo selling on the sharing board.\n\nPrivate chats stay private." });
  assert.equal(norms.quorumPercent, 50, "a binding proposal");
  assert.equal(norms.durationMs, 20_000, "the clause after the quoted text is read");
  assert.deepEqual(readBindingChange('set the norms to "Be kind"'), { ok: true, change: { kind: "norms", text: "Be kind" } });
  assert.deepEqual(readBindingChange("Norms: “Be kind. Share fairly.”"), { ok: true, change: { kind: "norms", text: "Be kind. Share fairly." } });
  // Longer than an ordinary question (340), and saying "closes in" inside the quotes, is fine for norms.
  const long = `${"Share the ladder, then bring it back. ".repeat(20).trim()}\nThe garden closes in winter.`;
  assert.equal(request("proposal", `norms "${long}"`).binding?.kind, "norms");
  assert.match(problem("proposal", 'norms "   "'), /The new norms are empty: write them between the quotes/);
  assert.match(problem("proposal", `norms "${"x".repeat(1001)}"`), /at most 1,000 characters; this text has 1,001/);
  assert.match(problem("proposal", "norms: be kind to each other"), /Put the new norms in quotes/);
  assert.match(problem("proposal", "norms"), /Put the new norms in quotes/);
  assert.match(problem("consent", 'norms "Be kind"'), /use `!propose`/);
  assert.equal(request("proposal", "Norms for the garden party?").binding, undefined, "an ordinary question that starts with the word");
});

test("a passed norms change is applied through the community", async () => {
  const context = createFakeBotContext();
  assert.match(
    appliedWords(english, await applyBindingChange({ kind: "norms", text: "Be kind.\nShare fairly." }, context.community)).text,
    /^Applied: the block's norms become/,
  );
  assert.equal(context.community.norms(), "Be kind.\nShare fairly.");
});

test("DM ballots are read by letter, id or the option's words, and checked against the kind", () => {
  const lunch = {
    kind: "choose" as const,
    maxSelections: 2,
    options: [
      { id: "a", label: "pizza" },
      { id: "b", label: "tacos" },
      { id: "c", label: "soup" },
    ],
  };
  assert.deepEqual(readBallot(lunch, "A C"), { ok: true, choices: ["a", "c"] });
  assert.deepEqual(readBallot(lunch, "soup"), { ok: true, choices: ["c"] });
  assert.match(ballotProblem(readBallot(lunch, "A B C")), /from 1 to 2 options/);
  assert.deepEqual(readBallot(lunch, "D"), { ok: false, unknownWord: "D" });
  const ranked = { ...lunch, kind: "ranked" as const, maxSelections: 1 };
  assert.deepEqual(readBallot(ranked, "B > A > C"), { ok: true, choices: ["b", "a", "c"] });
  assert.match(ballotProblem(readBallot(ranked, "B B")), /twice/);
  const proposal = {
    kind: "proposal" as const,
    maxSelections: 1,
    options: [
      { id: "agree", label: "Agree" },
      { id: "disagree", label: "Disagree" },
      { id: "abstain", label: "Abstain" },
    ],
  };
  assert.deepEqual(readBallot(proposal, "Agree"), { ok: true, choices: ["agree"] });
  // In Spanish too, whatever the voter's language: the answer's name in any catalog, or a short word.
  assert.deepEqual(readBallot(proposal, "a favor"), { ok: true, choices: ["agree"] });
  assert.deepEqual(readBallot(proposal, "Me abstengo"), { ok: true, choices: ["abstain"] });
  assert.deepEqual(readBallot(proposal, "en-contra"), { ok: true, choices: ["disagree"] });
  assert.ok(!readBallot(proposal, "agree disagree").ok);
});

test("receipts are random readable codes; the published list drops voters and is sorted by code", () => {
  const codes = new Set(Array.from({ length: 500 }, newReceiptCode));
  assert.equal(codes.size, 500);
  for (const receipt of codes) assert.match(receipt, /^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
  const published = publishedReceipts([
    { receipt: "ZZZZ-0000-0000", choices: ["agree"], ts: 1 },
    { receipt: "AAAA-0000-0000", choices: ["disagree"], ts: 2 },
  ]);
  assert.deepEqual(published, [
    { receipt: "AAAA-0000-0000", choices: ["disagree"] },
    { receipt: "ZZZZ-0000-0000", choices: ["agree"] },
  ]);
});

test("a close given as a day: the coming one, at the end of that day; a past day is refused, in both languages, never moved on", () => {
  const friday = request("proposal", "Fix the gate until Friday");
  assert.equal(friday.question, "Fix the gate");
  assert.equal(clock.now + friday.durationMs, Date.UTC(2026, 11, 11, 23, 59), "Friday 11 December, end of the day");
  assert.equal(clock.now + request("proposal", "Arreglar la reja hasta el viernes").durationMs, Date.UTC(2026, 11, 11, 23, 59));
  // The block's time zone decides when a day ends.
  const newYork = readPollRequest("proposal", "Fix the gate until Friday", { ...clock, timeZone: "America/New_York" });
  assert.ok(newYork.ok && clock.now + newYork.request.durationMs === Date.UTC(2026, 11, 12, 4, 59));

  for (const [text, language] of [
    ["Fix the gate until last Tuesday", "en"],
    ["Arreglar la reja hasta el martes pasado", "es"],
  ] as const) {
    const reading = readPollRequest("proposal", text, clock);
    assert.ok(!reading.ok, `${text} is refused`);
    assert.equal("key" in reading.problem && reading.problem.key, "polls.problem.pastDate");
    const said = requestProblemWords(speaker(language, "UTC"), reading.problem).text;
    assert.match(
      said,
      language === "en"
        ? /“until last Tuesday” is already past: it was Tuesday, December 8, 2026/
        : /“hasta el martes pasado” ya pasó: fue el martes, 8 de diciembre de 2026/,
    );
  }
  assert.match(problem("proposal", "Fix the gate until June 10 2020"), /already past/);
  // Said on a Wednesday about Wednesday: still last week's.
  assert.match(problem("proposal", "Arreglar la reja hasta el miércoles pasado"), /it was Wednesday, December 2, 2026/);
  // A time of day is not a close: it stays in the question.
  assert.equal(request("proposal", "Quiet hours from 10pm until 8am").question, "Quiet hours from 10pm until 8am");
});

test("every example the bot gives, in every language, is a command it reads", () => {
  for (const language of supportedLanguages) {
    for (const spec of startPollSpecs) {
      const example = sayPlain(language, spec.example);
      const [, word = "", rest = ""] = /^!(\S+)\s+(.*)$/s.exec(example) ?? [];
      assert.ok([spec.name, ...spec.aliases].includes(word), `${language}: ${example} starts with one of the command's names`);
      const reading = readPollRequest(spec.kind, rest, clock);
      assert.ok(reading.ok, `${language}: ${example}: ${reading.ok ? "" : said(reading.problem)}`);
    }
  }
});

test("clauses in Spanish: cierra en, hasta/cierra el, umbral, quórum, opciones, elige, secreta, oculta", () => {
  const quiet = request("proposal", "Horario de silencio desde las 22 h cierra en 3 días umbral dos tercios quórum 50% secreta");
  assert.deepEqual(
    [quiet.question, quiet.durationMs, quiet.threshold, quiet.quorumPercent, quiet.secret],
    ["Horario de silencio desde las 22 h", 3 * 86_400_000, "two-thirds", 50, true],
  );
  assert.equal(request("proposal", "Pintar la reja cierra en una hora umbral mayoría").durationMs, 3_600_000);
  const lunch = request("choose", '"¿Almuerzo?" opciones: pizza, tacos o sopa elige 2 oculta');
  assert.deepEqual(
    [lunch.question, lunch.options.map((option) => option.label), lunch.maxSelections, lunch.hidden],
    ["¿Almuerzo?", ["pizza", "tacos", "sopa"], 2, true],
  );
  assert.equal(clock.now + request("consent", "Mover el bicicletero cierra el viernes").durationMs, Date.UTC(2026, 11, 11, 23, 59));
  // Said back in the neighbor's words: the clauses by their Spanish names.
  const spanish = speaker("es", "UTC");
  const notTaken = readPollRequest("consent", "Pintar la reja umbral dos tercios", clock);
  assert.ok(!notTaken.ok);
  assert.equal(requestProblemWords(spanish, notTaken.problem).text, 'Este tipo de votación no admite "umbral …".');
  const twice = readPollRequest("proposal", "Pintar la reja cierra en 2 días hasta el viernes", clock);
  assert.ok(!twice.ok);
  assert.equal(requestProblemWords(spanish, twice.problem).text, '"cierra en …" o "hasta …" aparece dos veces.');
  assert.match(
    requestProblemWords(spanish, (readPollRequest("proposal", "Pintar la reja cierra en siempre", clock) as { problem: PollRequestProblem }).problem).text,
    /^No entendí cuándo cierra/,
  );
});

test("the norms example in each language is a norms proposal the bot reads ('normas' in Spanish)", () => {
  for (const language of supportedLanguages) {
    for (const key of ["polls.problem.normsEmpty", "polls.problem.normsUnquoted"] as const) {
      const example = /`(![^`]+)`/.exec(sayPlain(language, key))?.[1] ?? "";
      const [, rest = ""] = /^!(?:propose|proponer)\s+(.*)$/s.exec(example) ?? [];
      const reading = readPollRequest("proposal", rest, clock);
      assert.ok(reading.ok && reading.request.binding?.kind === "norms", `${language}: ${example}`);
    }
  }
  assert.deepEqual(readBindingChange('normas "Sé amable"'), { ok: true, change: { kind: "norms", text: "Sé amable" } });
  assert.match(problem("proposal", "normas: sé amable"), /Put the new norms in quotes/);
});

test("a DM ballot is decided before anything is stored: no poll, closed, voted in the room, not eligible, not an option, accepted", () => {
  const poll = {
    number: 4,
    kind: "proposal" as const,
    question: "Hire a gardener",
    options: [
      { id: "agree", label: "Agree" },
      { id: "disagree", label: "Disagree" },
      { id: "abstain", label: "Abstain" },
    ],
    maxSelections: 1,
    threshold: "majority" as const,
    quorumPercent: 0,
    secret: true,
    hidden: false,
    binding: undefined,
    roomId: "!gov",
    startEventId: "$a",
    author: "@ann:b",
    openedAt: 0,
    closesAt: 1,
    eligible: ["@ann:b"],
    eligibleFrom: "room" as const,
    status: "open" as const,
  };
  const keyOf = (decision: ReturnType<typeof decideBallot>) => (decision.kind === "refused" ? decision.problem.key : decision.kind);
  assert.equal(keyOf(decideBallot(undefined, 4, "@ann:b", "agree")), "polls.noPoll");
  assert.equal(keyOf(decideBallot({ ...poll, status: "closed" }, 4, "@ann:b", "agree")), "polls.ballot.closed");
  assert.equal(keyOf(decideBallot({ ...poll, secret: false }, 4, "@ann:b", "agree")), "polls.ballot.inRoom");
  assert.equal(keyOf(decideBallot(poll, 4, "@gus:elm", "agree")), "polls.ballot.notEligible");
  assert.deepEqual(decideBallot(poll, 4, "@ann:b", "quizás"), { kind: "notAnOption", poll, word: "quizás" });
  assert.deepEqual(decideBallot(poll, 4, "@ann:b", "me abstengo"), { kind: "accepted", poll, choices: ["abstain"] });
});
