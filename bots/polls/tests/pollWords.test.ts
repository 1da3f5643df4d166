// The renderer: every outcome the polls bot decides, said in English and Spanish from the catalogs, with
// plurals, dates in the block's time zone and the neighbor's words kept as written.
import { test } from "node:test";
import assert from "node:assert/strict";
import { sayPlain, speaker } from "../../framework/speak.ts";
import { decidePoll } from "../decidePoll.ts";
import type { PollRecord, Verdict } from "../pollModel.ts";
import {
  appliedWords,
  ballotCastMessage,
  closingText,
  decisionsMessage,
  dmPollAnnouncement,
  nativePollNotice,
  notAnOptionMessage,
  openPollsMessage,
  outcomeWords,
  reminderMessage,
  resultsMessage,
} from "../pollWords.ts";
import { proposalAnswers } from "../readPollRequest.ts";

const languages = ["en", "es"] as const;
const day = 86_400_000;
// Tuesday 8 December 2026, 15:00 UTC (10:00 in New York).
const openedAt = Date.UTC(2026, 11, 8, 15);

function proposal(overrides: Partial<PollRecord> = {}): PollRecord {
  return {
    number: 3,
    kind: "proposal",
    question: "Quiet hours from 10pm",
    options: [...proposalAnswers],
    maxSelections: 1,
    threshold: "two-thirds",
    quorumPercent: 50,
    secret: false,
    hidden: false,
    binding: undefined,
    roomId: "!gov:block.test",
    startEventId: "$start",
    author: "@ann:block.test",
    openedAt,
    closesAt: openedAt + 7 * day,
    eligible: ["@ann:block.test", "@bob:block.test", "@cy:block.test"],
    eligibleFrom: "room",
    status: "open",
    ...overrides,
  };
}

const verdicts: readonly Verdict[] = [
  { kind: "passed" },
  { kind: "thresholdNotMet" },
  { kind: "consentPassed" },
  { kind: "objections", count: 1 },
  { kind: "objections", count: 2 },
  { kind: "nobodyChose" },
  { kind: "tie", options: ["pizza", "tacos"] },
  { kind: "decided", option: "tacos" },
  { kind: "noBallots" },
  { kind: "quorumNotPassed" },
  { kind: "quorumNotDecided" },
];

test("every verdict is said from its catalog message in both languages, with the right plural", () => {
  for (const language of languages) {
    const said = verdicts.map((verdict) => outcomeWords(speaker(language, "UTC"), { decided: false, verdict }).text);
    const keys = verdicts.map((verdict) => `polls.outcome.${verdict.kind}` as const);
    assert.equal(said[0], sayPlain(language, keys[0]!));
    assert.equal(said[6], sayPlain(language, "polls.outcome.tie", { options: language === "en" ? "pizza and tacos" : "pizza y tacos" }));
    assert.equal(said[7], sayPlain(language, "polls.outcome.decided", { option: "tacos" }));
    assert.equal(new Set(said).size, said.length, `${language}: each verdict has its own words`);
  }
  const en = speaker("en", "UTC");
  const es = speaker("es", "UTC");
  assert.equal(outcomeWords(en, { decided: false, verdict: { kind: "objections", count: 1 } }).text, "Not passed: 1 objection stands");
  assert.equal(outcomeWords(en, { decided: false, verdict: { kind: "objections", count: 2 } }).text, "Not passed: 2 objections stand");
  assert.equal(outcomeWords(es, { decided: false, verdict: { kind: "objections", count: 1 } }).text, "No aprobada: queda 1 objeción");
  assert.equal(outcomeWords(es, { decided: false, verdict: { kind: "objections", count: 2 } }).text, "No aprobada: quedan 2 objeciones");
  // A poll closed by an earlier version kept an English line: it is shown as it was.
  assert.equal(outcomeWords(es, { decided: true, summary: "Passed" }).text, "Passed");
});

test("results: '1 vote' not '1 votes', in both languages; turnout, threshold and outcome from the catalog", () => {
  const poll = proposal({ status: "closed" });
  const result = decidePoll(poll, {
    votes: new Map([
      ["@ann:block.test", ["agree"]],
      ["@bob:block.test", ["agree"]],
      ["@cy:block.test", ["disagree"]],
    ]),
    spoiled: [],
    notCounted: ["@gus:elm.mesh"],
  });
  const en = resultsMessage(speaker("en", "UTC"), poll, result, { receipts: [], applied: undefined, closedEarlyBy: undefined }).text;
  assert.match(en, /^Results — Proposal 3: Quiet hours from 10pm\n• Agree: 2 votes\n• Disagree: 1 vote\n• Abstain: 0 votes\n/);
  assert.match(en, /Turnout: 3 of 3 eligible \(100%\); quorum 50%: met\.\nThreshold: at least two thirds of agree \+ disagree: 2 of 3 \(67%\), met\./);
  assert.match(en, /Not counted \(not eligible for this poll\): @gus:elm\.mesh\.\n\nOutcome: Passed\./);
  const es = resultsMessage(speaker("es", "UTC"), poll, result, { receipts: [], applied: undefined, closedEarlyBy: undefined }).text;
  assert.match(es, /^Resultados — Propuesta 3: Quiet hours from 10pm\n• A favor: 2 votos\n• En contra: 1 voto\n• Me abstengo: 0 votos\n/);
  assert.ok(es.includes(sayPlain("es", "polls.results.turnout", { voted: 3, eligible: 3, percent: 100, quorum: "met", quorumPercent: 50 })), es);
  assert.ok(es.includes(sayPlain("es", "polls.results.outcome", { outcome: sayPlain("es", "polls.outcome.passed") })), es);
  assert.equal(closingText(speaker("es", "UTC"), result), "La votación terminó. Aprobada. (Votaron 3 de 3 con voto).");
});

