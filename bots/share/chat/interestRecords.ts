// What this block remembers about a neighbor's interest in a listing: whether the owner was told, and
// the reactions that said yes, so that removing a reaction (a redaction naming only its event id) maps
// back to the listing and the neighbor. Store keys: `interest/<listing key>|<user>` and `reaction/<event id>`.

import type { BotStore } from "../../framework/contract.ts";
import type { Listing } from "../domain/listing.ts";
import { isWaiting, type ReactionRecord } from "../domain/interestWithdrawal.ts";

interface InterestRecord {
  ownerTold: boolean;
  reactions: string[];
}

const interestKey = (key: string, userId: string) => `interest/${key}|${userId}`;

export function interestRecord(store: BotStore, key: string, userId: string): InterestRecord | undefined {
  return store.get<InterestRecord>(interestKey(key, userId));
}

export function recordOwnerTold(store: BotStore, key: string, userId: string, ownerTold: boolean): void {
  store.put(interestKey(key, userId), { reactions: [], ...interestRecord(store, key, userId), ownerTold });
}

export function recordReaction(store: BotStore, key: string, userId: string, eventId: string): void {
  const record = interestRecord(store, key, userId) ?? { ownerTold: true, reactions: [] };
  if (!record.reactions.includes(eventId)) store.put(interestKey(key, userId), { ...record, reactions: [...record.reactions, eventId] });
  store.put(`reaction/${eventId}`, { key, userId } satisfies ReactionRecord);
}

export function reactionRecord(store: BotStore, eventId: string): ReactionRecord | undefined {
  return store.get<ReactionRecord>(`reaction/${eventId}`);
}

/** How many other reactions of the same neighbor on the same listing still say yes. */
export function otherReactions(store: BotStore, eventId: string): number {
  const reaction = reactionRecord(store, eventId);
  if (reaction === undefined) return 0;
  return (interestRecord(store, reaction.key, reaction.userId)?.reactions ?? []).filter((id) => id !== eventId).length;
}

/** Forgets one removed reaction. */
export function forgetReaction(store: BotStore, eventId: string): void {
  const reaction = reactionRecord(store, eventId);
  store.delete(`reaction/${eventId}`);
  const record = reaction === undefined ? undefined : interestRecord(store, reaction.key, reaction.userId);
  if (reaction === undefined || record === undefined) return;
  store.put(interestKey(reaction.key, reaction.userId), { ...record, reactions: record.reactions.filter((id) => id !== eventId) });
}

export function forgetInterest(store: BotStore, key: string, userId: string): void {
  for (const eventId of interestRecord(store, key, userId)?.reactions ?? []) store.delete(`reaction/${eventId}`);
  store.delete(interestKey(key, userId));
}

/** Records of neighbors no longer waiting (promised, lent, withdrawn, the listing gone) are dropped. */
export function pruneInterestRecords(store: BotStore, key: string, listing: Listing | undefined): void {
  for (const record of store.keys(`interest/${key}|`)) {
    const userId = record.slice(`interest/${key}|`.length);
    if (listing === undefined || !isWaiting(listing, userId)) forgetInterest(store, key, userId);
  }
}
