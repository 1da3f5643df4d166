import { test } from "node:test";
import assert from "node:assert/strict";
import { decidePoll } from "../decidePoll.ts";
import { instantRunoff } from "../instantRunoff.ts";
import type { PollKind, PollOption } from "../pollModel.ts";
import { consentAnswers, proposalAnswers } from "../readPollRequest.ts";
import { isQuorumMet, thresholdRules } from "../thresholds.ts";

test("majority means more than half of agree + disagree: 2 of 4 fails, 3 of 5 passes, abstentions don't count", () => {
  assert.equal(thresholdRules.majority.isMet(2, 2), false);
  assert.equal(thresholdRules.majority.isMet(3, 2), true);
  assert.equal(thresholdRules.majority.isMet(1, 0), true);
  assert.equal(thresholdRules.majority.isMet(0, 0), false);
});

test("two-thirds means at least 2/3: 2 of 3 and 4 of 6 pass, 3 of 5 and 66 of 100 fail, 67 of 100 passes", () => {
  const met = (agree: number, total: number) => thresholdRules["two-thirds"].isMet(agree, total - agree);
  assert.deepEqual([met(2, 3), met(4, 6), met(3, 5), met(66, 100), met(67, 100), met(0, 0)], [true, true, false, false, true, false]);
});

test("three-quarters means at least 3/4: 3 of 4 passes, 5 of 7 fails, 74 of 99 fails, 75 of 100 passes", () => {
  const met = (agree: number, total: number) => thresholdRules["three-quarters"].isMet(agree, total - agree);
  assert.deepEqual([met(3, 4), met(5, 7), met(74, 99), met(75, 100)], [true, false, false, true]);
});

test("quorum 50% of 9 eligible needs 5 voters (4.5 rounds up); 0% is always met", () => {
  assert.equal(isQuorumMet(4, 9, 50), false);
  assert.equal(isQuorumMet(5, 9, 50), true);
  assert.equal(isQuorumMet(0, 0, 0), true);
  assert.equal(isQuorumMet(0, 3, 0), true);
});

const voters = (count: number) => Array.from({ length: count }, (_, index) => `@v${index}:block.test`);

function decide(
  kind: PollKind,
  options: readonly PollOption[],
  ballots: string[][],
  extra: { quorumPercent?: number; eligible?: number; threshold?: "majority" | "two-thirds" } = {},
) {
  const eligible = voters(extra.eligible ?? ballots.length);
  return decidePoll(
    {
      kind,
      options: [...options],
      threshold: extra.threshold ?? (kind === "proposal" ? "majority" : undefined),
      quorumPercent: extra.quorumPercent ?? 0,
      eligible,
    },
    { votes: new Map(ballots.map((ballot, index) => [eligible[index] ?? "", ballot])), spoiled: [], notCounted: [] },
  );
}

test("a two-thirds proposal with 4 agree, 2 disagree, 1 abstain passes; with 3 agree, 2 disagree it does not", () => {
  const passing = decide("proposal", proposalAnswers, [["agree"], ["agree"], ["agree"], ["agree"], ["disagree"], ["disagree"], ["abstain"]], {
    threshold: "two-thirds",
  });
  assert.equal(passing.thresholdMet, true);
  assert.deepEqual(passing.outcome.verdict, { kind: "passed" });
  const failing = decide("proposal", proposalAnswers, [["agree"], ["agree"], ["agree"], ["disagree"], ["disagree"]], { threshold: "two-thirds" });
  assert.equal(failing.outcome.decided, false);
  assert.deepEqual(failing.outcome.verdict, { kind: "thresholdNotMet" });
});

test("quorum not met means not passed, even with every vote in favour", () => {
  const result = decide("proposal", proposalAnswers, [["agree"], ["agree"]], { quorumPercent: 50, eligible: 5 });
  assert.equal(result.quorumMet, false);
  assert.equal(result.thresholdMet, true);
  assert.equal(result.outcome.decided, false);
  assert.deepEqual(result.outcome.verdict, { kind: "quorumNotPassed" });
});

test("consent passes with no objection and fails when one objection stands", () => {
  assert.equal(decide("consent", consentAnswers, [["consent"], ["consent"]]).outcome.decided, true);
  const objected = decide("consent", consentAnswers, [["consent"], ["object"], ["consent"]]);
  assert.equal(objected.outcome.decided, false);
  assert.deepEqual(objected.outcome.verdict, { kind: "objections", count: 1 });
});

const lunch: PollOption[] = [
  { id: "a", label: "pizza" },
  { id: "b", label: "tacos" },
  { id: "c", label: "soup" },
];

test("choose: the top option is decided; a tie is no decision", () => {
  assert.deepEqual(decide("choose", lunch, [["a"], ["b", "a"], ["a"]]).outcome.verdict, { kind: "decided", option: "pizza" });
  assert.deepEqual(decide("choose", lunch, [["a"], ["b"]]).outcome.verdict, { kind: "tie", options: ["pizza", "tacos"] });
});

test("instant runoff over three rounds: the first-round leader loses once transfers are counted", () => {
  const ballots = [
    ...Array.from({ length: 4 }, () => ["A", "B", "C"]),
    ...Array.from({ length: 3 }, () => ["B", "C", "A"]),
    ...Array.from({ length: 2 }, () => ["C", "B", "A"]),
    ["D", "C", "B"],
  ];
  const result = instantRunoff(["A", "B", "C", "D"], ballots);
  assert.equal(result.rounds.length, 3);
  assert.deepEqual(Object.fromEntries(result.rounds[0]?.counts ?? []), { A: 4, B: 3, C: 2, D: 1 });
  assert.deepEqual(result.rounds[0]?.eliminated, ["D"]);
  // B and C tie at 3 in round two; C had fewer in round one, so C goes.
  assert.deepEqual(Object.fromEntries(result.rounds[1]?.counts ?? []), { A: 4, B: 3, C: 3 });
  assert.deepEqual(result.rounds[1]?.eliminated, ["C"]);
  assert.deepEqual(Object.fromEntries(result.rounds[2]?.counts ?? []), { A: 4, B: 6 });
  assert.equal(result.winner, "B");
});

test("instant runoff: exhausted ballots leave the majority of ballots still in play; a dead heat is a tie", () => {
  // C and D tie for last with nothing earlier to tell them apart: both go out together.
  const exhausted = instantRunoff(["A", "B", "C", "D"], [["A"], ["A"], ["B"], ["B"], ["C", "A"], ["D"]]);
  assert.deepEqual(exhausted.rounds[0]?.eliminated, ["C", "D"]);
  assert.equal(exhausted.winner, "A");
  assert.equal(exhausted.rounds.at(-1)?.exhausted, 1);
  const heat = instantRunoff(["A", "B"], [["A"], ["B"]]);
  assert.equal(heat.winner, undefined);
  assert.deepEqual(heat.tied, ["A", "B"]);
  assert.equal(instantRunoff(["A", "B"], []).winner, undefined);
});

test("a ranked poll's outcome names the runoff winner", () => {
  const result = decide("ranked", lunch, [["a", "b"], ["b"], ["b"], ["c", "b"], ["a"]]);
  assert.deepEqual(result.outcome.verdict, { kind: "decided", option: "tacos" });
  assert.deepEqual(Object.fromEntries(result.counts), { a: 2, b: 2, c: 1 });
  assert.equal(result.runoff?.rounds.length, 2);
});
