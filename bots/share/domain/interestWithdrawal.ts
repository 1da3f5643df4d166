// Taking interest back, as pure decisions: what a reaction on a listing means, what removing one means,
// and what withdrawing from a waiting list does. The chat layer performs the outcome and words it.

import type { LifecycleAction } from "./lifecycle.ts";
import type { Listing } from "./listing.ts";

/** What a reaction on a listing message asks for. */
export type ReactionDecision =
  | { kind: "ignore" }
  /** The owner reacted: it does nothing, and must not look like a neighbor's interest. */
  | { kind: "own-listing"; listing: Listing }
  | { kind: "take-part"; listing: Listing; action: LifecycleAction };

export function decideReaction(listing: Listing | undefined, sender: string, takePart: (listing: Listing) => LifecycleAction): ReactionDecision {
  if (listing === undefined) return { kind: "ignore" };
  if (listing.owner === sender) return { kind: "own-listing", listing };
  return { kind: "take-part", listing, action: takePart(listing) };
}

/** A reaction that put its sender on a waiting list, as this block recorded it. */
export interface ReactionRecord {
  key: string;
  userId: string;
}

/** Whether the neighbor waits for the listing: on its list, or it is held for them. */
export function isWaiting(listing: Listing, userId: string): boolean {
  return listing.queue.includes(userId) || listing.heldFor === userId;
}

export type ReactionRemoval = { kind: "ignore" } | { kind: "withdraw"; key: string; userId: string };

/**
 * A reaction was redacted. Only the neighbor's own removal takes them off (a moderator tidying up is
 * not the neighbor changing their mind), and only when no other reaction of theirs still says yes.
 */
export function decideReactionRemoval(
  record: ReactionRecord | undefined,
  redactedBy: string,
  reactionsLeft: number,
  listing: Listing | undefined,
): ReactionRemoval {
  if (record === undefined || listing === undefined || record.userId !== redactedBy) return { kind: "ignore" };
  if (reactionsLeft > 0 || !isWaiting(listing, record.userId)) return { kind: "ignore" };
  return { kind: "withdraw", key: record.key, userId: record.userId };
}

export type Withdrawal =
  | { kind: "not-waiting"; listing: Listing; userId: string }
  | {
      kind: "withdrawn";
      listing: Listing;
      userId: string;
      /** The owner heard of their interest, so hears that it is gone. */
      tellOwner: boolean;
      /** The returned thing was held for them: the next in line is asked. */
      passHold: boolean;
    };

/** `ownerTold`: what this block recorded when the interest was taken (unknown counts as told: the bot always tries). */
export function decideWithdrawal(listing: Listing, userId: string, ownerTold: boolean | undefined): Withdrawal {
  if (!isWaiting(listing, userId)) return { kind: "not-waiting", listing, userId };
  return { kind: "withdrawn", listing, userId, tellOwner: ownerTold ?? true, passHold: listing.heldFor === userId };
}
