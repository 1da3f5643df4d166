// The lifecycle decisions as pure logic: each allowed action's change leads to the table's state, the
// refusals say why as outcomes, and the notices and introductions name who hears of it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { lifecycle, type LifecycleAction } from "../domain/lifecycle.ts";
import { decideAction, type ActionFacts, type ActionOutcome } from "../domain/listingDecisions.ts";
import type { Listing, ListingKind, ListingState } from "../domain/listing.ts";

const alice = "@alice:block.test";
const bob = "@bob:block.test";
const carol = "@carol:block.test";
const now = 1_000_000;

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
    expiresAt: now + 1,
    changedAt: 0,
    queue: [],
    bids: [],
    ...change,
  };
}

function decide(facts: Partial<ActionFacts> & { listing: Listing; action: LifecycleAction }): ActionOutcome {
  return decideAction({ sender: alice, now, senderModerates: false, mayTakePart: () => ({ ok: true }), weeklyClaims: { ok: true }, ...facts }, "block.test");
}

/** The state the outcome's changes leave the listing in (its own when none sets one). */
function stateAfter(outcome: ActionOutcome): ListingState {
  let state = outcome.listing.state;
  for (const step of outcome.steps) if (step.kind === "change" && step.fields.state !== undefined) state = step.fields.state;
  return state;
}

/** Who may take each actor's part in these tests. */
const senderFor = (_listing: Listing, by: string) => (by === "neighbor" ? bob : by === "system" ? undefined : alice);

test("every allowed action leads to the state the table's `to` names", () => {
  for (const kind of Object.keys(lifecycle) as ListingKind[]) {
    for (const [state, actions] of Object.entries(lifecycle[kind]) as [ListingState, Record<LifecycleAction, { to: ListingState; by: string }>][]) {
      for (const [action, transition] of Object.entries(actions) as [LifecycleAction, { to: ListingState; by: string }][]) {
        const before = listing({
          kind,
          state,
          promisedTo: state === "promised" ? carol : undefined,
          borrower: state === "on-loan" ? carol : undefined,
          dueAt: state === "on-loan" ? now + 10 : undefined,
          queue: action === "withdraw" ? [bob] : [],
          visibility: action === "share" ? "block" : "shared",
        });
        const sender = senderFor(before, transition.by);
        const outcome = decide({ listing: before, action, sender, target: bob, until: now + 1000 });
        if (outcome.followUp !== undefined) continue; // confirm/withdraw/hold: decided in their own modules
        assert.equal(stateAfter(outcome), transition.to, `${kind} ${state} ${action}`);
      }
    }
  }
});

test("refusals are outcomes: not now (with the possible actions), own listing, only some may, missing target, fairness", () => {
  const handed = decide({ listing: listing({ state: "handed-over" }), action: "release" });
  assert.deepEqual(handed.reply, { kind: "not-now", state: "handed-over", listingKind: "offer", actions: [] });
  assert.deepEqual(handed.steps, []);
  assert.deepEqual(decide({ listing: listing(), action: "interest", sender: alice }).reply, { kind: "own-listing" });
  assert.deepEqual(decide({ listing: listing(), action: "promise", sender: bob, target: carol }).reply, { kind: "only-actor", actor: "owner" });
  assert.deepEqual(decide({ listing: listing(), action: "cancel", sender: bob }).reply, { kind: "only-actor", actor: "staff" });
  assert.deepEqual(decide({ listing: listing(), action: "cancel", sender: bob, senderModerates: true }).reply, { kind: "cancelled" });
  assert.deepEqual(decide({ listing: listing(), action: "promise" }).reply, { kind: "name-whom", action: "promise" });
  const blockOnly = decide({
    listing: listing(),
    action: "promise",
    target: "@dan:elm.test",
    mayTakePart: () => ({ ok: false, problem: { kind: "block-only" } }),
  });
  assert.deepEqual(blockOnly.reply, { kind: "cannot-take-part", problem: { kind: "block-only" }, target: "@dan:elm.test", action: "promise" });
  const weekly = decide({
    listing: listing(),
    action: "interest",
    sender: bob,
    weeklyClaims: { ok: false, problem: { kind: "weekly-claims", recent: 1, max: 1 } },
  });
  assert.deepEqual(weekly.reply, { kind: "cannot-take-part", problem: { kind: "weekly-claims", recent: 1, max: 1 } });
  assert.equal(weekly.countsClaim, undefined);
});

