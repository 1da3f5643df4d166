// Promises made on both sides of a partition. Each block records its promises as bids (round, block,
// to, at); two bids in one round for different neighbors mean both blocks gave the listing away while
// cut off. Pure: which bid stands follows from the bids alone, so every block picks the same one.
//
// The rule: a promise made on the listing's own (home) block stands over one made elsewhere (the
// owner's block decides about its listing); between two made elsewhere the earlier stands (by the
// acting bots' clocks), and on equal times the lower Matrix ID, so the choice is never a coin toss.

import type { Listing, PromiseBid } from "./listing.ts";

export interface LostPromise {
  bid: PromiseBid;
  winner: PromiseBid;
}

export interface PromiseSettlement {
  /** The bid that stands in the listing's current round, when that round had competing bids. */
  standing?: PromiseBid;
  /** Bids that lost to another bid of their round. */
  losses: LostPromise[];
}

export function compareBids(home: string): (a: PromiseBid, b: PromiseBid) => number {
  const rank = (bid: PromiseBid) => (bid.block === home ? 0 : 1);
  return (a, b) => rank(a) - rank(b) || a.at - b.at || (a.to < b.to ? -1 : a.to > b.to ? 1 : 0);
}

export function settlePromises(listing: Listing): PromiseSettlement {
  const byRound = new Map<number, PromiseBid[]>();
  for (const bid of listing.bids) byRound.set(bid.round, [...(byRound.get(bid.round) ?? []), bid]);
  const losses: LostPromise[] = [];
  let standing: PromiseBid | undefined;
  for (const [round, bids] of byRound) {
    if (new Set(bids.map((bid) => bid.to)).size < 2) continue;
    const [winner, ...rest] = [...bids].sort(compareBids(listing.home)) as [PromiseBid, ...PromiseBid[]];
    for (const bid of rest) if (bid.to !== winner.to) losses.push({ bid, winner });
    if (round === listing.promiseRound) standing = winner;
  }
  return standing === undefined ? { losses } : { standing, losses };
}

/** The promisedTo the listing should have after a merge, when the merge left it with a losing bid's. */
export function correctedPromise(listing: Listing, settlement: PromiseSettlement): string | undefined {
  const { standing } = settlement;
  if (standing === undefined || listing.state !== "promised" || listing.promisedTo === standing.to) return undefined;
  const competing = listing.bids.some((bid) => bid.round === standing.round && bid.to === listing.promisedTo);
  return competing ? standing.to : undefined;
}
