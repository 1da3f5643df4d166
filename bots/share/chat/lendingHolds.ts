// The waiting list of a lendable thing once it is back: the first in line is asked and has
// `holdWindowMs` (2 days) to confirm with !claim; if they do not, their turn lapses and the next in
// line is asked. A confirmed hold stays until the owner lends the thing out (to them or anyone).
// Each message is said in its reader's language (chat/shareWords.ts).

import type { RichText } from "../../framework/contract.ts";
import { mention } from "../../framework/richText.ts";
import { speakerFor } from "../../framework/speak.ts";
import type { Listing } from "../domain/listing.ts";
import { shortId } from "../domain/listingIds.ts";
import { holdWindowMs } from "../domain/timedWork.ts";
import type { ShareRuntime } from "./shareRuntime.ts";
import { typed, when, yesCommand } from "./shareWords.ts";

const named = (runtime: ShareRuntime, listing: Listing) => {
  const id = shortId(listing.home, listing.number, runtime.ownServer);
  return { id, title: listing.title, number: typed(id) };
};

/**
 * Holds the thing for the first in line (after `skipping`, whose turn lapsed) and tells them and the
 * owner; clears the hold when nobody is waiting. Returns who it is held for.
 */
export async function holdForNext(runtime: ShareRuntime, listing: Listing, now: number, skipping?: string): Promise<string | undefined> {
  const next = listing.queue.find((userId) => userId !== skipping);
  const values = named(runtime, listing);
  const say = (userId: string) => speakerFor(runtime.context, userId);
  if (next === undefined) {
    runtime.board.change(listing.key, { heldFor: undefined, holdUntil: undefined, holdConfirmed: undefined }, skipping === undefined ? {} : { remove: skipping });
    if (skipping !== undefined) await runtime.tell(listing.owner, say(listing.owner).say("share.hold.nobodyElse", values));
    return undefined;
  }
  const holdUntil = now + holdWindowMs;
  runtime.board.change(listing.key, { heldFor: next, holdUntil, holdConfirmed: undefined }, skipping === undefined ? {} : { remove: skipping });
  await runtime.tell(next, say(next).say("share.hold.yourTurn", { ...values, until: when(holdUntil) }));
  const toOwner = say(listing.owner);
  await runtime.tell(listing.owner, toOwner.say("share.hold.ownerNext", { ...values, who: mention(next), until: when(holdUntil), command: yesCommand(toOwner, listing, values.id, next) }));
  return next;
}

/** The neighbor the thing is held for says yes: the owner is told, the hold no longer lapses. */
export async function confirmHold(runtime: ShareRuntime, listing: Listing): Promise<RichText> {
  const values = named(runtime, listing);
  const holder = listing.heldFor ?? "";
  const toHolder = speakerFor(runtime.context, holder);
  if (listing.holdConfirmed === true) return toHolder.say("share.hold.alreadyConfirmed", { owner: mention(listing.owner) });
  runtime.board.change(listing.key, { holdConfirmed: true });
  const toOwner = speakerFor(runtime.context, listing.owner);
  await runtime.tell(listing.owner, toOwner.say("share.hold.ownerConfirmed", { ...values, who: mention(holder), command: yesCommand(toOwner, listing, values.id, holder) }));
  return toHolder.say("share.hold.confirmed", { id: values.id, owner: mention(listing.owner) });
}

/** The timed job: an unconfirmed hold ran out. */
export async function lapseHold(runtime: ShareRuntime, listing: Listing, now: number): Promise<void> {
  const lapsed = listing.heldFor;
  if (lapsed === undefined) return;
  await runtime.tell(lapsed, speakerFor(runtime.context, lapsed).say("share.hold.lapsed", named(runtime, listing)));
  await holdForNext(runtime, listing, now, lapsed);
}