test("interest: on the list at the next place, the owner told, the claim counted (offers only)", () => {
  const offer = decide({ listing: listing({ queue: [carol] }), action: "interest", sender: bob });
  assert.deepEqual(offer.reply, { kind: "on-list", owner: alice, place: 2, listingKind: "offer" });
  assert.deepEqual(offer.steps, [{ kind: "enqueue", userId: bob }]);
  assert.deepEqual(offer.notices, [{ kind: "would-like", to: alice, who: bob }]);
  assert.equal(offer.countsClaim, true);
  assert.equal(decide({ listing: listing({ kind: "lend" }), action: "interest", sender: bob }).countsClaim, false);
  assert.deepEqual(decide({ listing: listing({ queue: [bob] }), action: "interest", sender: bob }).reply, { kind: "already-on-list" });
  assert.equal(decide({ listing: listing({ kind: "lend", heldFor: bob }), action: "hold", sender: bob }).followUp, "confirm-hold");
});

test("promises and loans introduce the two neighbors; a first-come claim bids in a new round", () => {
  const claimed = decide({ listing: listing({ firstCome: true, promiseRound: 2 }), action: "claim-first-come", sender: bob });
  assert.deepEqual(claimed.introduction, { kind: "first-come", taker: bob });
  assert.deepEqual(claimed.steps, [
    {
      kind: "change",
      fields: { state: "promised", promisedTo: bob, changedAt: now, promiseRound: 3 },
      remove: bob,
      bid: { round: 3, block: "block.test", to: bob, at: now },
    },
  ]);
  const lent = decide({ listing: listing({ kind: "lend" }), action: "lend-out", target: bob });
  assert.deepEqual(lent.reply, { kind: "lent", to: bob, until: now + 7 * 24 * 3_600_000 });
  assert.deepEqual(lent.introduction, { kind: "lending", taker: bob, until: now + 7 * 24 * 3_600_000 });
});

test("cancel by a moderator tells the owner and the one it was promised to; expiry tells the owner and replies nothing", () => {
  const cancelled = decide({ listing: listing({ state: "promised", promisedTo: carol }), action: "cancel", sender: bob, senderModerates: true });
  assert.deepEqual(cancelled.notices, [
    { kind: "cancelled-by-moderator", to: alice, moderator: bob },
    { kind: "cancelled", to: carol },
  ]);
  const expired = decide({ listing: listing({ expiresAt: now - 1 }), action: "expire", sender: undefined });
  assert.equal(expired.reply, undefined);
  assert.deepEqual(expired.notices, [{ kind: "expired", to: alice }]);
});

test("unshare: refused while a neighbor of another block has it; otherwise their place on the list goes, and they are told", () => {
  const lentAway = decide({ listing: listing({ kind: "lend", state: "on-loan", borrower: "@dan:elm.test", visibility: "shared" }), action: "unshare" });
  assert.equal(lentAway.reply?.kind, "taker-elsewhere");
  const unshared = decide({ listing: listing({ visibility: "shared", queue: [bob, "@dan:elm.test"] }), action: "unshare" });
  assert.deepEqual(unshared.steps, [
    { kind: "change", fields: {}, remove: "@dan:elm.test" },
    { kind: "visibility", to: "block" },
  ]);
  assert.deepEqual(unshared.notices, [{ kind: "unshared-off-list", to: "@dan:elm.test" }]);
});
