// Withdrawing from a waiting list: the decision (domain/interestWithdrawal.ts) is performed here; the
// neighbor's reply and the owner's notice are said by chat/shareWords.ts, each in their language.

import type { RichText } from "../../framework/contract.ts";
import { speakerFor } from "../../framework/speak.ts";
import { decideWithdrawal, type Withdrawal } from "../domain/interestWithdrawal.ts";
import type { Listing } from "../domain/listing.ts";
import { shortId } from "../domain/listingIds.ts";
import { forgetInterest, interestRecord } from "./interestRecords.ts";
import { holdForNext } from "./lendingHolds.ts";
import type { ShareRuntime } from "./shareRuntime.ts";
import { replyText } from "./shareWords.ts";

async function performWithdrawal(runtime: ShareRuntime, outcome: Withdrawal, now: number): Promise<void> {
  if (outcome.kind !== "withdrawn") return;
  const { listing, userId } = outcome;
  forgetInterest(runtime.store, listing.key, userId);
  // Held for them: the next in line is asked (holdForNext takes them off the list as it does).
  if (outcome.passHold) await holdForNext(runtime, listing, now, userId);
  else runtime.board.change(listing.key, {}, { remove: userId });
  if (outcome.tellOwner) await runtime.notify(listing, { kind: "no-longer-wants", to: listing.owner, who: userId });
}

/** Decide, perform, say: the neighbor's answer. */
export async function withdrawInterest(runtime: ShareRuntime, listing: Listing, userId: string, now: number): Promise<RichText> {
  const outcome = decideWithdrawal(listing, userId, interestRecord(runtime.store, listing.key, userId)?.ownerTold);
  await performWithdrawal(runtime, outcome, now);
  const named = { id: shortId(listing.home, listing.number, runtime.ownServer), title: listing.title };
  const reply =
    outcome.kind === "withdrawn" ? { kind: "withdrawn" as const, owner: listing.owner, ownerTold: outcome.tellOwner } : { kind: "not-waiting" as const };
  return replyText(speakerFor(runtime.context, userId), named, reply);
}
