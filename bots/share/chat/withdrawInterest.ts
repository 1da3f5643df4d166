// Withdrawing from a waiting list: the decision (domain/interestWithdrawal.ts) is performed here and
// put into words for the neighbor and the owner.

import type { RichText } from "../../framework/contract.ts";
import { code, mention, message } from "../../framework/richText.ts";
import { decideWithdrawal, type Withdrawal } from "../domain/interestWithdrawal.ts";
import type { Listing } from "../domain/listing.ts";
import { shortId } from "../domain/listingIds.ts";
import { forgetInterest, interestRecord } from "./interestRecords.ts";
import { holdForNext } from "./lendingHolds.ts";
import type { ShareRuntime } from "./shareRuntime.ts";

const idOf = (runtime: ShareRuntime, listing: Listing) => shortId(listing.home, listing.number, runtime.ownServer);

async function performWithdrawal(runtime: ShareRuntime, outcome: Withdrawal, now: number): Promise<void> {
  if (outcome.kind !== "withdrawn") return;
  const { listing, userId } = outcome;
  forgetInterest(runtime.store, listing.key, userId);
  // Held for them: the next in line is asked (holdForNext takes them off the list as it does).
  if (outcome.passHold) await holdForNext(runtime, listing, now, userId);
  else runtime.board.change(listing.key, {}, { remove: userId });
  if (outcome.tellOwner) await runtime.tell(listing.owner, ownerNotice(runtime, outcome));
}

function ownerNotice(runtime: ShareRuntime, outcome: Withdrawal): RichText {
  return message(mention(outcome.userId), ` no longer wants ${idOf(runtime, outcome.listing)} (${outcome.listing.title}); they are off the list.`);
}

function neighborReply(runtime: ShareRuntime, outcome: Withdrawal): RichText {
  const id = idOf(runtime, outcome.listing);
  if (outcome.kind === "not-waiting") return message(`You are not on the list for ${id} (${outcome.listing.title}). To join it: `, code(`!claim ${id.slice(1)}`), ".");
  const told = outcome.tellOwner ? message("; I told ", mention(outcome.listing.owner)) : "";
  return message(`You are off the list for ${id} (${outcome.listing.title})`, told, ". Changed your mind again? ", code(`!claim ${id.slice(1)}`), ".");
}

/** Decide, perform, say: the neighbor's answer. */
export async function withdrawInterest(runtime: ShareRuntime, listing: Listing, userId: string, now: number): Promise<RichText> {
  const outcome = decideWithdrawal(listing, userId, interestRecord(runtime.store, listing.key, userId)?.ownerTold);
  await performWithdrawal(runtime, outcome, now);
  return neighborReply(runtime, outcome);
}
