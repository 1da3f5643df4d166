// The rule for promises made on both sides of a partition, as pure logic.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Listing, PromiseBid } from "../domain/listing.ts";
import { correctedPromise, settlePromises } from "../domain/promiseConflicts.ts";

const base: Listing = {
  key: "oak.test/1",
  number: 1,
  home: "oak.test",
  kind: "offer",
  state: "promised",
  title: "tomatoes",
  category: "food",
  area: "this block",
  visibility: "shared",
  firstCome: true,
  owner: "@alice:oak.test",
  createdAt: 0,
  expiresAt: 1e12,
  changedAt: 0,
  queue: [],
  bids: [],
};
const bid = (round: number, block: string, to: string, at: number): PromiseBid => ({ round, block, to, at });

test("the home block's promise stands over an earlier one made elsewhere", () => {
  const listing = {
    ...base,
    promiseRound: 1,
    promisedTo: "@dan:elm.test",
    bids: [bid(1, "elm.test", "@dan:elm.test", 100), bid(1, "oak.test", "@ann:oak.test", 500)],
  };
  const settlement = settlePromises(listing);
  assert.equal(settlement.standing?.to, "@ann:oak.test");
  assert.deepEqual(
    settlement.losses.map((loss) => loss.bid.to),
    ["@dan:elm.test"],
  );
  assert.equal(correctedPromise(listing, settlement), "@ann:oak.test");
  assert.equal(correctedPromise({ ...listing, promisedTo: "@ann:oak.test" }, settlement), undefined, "nothing to correct");
});

test("between two other blocks the earlier stands, and on equal times the lower Matrix ID", () => {
  const earlier = settlePromises({ ...base, promiseRound: 1, bids: [bid(1, "elm.test", "@dan:elm.test", 200), bid(1, "ash.test", "@eve:ash.test", 100)] });
  assert.equal(earlier.standing?.to, "@eve:ash.test");
  const tie = settlePromises({ ...base, promiseRound: 1, bids: [bid(1, "elm.test", "@zed:elm.test", 100), bid(1, "ash.test", "@amy:ash.test", 100)] });
  assert.equal(tie.standing?.to, "@amy:ash.test");
  // The order bids are read in does not matter.
  const reversed = settlePromises({ ...base, promiseRound: 1, bids: [bid(1, "ash.test", "@amy:ash.test", 100), bid(1, "elm.test", "@zed:elm.test", 100)] });
  assert.deepEqual(reversed, tie);
});

test("promises one after another are no conflict; an old round's loss is still reported, the current round decides the taker", () => {
  const sequential = settlePromises({ ...base, promiseRound: 2, bids: [bid(1, "elm.test", "@dan:elm.test", 100), bid(2, "oak.test", "@ann:oak.test", 500)] });
  assert.deepEqual(sequential, { losses: [] });
  const listing = {
    ...base,
    promiseRound: 2,
    promisedTo: "@bo:oak.test",
    bids: [bid(1, "elm.test", "@dan:elm.test", 100), bid(1, "oak.test", "@ann:oak.test", 90), bid(2, "oak.test", "@bo:oak.test", 500)],
  };
  const settlement = settlePromises(listing);
  assert.equal(settlement.standing, undefined);
  assert.deepEqual(
    settlement.losses.map((loss) => [loss.bid.to, loss.winner.to]),
    [["@dan:elm.test", "@ann:oak.test"]],
  );
  assert.equal(correctedPromise(listing, settlement), undefined);
});

test("a merged state other than promised (e.g. cancelled meanwhile) is left alone", () => {
  const listing = {
    ...base,
    state: "cancelled" as const,
    promiseRound: 1,
    promisedTo: "@dan:elm.test",
    bids: [bid(1, "elm.test", "@dan:elm.test", 100), bid(1, "oak.test", "@ann:oak.test", 500)],
  };
  assert.equal(correctedPromise(listing, settlePromises(listing)), undefined);
});
