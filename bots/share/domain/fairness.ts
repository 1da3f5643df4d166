// Community-set fairness: how many open listings a neighbor may have, how many claims a week, and
// whether neighbors of pact blocks may claim. Every check compares full Matrix IDs and server names.

import type { SharingLimits } from "../../framework/contract.ts";
import { isLive, serverOf, type Listing } from "./listing.ts";

export const weekMs = 7 * 24 * 60 * 60 * 1000;

export type Verdict = { ok: true } | { ok: false; reason: string };

const allowed: Verdict = { ok: true };

export function mayPost(owner: string, listings: Iterable<Listing>, limits: SharingLimits): Verdict {
  let open = 0;
  for (const listing of listings) if (listing.owner === owner && isLive(listing)) open += 1;
  return open < limits.maxOpenListings
    ? allowed
    : { ok: false, reason: `You already have ${open} open listings, the most this block allows (${limits.maxOpenListings}). Close one with !handed, !cancel or !returned first.` };
}

/** `claimTimes`: when this neighbor claimed before (ms); only the last rolling week counts. */
export function mayClaimThisWeek(claimTimes: readonly number[], now: number, limits: SharingLimits): Verdict {
  const recent = claimTimes.filter((time) => now - time < weekMs).length;
  return recent < limits.maxClaimsPerWeek
    ? allowed
    : { ok: false, reason: `You have made ${recent} claims this week, the most this block allows (${limits.maxClaimsPerWeek}). Leave some for the neighbors; try again in a few days.` };
}

export interface Neighborhoods {
  ownServer: string;
  pactServers: readonly string[];
  /** The home block's policy, as it published it on the board; unknown means no. */
  pactNeighborsMayClaim(home: string): boolean;
}

/** Whether this neighbor may claim, ask for or borrow the listing at all. */
export function mayTakePart(listing: Listing, userId: string, where: Neighborhoods): Verdict {
  if (listing.owner === userId) return { ok: false, reason: "That is your own listing." };
  const server = serverOf(userId);
  if (server === listing.home) return allowed;
  const knownBlock = server === where.ownServer || where.pactServers.includes(server);
  if (!knownBlock) return { ok: false, reason: "Only neighbors of this block and of its pact blocks can take part." };
  if (listing.visibility !== "shared") return { ok: false, reason: "That listing is for its own block only." };
  return where.pactNeighborsMayClaim(listing.home)
    ? allowed
    : { ok: false, reason: `The block ${listing.home} keeps claims to its own neighbors for now.` };
}
