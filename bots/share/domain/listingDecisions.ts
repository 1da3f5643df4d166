// One lifecycle action on a listing, decided: whether the table allows it for this neighbor, the
// change to the board (its state always the table's `to`), who is told what, and the reply's kind.
// Pure: the clock, the moderator check and the fairness verdicts come in as facts; chat/listingActions.ts
// performs the outcome and chat/shareWords.ts puts it into words.

import { lifetimeOf } from "./categories.ts";
import type { FairnessProblem, Verdict } from "./fairness.ts";
import { actionsFrom, transitionFor, type Actor, type LifecycleAction } from "./lifecycle.ts";
import { serverOf, type Listing, type ListingKind, type ListingState, type PromiseBid, type Visibility } from "./listing.ts";

/** Fields of a listing an action sets (undefined clears one). */
export type ListingFields = { [Field in Exclude<keyof Listing, "key" | "queue" | "bids">]?: Listing[Field] | undefined };

/** One change to the board, applied in order. */
export type BoardStep =
  | { kind: "change"; fields: ListingFields; remove?: string; bid?: PromiseBid }
  | { kind: "enqueue"; userId: string }
  | { kind: "visibility"; to: Visibility };

/** What the acting neighbor is told. */
export type ActionReply =
  | { kind: "not-now"; state: ListingState; listingKind: ListingKind; actions: LifecycleAction[] }
  | { kind: "own-listing" }
  | { kind: "only-actor"; actor: Actor }
  | { kind: "changed-meanwhile" }
  | { kind: "name-whom"; action: "promise" | "lend-out" }
  | { kind: "cannot-take-part"; problem: FairnessProblem; target?: string; action?: "promise" | "lend-out" }
  | { kind: "promised"; to: string }
  | { kind: "yours"; owner: string }
  | { kind: "already-on-list" }
  | { kind: "on-list"; owner: string; place: number; listingKind: ListingKind }
  | { kind: "helping"; owner: string }
  | { kind: "released" }
  | { kind: "closed"; state: ListingState; listingKind: ListingKind }
  | { kind: "lent"; to: string; until: number }
  | { kind: "returned" }
  | { kind: "date-past"; loan: boolean }
  | { kind: "loan-renewed"; until: number }
  | { kind: "renewed"; until: number }
  | { kind: "cancelled" }
  | { kind: "already-block-only" }
  | { kind: "taker-elsewhere"; state: ListingState; listingKind: ListingKind; taker: string }
  | { kind: "unshared" }
  | { kind: "already-shared" }
  | { kind: "shared" }
  // From the waiting list's own modules (chat/lendingHolds.ts, chat/withdrawInterest.ts):
  | { kind: "hold-already-confirmed"; owner: string }
  | { kind: "hold-confirmed"; owner: string }
  | { kind: "withdrawn"; owner: string; ownerTold: boolean }
  | { kind: "not-waiting" };

/** A direct message the bot sends one neighbor about a listing (from an action, the waiting list or the timed work). */
export type ActionNotice =
  | { kind: "would-like"; to: string; who: string }
  | { kind: "nobody-else-waiting"; to: string }
  | { kind: "your-turn"; to: string; until: number }
  | { kind: "next-in-line"; to: string; who: string; until: number }
  | { kind: "hold-confirmed"; to: string; who: string }
  | { kind: "turn-lapsed"; to: string }
  | { kind: "no-longer-wants"; to: string; who: string }
  | { kind: "due-soon"; to: string; due: number }
  | { kind: "overdue"; to: string; due: number; round: number; borrower: string }
  | { kind: "promise-lost"; to: string; winner: string; otherBlock: string | undefined }
  | { kind: "released"; to: string }
  | { kind: "loan-renewed"; to: string; until: number }
  | { kind: "cancelled-by-moderator"; to: string; moderator: string }
  | { kind: "cancelled"; to: string }
  | { kind: "unshared-off-list"; to: string }
  | { kind: "expired"; to: string };

/** The private chat that introduces the owner and the neighbor who takes it up. */
export type Introduction =
  | { kind: "giving"; taker: string }
  | { kind: "first-come"; taker: string }
  | { kind: "helping"; taker: string }
  | { kind: "lending"; taker: string; until: number };

