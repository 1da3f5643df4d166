// The listing lifecycle as a table: for each kind and state, which actions are possible, who may take
// them and the state they lead to. Commands look transitions up here; nothing else decides states.

import type { ListingKind, ListingState } from "./listing.ts";

export type LifecycleAction =
  | "promise" // the owner picks who gets it
  | "claim-first-come" // a neighbor takes a first-come offer
  | "interest" // a neighbor would like it; the owner chooses (offer) or they queue (lend)
  | "help" // a neighbor offers to fulfil an ask
  | "release" // a promise falls through; back to open
  | "hand-over"
  | "fulfil"
  | "lend-out"
  | "return"
  | "renew"
  | "hold"
  | "withdraw" // a neighbor on the waiting list takes their interest back
  | "cancel"
  | "expire"
  | "unshare" // the listing stops being shared with the pact (it stays on its own block)
  | "share"; // a block-only listing becomes shared with the pact

/**
 * owner: who posted it. party: the owner or the neighbor it is promised/lent to. staff: the owner or a
 * room moderator of the home block. neighbor: anyone but the owner who may take part. system: timed work.
 */
export type Actor = "owner" | "party" | "staff" | "neighbor" | "system";

export interface Transition {
  to: ListingState;
  by: Actor;
}

type StateTable = Partial<Record<ListingState, Partial<Record<LifecycleAction, Transition>>>>;

/** Whoever waits for a listing may leave its list while the list lasts. */
const withdrawable = (state: ListingState): Partial<Record<LifecycleAction, Transition>> => ({ withdraw: { to: state, by: "neighbor" } });
const cancellable: Partial<Record<LifecycleAction, Transition>> = { cancel: { to: "cancelled", by: "staff" } };
const renewable: Partial<Record<LifecycleAction, Transition>> = { renew: { to: "open", by: "owner" } };
/** Who sees a listing changes nothing about its state; the owner or a moderator may change it while it lives. */
const visibility = (state: ListingState): Partial<Record<LifecycleAction, Transition>> => ({
  unshare: { to: state, by: "staff" },
  share: { to: state, by: "staff" },
});

export const lifecycle: Readonly<Record<ListingKind, StateTable>> = {
  offer: {
    open: {
      promise: { to: "promised", by: "owner" },
      "claim-first-come": { to: "promised", by: "neighbor" },
      interest: { to: "open", by: "neighbor" },
      ...withdrawable("open"),
      expire: { to: "expired", by: "system" },
      ...renewable,
      ...cancellable,
      ...visibility("open"),
    },
    promised: {
      "hand-over": { to: "handed-over", by: "party" },
      release: { to: "open", by: "party" },
      ...withdrawable("promised"),
      ...cancellable,
      ...visibility("promised"),
    },
    expired: { ...renewable, ...visibility("expired") },
  },
  ask: {
    open: {
      help: { to: "promised", by: "neighbor" },
      fulfil: { to: "fulfilled", by: "owner" },
      expire: { to: "expired", by: "system" },
      ...renewable,
      ...cancellable,
      ...visibility("open"),
    },
    promised: {
      fulfil: { to: "fulfilled", by: "owner" },
      "hand-over": { to: "fulfilled", by: "party" },
      release: { to: "open", by: "party" },
      ...cancellable,
      ...visibility("promised"),
    },
    expired: { ...renewable, ...visibility("expired") },
  },
  lend: {
    open: {
      "lend-out": { to: "on-loan", by: "owner" },
      hold: { to: "open", by: "neighbor" },
      interest: { to: "open", by: "neighbor" },
      ...withdrawable("open"),
      expire: { to: "expired", by: "system" },
      ...renewable,
      ...cancellable,
      ...visibility("open"),
    },
    "on-loan": {
      return: { to: "open", by: "party" },
      renew: { to: "on-loan", by: "owner" },
      hold: { to: "on-loan", by: "neighbor" },
      interest: { to: "on-loan", by: "neighbor" },
      ...withdrawable("on-loan"),
      ...visibility("on-loan"),
    },
    expired: { ...renewable, ...visibility("expired") },
  },
};

export function transitionFor(kind: ListingKind, state: ListingState, action: LifecycleAction): Transition | undefined {
  return lifecycle[kind][state]?.[action];
}

/** What can be done next: a refusal names the commands for these (chat/actionCommands.ts). */
export function actionsFrom(kind: ListingKind, state: ListingState): LifecycleAction[] {
  return Object.keys(lifecycle[kind][state] ?? {}) as LifecycleAction[];
}