test("a poll's notice: its close as a date and time in the block's time zone, in the block's language", () => {
  const poll = proposal();
  const en = nativePollNotice(speaker("en", "America/New_York"), poll).text;
  assert.match(
    en,
    /Closes December 15, 2026, 10:00 AM \(in 1 week\)\. Passes with at least two thirds of agree \+ disagree\. Quorum: 50% of the 3 eligible members\./,
  );
  const es = nativePollNotice(speaker("es", "America/New_York"), poll).text;
  assert.match(
    es,
    /Cierra el 15 de diciembre de 2026 a las 10:00 \(en 1 semana\)\. Se aprueba con al menos dos tercios de a favor \+ en contra\. Quórum: 50 % de los 3 miembros con voto\./,
  );
  assert.ok(es.includes(sayPlain("es", "polls.native.close", { command: "!cerrar 3" })), es);
});

test("secret ballots: the announcement, a ballot's reply and an unknown option, in each language", () => {
  const poll = proposal({ secret: true });
  for (const language of languages) {
    const words = speaker(language, "UTC");
    const announcement = dmPollAnnouncement(words, poll, "@polls:block.test", 1).text;
    assert.ok(announcement.includes(sayPlain(language, "polls.dm.operator")), announcement);
    assert.ok(announcement.includes(sayPlain(language, "polls.dm.ballots", { count: 1 })));
    assert.match(announcement, language === "en" ? /!vote 3 agree/ : /!votar 3 a-favor/);
    const cast = ballotCastMessage(words, { poll, choices: ["abstain"], receipt: "ABCD-EFGH-JKMN", changed: true, encrypted: true }).text;
    assert.ok(
      cast.startsWith(
        sayPlain(language, "polls.ballot.cast", {
          changed: "yes",
          title: sayPlain(language, "polls.title", { kind: "proposal", number: "3", question: poll.question }),
          choices: sayPlain(language, "polls.answer.abstain"),
        }),
      ),
      cast,
    );
    assert.match(cast, /`ABCD-EFGH-JKMN`/);
  }
  assert.equal(
    notAnOptionMessage(speaker("es", "UTC"), poll, "quizás").text,
    "“quizás” no es una opción de esta votación. Opciones: agree (A favor), disagree (En contra), abstain (Me abstengo).",
  );
});

test("reminders, the open polls and the decision log, with dates and durations in the language", () => {
  const poll = proposal();
  const now = poll.closesAt - day;
  assert.match(
    reminderMessage(speaker("es", "UTC"), poll, now).text,
    /^Propuesta 3: Quiet hours from 10pm cierra en aproximadamente 1 día y todavía no has votado\.[\s\S]*!recordar no/,
  );
  assert.match(
    openPollsMessage(speaker("es", "UTC"), [poll], now).text,
    /Votaciones abiertas\n\n• Propuesta 3: Quiet hours from 10pm \(https:[^)]+\) — cierra en 1 día/,
  );
  assert.match(openPollsMessage(speaker("en", "UTC"), [], now).text, /^No polls are open right now/);
  const decision = {
    number: 3,
    question: poll.question,
    outcome: { decided: true, verdict: { kind: "passed" } as const },
    decidedAt: poll.closesAt,
    roomId: poll.roomId,
    startEventId: "$start",
    applied: {
      ok: true as const,
      change: { kind: "sharing-limit" as const, setting: "pactNeighborsMayClaim" as const, value: false, name: "sharing.pact_neighbors_may_claim" },
    },
  };
  assert.match(
    decisionsMessage(speaker("es", "UTC"), [decision]).text,
    /15 dic 2026 #3 Quiet hours from 10pm \(https:[^)]+\) — Aprobada Aplicado: sharing\.pact_neighbors_may_claim pasa a ser no\./,
  );
  assert.match(
    decisionsMessage(speaker("en", "UTC"), [decision]).text,
    /Dec 15, 2026 #3 Quiet hours from 10pm \(https:[^)]+\) — Passed Applied: sharing\.pact_neighbors_may_claim becomes no\./,
  );
  assert.equal(
    appliedWords(speaker("es", "UTC"), { ok: false, change: { kind: "pact-remove", serverName: "elm.mesh" }, error: "unreachable" }).text,
    "No se pudo aplicar (elm.mesh sale del pacto): unreachable. El operador del equipo puede ver los detalles en el registro.",
  );
});
