// Withdrawing from a waiting list: the decision (domain/interestWithdrawal.ts) is performed here and
// put into words for the neighbor and the owner, each in their language.

import type { RichText } from "../../framework/contract.ts";
import { mention } from "../../framework/richText.ts";
import { speakerFor } from "../../framework/speak.ts";
import { decideWithdrawal, type Withdrawal } from "../domain/interestWithdrawal.ts";
import type { Listing } from "../domain/listing.ts";
import { shortId } from "../domain/listingIds.ts";
import { forgetInterest, interestRecord } from "./interestRecords.ts";
import { holdForNext } from "./lendingHolds.ts";
import type { ShareRuntime } from "./shareRuntime.ts";
import { typed } from "./shareWords.ts";

const named = (runtime: ShareRuntime, listing: Listing) => {
  const id = shortId(listing.home, listing.number, runtime.ownServer);
  return { id, title: listing.title, number: typed(id) };
};

async function performWithdrawal(runtime: ShareRuntime, outcome: Withdrawal, now: number): Promise<void> {
  if (outcome.kind !== "withdrawn") return;
  const { listing, userId } = outcome;
  forgetInterest(runtime.store, listing.key, userId);
  // Held for them: the next in line is asked (holdForNext takes them off the list as it does).
  if (outcome.passHold) await holdForNext(runtime, listing, now, userId);
  else runtime.board.change(listing.key, {}, { remove: userId });
  if (outcome.tellOwner) {
    await runtime.tell(listing.owner, speakerFor(runtime.context, listing.owner).say("share.withdraw.ownerNotice", { ...named(runtime, listing), who: mention(userId) }));
  }
}

function neighborReply(runtime: ShareRuntime, outcome: Withdrawal): RichText {
  const speaker = speakerFor(runtime.context, outcome.userId);
  const values = named(runtime, outcome.listing);
  if (outcome.kind === "not-waiting") return speaker.say("share.withdraw.notWaiting", values);
  return outcome.tellOwner ? speaker.say("share.withdraw.doneOwnerTold", { ...values, owner: mention(outcome.listing.owner) }) : speaker.say("share.withdraw.done", values);
}

/** Decide, perform, say: the neighbor's answer. */
export async function withdrawInterest(runtime: ShareRuntime, listing: Listing, userId: string, now: number): Promise<RichText> {
  const outcome = decideWithdrawal(listing, userId, interestRecord(runtime.store, listing.key, userId)?.ownerTold);
  await performWithdrawal(runtime, outcome, now);
  return neighborReply(runtime, outcome);
}