/** Work the action hands on to a module that decides and says it itself. */
export type FollowUp = "confirm-hold" | "withdraw" | "hold-for-next";

export interface ActionOutcome {
  listing: Listing;
  /** Undefined: nothing to say (the bot's own timed work). */
  reply: ActionReply | undefined;
  steps: BoardStep[];
  notices: ActionNotice[];
  introduction?: Introduction;
  /** The acting neighbor's claim counts toward this week's limit. */
  countsClaim?: boolean;
  /** The neighbor joined the list: what the owner was told is remembered for a later withdrawal. */
  interestOf?: string;
  followUp?: FollowUp;
}

export interface ActionFacts {
  listing: Listing;
  action: LifecycleAction;
  /** Full Matrix ID of who acts; undefined for the bot's timed work. */
  sender: string | undefined;
  /** The other neighbor the action names (promise to, lend out to). */
  target?: string;
  /** A date the action sets (due date, new expiry). */
  until?: number;
  now: number;
  /** Whether the sender moderates the listing's home block (asked only when the table needs it). */
  senderModerates: boolean;
  /** Whether this neighbor may take part in the listing at all. */
  mayTakePart(userId: string): Verdict;
  /** Whether the sender may make another claim this week. */
  weeklyClaims: Verdict;
}

export const defaultLoanMs = 7 * 24 * 60 * 60 * 1000;

const noHold: ListingFields = { heldFor: undefined, holdUntil: undefined, holdConfirmed: undefined };

function actorMatches(by: Actor, facts: ActionFacts): boolean {
  const { listing, sender } = facts;
  if (sender === undefined) return by === "system";
  const checks: Readonly<Record<Actor, () => boolean>> = {
    owner: () => sender === listing.owner,
    party: () => sender === listing.owner || sender === listing.promisedTo || sender === listing.borrower,
    staff: () => sender === listing.owner || facts.senderModerates,
    neighbor: () => sender !== listing.owner,
    system: () => false,
  };
  return checks[by]();
}

/** Whether deciding this action needs to know if the sender moderates (a question to the homeserver). */
export function needsModeratorCheck(listing: Listing, action: LifecycleAction, sender: string | undefined): boolean {
  return transitionFor(listing.kind, listing.state, action)?.by === "staff" && sender !== undefined && sender !== listing.owner;
}

const outcome = (listing: Listing, reply: ActionReply | undefined, more: Partial<Omit<ActionOutcome, "listing" | "reply">> = {}): ActionOutcome => ({
  listing,
  reply,
  steps: [],
  notices: [],
  ...more,
});

type Decide = (facts: ActionFacts, to: ListingState) => ActionOutcome;

/**
 * A promise to `taker`: the table's state, and a bid under this block's own key in a new round, so that a
 * promise made meanwhile on the other side of a partition is kept beside it and settled by one rule after the merge.
 */
function promiseStep(facts: ActionFacts, to: ListingState, taker: string, ownServer: string, removeFromList: boolean): BoardStep {
  const round = (facts.listing.promiseRound ?? 0) + 1;
  return {
    kind: "change",
    fields: { state: to, promisedTo: taker, changedAt: facts.now, promiseRound: round },
    ...(removeFromList ? { remove: taker } : {}),
    bid: { round, block: ownServer, to: taker, at: facts.now },
  };
}

function problemOf(verdict: Verdict): FairnessProblem | undefined {
  return verdict.ok ? undefined : verdict.problem;
}

