// Community-set fairness: how many open listings a neighbor may have, how many claims a week, and
// whether neighbors of pact blocks may claim. Every check compares full Matrix IDs and server names.

import type { SharingLimits } from "../../framework/contract.ts";
import { isLive, serverOf, type Listing } from "./listing.ts";

export const weekMs = 7 * 24 * 60 * 60 * 1000;

/** Why a neighbor may not post or take part: said in their language by the renderer (chat/shareWords.ts). */
export type FairnessProblem =
  | { kind: "too-many-open"; open: number; max: number }
  | { kind: "weekly-claims"; recent: number; max: number }
  | { kind: "own-listing" }
  | { kind: "unknown-block" }
  | { kind: "block-only" }
  | { kind: "home-keeps-claims"; home: string };

export type Verdict = { ok: true } | { ok: false; problem: FairnessProblem };

const allowed: Verdict = { ok: true };

export function mayPost(owner: string, listings: Iterable<Listing>, limits: SharingLimits): Verdict {
  let open = 0;
  for (const listing of listings) if (listing.owner === owner && isLive(listing)) open += 1;
  return open < limits.maxOpenListings ? allowed : { ok: false, problem: { kind: "too-many-open", open, max: limits.maxOpenListings } };
}

/** `claimTimes`: when this neighbor claimed before (ms); only the last rolling week counts. */
export function mayClaimThisWeek(claimTimes: readonly number[], now: number, limits: SharingLimits): Verdict {
  const recent = claimTimes.filter((time) => now - time < weekMs).length;
  return recent < limits.maxClaimsPerWeek ? allowed : { ok: false, problem: { kind: "weekly-claims", recent, max: limits.maxClaimsPerWeek } };
}

export interface Neighborhoods {
  ownServer: string;
  pactServers: readonly string[];
  /** The home block's policy, as it published it on the board; unknown means no. */
  pactNeighborsMayClaim(home: string): boolean;
}

/** Whether this neighbor may claim, ask for or borrow the listing at all. */
export function mayTakePart(listing: Listing, userId: string, where: Neighborhoods): Verdict {
  if (listing.owner === userId) return { ok: false, problem: { kind: "own-listing" } };
  const server = serverOf(userId);
  if (server === listing.home) return allowed;
  const knownBlock = server === where.ownServer || where.pactServers.includes(server);
  if (!knownBlock) return { ok: false, problem: { kind: "unknown-block" } };
  if (listing.visibility !== "shared") return { ok: false, problem: { kind: "block-only" } };
  return where.pactNeighborsMayClaim(listing.home) ? allowed : { ok: false, problem: { kind: "home-keeps-claims", home: listing.home } };
}
