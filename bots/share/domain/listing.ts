// What a listing is, as plain data: the board document stores these fields, the chat shows them.

export type ListingKind = "offer" | "ask" | "lend";

export type ListingState = "open" | "promised" | "handed-over" | "fulfilled" | "on-loan" | "cancelled" | "expired";

/** "block": this block only (never leaves the box); "shared": replicated to the pact's blocks. */
export type Visibility = "block" | "shared";

export interface Listing {
  /** `<home server>/<number>`: unique across the pact without coordination. */
  key: string;
  /** The short number neighbors type (#12), unique within the home block. */
  number: number;
  /** Server name of the block whose neighbor posted it; that block's bot does its timed work. */
  home: string;
  kind: ListingKind;
  state: ListingState;
  title: string;
  description?: string;
  quantity?: string;
  category: string;
  /** Coarse pickup area in the owner's words ("my building"); never a street address. */
  area: string;
  /** mxc:// URI of a photo the owner posted. */
  photo?: string;
  visibility: Visibility;
  /** The giver said whoever claims first gets it (otherwise the giver chooses). */
  firstCome: boolean;
  owner: string;
  createdAt: number;
  expiresAt: number;
  /** Offer/ask: who it is promised to (taker or helper). */
  promisedTo?: string;
  /** Lend: who has it now, and until when. */
  borrower?: string;
  dueAt?: number;
  /** When the state last changed. */
  changedAt: number;
  /** Neighbors who said they would like it (offer) or are waiting for it (lend), in order. */
  queue: readonly string[];
  /** Lend: a returned thing is held for the first in line until `holdUntil`, unless they confirm. */
  heldFor?: string;
  holdUntil?: number;
  holdConfirmed?: boolean;
  /** How many times it was promised (or lent); a promise made on each side of a partition shares a round. */
  promiseRound?: number;
  /** Every promise (claim, help, promise by the giver) as the acting block recorded it, by round. */
  bids: readonly PromiseBid[];
}

/** One promise as the block where it was made wrote it: to whom, when by that bot's clock, in which round. */
export interface PromiseBid {
  round: number;
  /** Server name of the block whose bot made the promise (and told the neighbor). */
  block: string;
  to: string;
  at: number;
}

/** States after which nothing more happens to a listing: its timed-work records can go. */
export const closedStates: ReadonlySet<ListingState> = new Set(["handed-over", "fulfilled", "cancelled"]);

/** States in which a listing still counts as open for limits and shows in `!list`. */
export const liveStates: ReadonlySet<ListingState> = new Set(["open", "promised", "on-loan"]);

export function isLive(listing: Listing): boolean {
  return liveStates.has(listing.state);
}

export function serverOf(userId: string): string {
  const colon = userId.indexOf(":");
  return colon === -1 ? "" : userId.slice(colon + 1);
}
