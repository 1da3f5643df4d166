import { test } from "node:test";
import assert from "node:assert/strict";
import type { MatrixEvent } from "../../framework/contract.ts";
import { readPollResponse, readRedactedEventId } from "../pollEvents.ts";
import type { StoredResponse } from "../pollModel.ts";
import { tallyResponses } from "../tallyResponses.ts";

const ann = "@ann:block.test";
const bob = "@bob:block.test";
const cy = "@cy:block.test";
const elm = "@eve:elm.mesh";
const eligible = new Set([ann, bob, cy]);
const answerIds = ["agree", "disagree", "abstain"];

function response(eventId: string, sender: string, ts: number, answers: string[] | undefined): StoredResponse {
  return { eventId, sender, ts, answers };
}

function tally(responses: StoredResponse[], overrides: { maxSelections?: number; endTs?: number; answerIds?: string[] } = {}) {
  return tallyResponses({
    answerIds: overrides.answerIds ?? answerIds,
    maxSelections: overrides.maxSelections ?? 1,
    responses,
    endTs: overrides.endTs ?? 1000,
    eligible,
  });
}

test("each voter's latest response counts, whatever order the events arrive in", () => {
  const result = tally([response("$2", ann, 20, ["disagree"]), response("$1", ann, 10, ["agree"]), response("$3", bob, 5, ["agree"])]);
  assert.deepEqual(Object.fromEntries(result.counts), { agree: 1, disagree: 1, abstain: 0 });
  assert.deepEqual(result.votes.get(ann), ["disagree"]);
});

test("two responses with the same timestamp: the larger event id is the later one", () => {
  const result = tally([response("$b", ann, 10, ["agree"]), response("$a", ann, 10, ["disagree"])]);
  assert.deepEqual(result.votes.get(ann), ["agree"]);
});

test("responses after the end are ignored; one at the very end counts", () => {
  const result = tally([response("$1", ann, 100, ["agree"]), response("$2", ann, 1001, ["disagree"]), response("$3", bob, 1000, ["agree"])], { endTs: 1000 });
  assert.deepEqual(Object.fromEntries(result.counts), { agree: 2, disagree: 0, abstain: 0 });
});

test("an unknown answer id spoils the vote, even when an earlier vote was valid (the latest is kept even if invalid)", () => {
  const result = tally([response("$1", ann, 10, ["agree"]), response("$2", ann, 20, ["maybe"])]);
  assert.equal(result.votes.has(ann), false);
  assert.deepEqual(result.spoiled, [ann]);
  assert.equal(result.counts.get("agree"), 0);
});

test("malformed content spoils the vote", () => {
  assert.deepEqual(tally([response("$1", ann, 10, undefined)]).spoiled, [ann]);
});

test("selections are truncated to max_selections before checking: an unknown id past the limit does not spoil", () => {
  const choose = { answerIds: ["a", "b", "c"], maxSelections: 2 };
  const result = tally([response("$1", ann, 10, ["a", "b", "nonsense"]), response("$2", bob, 10, ["c", "a", "b"])], choose);
  assert.deepEqual(result.votes.get(ann), ["a", "b"]);
  assert.deepEqual(result.votes.get(bob), ["c", "a"]);
  assert.deepEqual(Object.fromEntries(result.counts), { a: 2, b: 1, c: 1 });
  assert.deepEqual(result.spoiled, []);
});

test("repeated ids count once; an empty list is an unvote (no selection, not spoiled)", () => {
  const result = tally([response("$1", ann, 10, ["agree", "agree"]), response("$2", bob, 10, ["agree"]), response("$3", bob, 20, [])], { maxSelections: 2 });
  assert.deepEqual(result.votes.get(ann), ["agree"]);
  assert.equal(result.votes.has(bob), false);
  assert.deepEqual(result.spoiled, []);
  assert.equal(result.counts.get("agree"), 1);
});

test("responses from outside the eligible list are not counted, and listed", () => {
  const result = tally([response("$1", elm, 10, ["agree"]), response("$2", cy, 10, ["disagree"])]);
  assert.deepEqual(result.notCounted, [elm]);
  assert.deepEqual(Object.fromEntries(result.counts), { agree: 0, disagree: 1, abstain: 0 });
});

test("a redacted response is dropped, so the voter falls back to their previous response", () => {
  const responses = [response("$1", ann, 10, ["agree"]), response("$2", ann, 20, ["disagree"])];
  const redaction = {
    event_id: "$r",
    room_id: "!g",
    sender: ann,
    type: "m.room.redaction",
    content: { redacts: "$2" },
    origin_server_ts: 30,
  } satisfies MatrixEvent;
  const redacted = readRedactedEventId(redaction);
  assert.equal(redacted, "$2");
  assert.deepEqual(tally(responses.filter((r) => r.eventId !== redacted)).votes.get(ann), ["agree"]);
  // Room versions before 11 put `redacts` at the top level.
  assert.equal(readRedactedEventId({ ...redaction, content: {}, redacts: "$1" } as MatrixEvent), "$1");
});

test("responses are read under the unstable and the stable names", () => {
  const base = { event_id: "$x", room_id: "!g", sender: ann, origin_server_ts: 5 };
  const relation = { "m.relates_to": { rel_type: "m.reference", event_id: "$start" } };
  const unstable = readPollResponse({
    ...base,
    type: "org.matrix.msc3381.poll.response",
    content: { ...relation, "org.matrix.msc3381.poll.response": { answers: ["agree"] } },
  });
  const stable = readPollResponse({ ...base, type: "m.poll.response", content: { ...relation, "m.poll.response": { answers: ["disagree"] } } });
  const finalStable = readPollResponse({ ...base, type: "m.poll.response", content: { ...relation, "m.selections": ["abstain"] } });
  assert.deepEqual([unstable?.answers, stable?.answers, finalStable?.answers], [["agree"], ["disagree"], ["abstain"]]);
  assert.equal(unstable?.startEventId, "$start");
  assert.equal(readPollResponse({ ...base, type: "m.room.message", content: { body: "hi" } }), undefined);
});