function decisions(ownServer: string): Readonly<Record<LifecycleAction, Decide>> {
  const self: Record<LifecycleAction, Decide> = {
    promise(facts, to) {
      const { listing, target } = facts;
      if (target === undefined) return outcome(listing, { kind: "name-whom", action: "promise" });
      const problem = problemOf(facts.mayTakePart(target));
      if (problem !== undefined) return outcome(listing, { kind: "cannot-take-part", problem, target, action: "promise" });
      return outcome(
        listing,
        { kind: "promised", to: target },
        {
          steps: [promiseStep(facts, to, target, ownServer, true)],
          introduction: { kind: "giving", taker: target },
        },
      );
    },
    "claim-first-come"(facts, to) {
      const { listing, sender = "" } = facts;
      const problem = problemOf(facts.mayTakePart(sender)) ?? problemOf(facts.weeklyClaims);
      if (problem !== undefined) return outcome(listing, { kind: "cannot-take-part", problem });
      return outcome(
        listing,
        { kind: "yours", owner: listing.owner },
        {
          steps: [promiseStep(facts, to, sender, ownServer, true)],
          introduction: { kind: "first-come", taker: sender },
          countsClaim: true,
        },
      );
    },
    interest(facts) {
      const { listing, sender = "" } = facts;
      // The thing is back and held for this neighbor: saying "yes" again confirms their turn.
      if (listing.kind === "lend" && listing.state === "open" && listing.heldFor === sender) return outcome(listing, undefined, { followUp: "confirm-hold" });
      const problem = problemOf(facts.mayTakePart(sender)) ?? (listing.kind === "offer" ? problemOf(facts.weeklyClaims) : undefined);
      if (problem !== undefined) return outcome(listing, { kind: "cannot-take-part", problem });
      if (listing.queue.includes(sender)) return outcome(listing, { kind: "already-on-list" });
      return outcome(
        listing,
        { kind: "on-list", owner: listing.owner, place: listing.queue.length + 1, listingKind: listing.kind },
        {
          steps: [{ kind: "enqueue", userId: sender }],
          notices: [{ kind: "would-like", to: listing.owner, who: sender }],
          countsClaim: listing.kind === "offer",
          interestOf: sender,
        },
      );
    },
    withdraw(facts) {
      return outcome(facts.listing, undefined, { followUp: "withdraw" });
    },
    hold(facts, to) {
      return self.interest(facts, to);
    },
    help(facts, to) {
      const { listing, sender = "" } = facts;
      const problem = problemOf(facts.mayTakePart(sender));
      if (problem !== undefined) return outcome(listing, { kind: "cannot-take-part", problem });
      return outcome(
        listing,
        { kind: "helping", owner: listing.owner },
        {
          steps: [promiseStep(facts, to, sender, ownServer, false)],
          introduction: { kind: "helping", taker: sender },
        },
      );
    },
    release(facts, to) {
      const { listing, sender } = facts;
      const other = sender === listing.owner ? listing.promisedTo : listing.owner;
      return outcome(
        listing,
        { kind: "released" },
        {
          steps: [{ kind: "change", fields: { state: to, promisedTo: undefined, changedAt: facts.now } }],
          notices: other === undefined ? [] : [{ kind: "released", to: other }],
        },
      );
    },
    "hand-over"(facts, to) {
      return outcome(
        facts.listing,
        { kind: "closed", state: to, listingKind: facts.listing.kind },
        { steps: [{ kind: "change", fields: { state: to, changedAt: facts.now } }] },
      );
    },
    fulfil(facts, to) {
      return self["hand-over"](facts, to);
    },
    "lend-out"(facts, to) {
      const { listing, target, now } = facts;
      if (target === undefined) return outcome(listing, { kind: "name-whom", action: "lend-out" });
      const problem = problemOf(facts.mayTakePart(target));
      if (problem !== undefined) return outcome(listing, { kind: "cannot-take-part", problem, target, action: "lend-out" });
      const dueAt = facts.until ?? now + defaultLoanMs;
      return outcome(
        listing,
        { kind: "lent", to: target, until: dueAt },
        {
          steps: [{ kind: "change", fields: { state: to, borrower: target, dueAt, promisedTo: undefined, changedAt: now, ...noHold }, remove: target }],
          introduction: { kind: "lending", taker: target, until: dueAt },
        },
      );
    },
    return(facts, to) {
      const { listing, now } = facts;
      return outcome(
        listing,
        { kind: "returned" },
        {
          steps: [
            {
              kind: "change",
              fields: {
                state: to,
                borrower: undefined,
                dueAt: undefined,
                changedAt: now,
                expiresAt: Math.max(listing.expiresAt, now + lifetimeOf(listing.category)),
              },
            },
          ],
          followUp: "hold-for-next",
        },
      );
    },
    renew(facts, to) {
      const { listing, now } = facts;
      if (listing.state === "on-loan") {
        const dueAt = facts.until ?? (listing.dueAt ?? now) + defaultLoanMs;
        if (dueAt <= now) return outcome(listing, { kind: "date-past", loan: true });
        return outcome(
          listing,
          { kind: "loan-renewed", until: dueAt },
          {
            steps: [{ kind: "change", fields: { state: to, dueAt, changedAt: now } }],
            notices: listing.borrower === undefined ? [] : [{ kind: "loan-renewed", to: listing.borrower, until: dueAt }],
          },
        );
      }
      const expiresAt = facts.until ?? now + lifetimeOf(listing.category);
      if (expiresAt <= now) return outcome(listing, { kind: "date-past", loan: false });
      return outcome(listing, { kind: "renewed", until: expiresAt }, { steps: [{ kind: "change", fields: { state: to, expiresAt, changedAt: now } }] });
    },
    cancel(facts, to) {
      const { listing, sender } = facts;
      const notices: ActionNotice[] = [];
      if (sender !== listing.owner) notices.push({ kind: "cancelled-by-moderator", to: listing.owner, moderator: sender ?? "" });
      if (listing.promisedTo !== undefined && listing.promisedTo !== sender) notices.push({ kind: "cancelled", to: listing.promisedTo });
      return outcome(listing, { kind: "cancelled" }, { steps: [{ kind: "change", fields: { state: to, changedAt: facts.now } }], notices });
    },
    unshare(facts) {
      const { listing } = facts;
      if (listing.visibility === "block") return outcome(listing, { kind: "already-block-only" });
      const taker = listing.promisedTo ?? listing.borrower;
      if (taker !== undefined && serverOf(taker) !== listing.home) {
        return outcome(listing, { kind: "taker-elsewhere", state: listing.state, listingKind: listing.kind, taker });
      }
      const others = listing.queue.filter((userId) => serverOf(userId) !== listing.home);
      const heldElsewhere = listing.heldFor !== undefined && serverOf(listing.heldFor) !== listing.home;
      return outcome(
        listing,
        { kind: "unshared" },
        {
          steps: [
            ...(heldElsewhere ? [{ kind: "change", fields: noHold } satisfies BoardStep] : []),
            ...others.map((userId): BoardStep => ({ kind: "change", fields: {}, remove: userId })),
            { kind: "visibility", to: "block" },
          ],
          notices: others.map((userId): ActionNotice => ({ kind: "unshared-off-list", to: userId })),
        },
      );
    },
    share(facts) {
      const { listing } = facts;
      if (listing.visibility === "shared") return outcome(listing, { kind: "already-shared" });
      return outcome(listing, { kind: "shared" }, { steps: [{ kind: "visibility", to: "shared" }] });
    },
    expire(facts, to) {
      const { listing } = facts;
      return outcome(listing, undefined, {
        steps: [{ kind: "change", fields: { state: to, changedAt: facts.now } }],
        notices: [{ kind: "expired", to: listing.owner }],
      });
    },
  };
  return self;
}

/**
 * The action decided: refused (the table does not allow it now, or not for this neighbor), or what it
 * changes and who hears of it. `ownServer` is the acting block (its bids carry it).
 */
export function decideAction(facts: ActionFacts, ownServer: string): ActionOutcome {
  const { listing, action } = facts;
  const transition = transitionFor(listing.kind, listing.state, action);
  if (transition === undefined) {
    return outcome(listing, { kind: "not-now", state: listing.state, listingKind: listing.kind, actions: actionsFrom(listing.kind, listing.state) });
  }
  if (transition.by === "neighbor" && facts.sender === listing.owner) return outcome(listing, { kind: "own-listing" });
  if (!actorMatches(transition.by, facts)) return outcome(listing, { kind: "only-actor", actor: transition.by });
  return decisions(ownServer)[action](facts, transition.to);
}
