// The waiting list of a lendable thing once it is back: the first in line is asked and has
// `holdWindowMs` (2 days) to confirm with !claim; if they do not, their turn lapses and the next in
// line is asked. A confirmed hold stays until the owner lends the thing out (to them or anyone).

import type { RichText } from "../../framework/contract.ts";
import { code, mention, message } from "../../framework/richText.ts";
import { formatDate } from "../domain/dates.ts";
import type { Listing } from "../domain/listing.ts";
import { shortId } from "../domain/listingIds.ts";
import { holdWindowMs } from "../domain/timedWork.ts";
import type { ShareRuntime } from "./shareRuntime.ts";

const idOf = (runtime: ShareRuntime, listing: Listing) => shortId(listing.home, listing.number, runtime.ownServer);

/**
 * Holds the thing for the first in line (after `skipping`, whose turn lapsed) and tells them and the
 * owner; clears the hold when nobody is waiting. Returns who it is held for.
 */
export async function holdForNext(runtime: ShareRuntime, listing: Listing, now: number, skipping?: string): Promise<string | undefined> {
  const next = listing.queue.find((userId) => userId !== skipping);
  const id = idOf(runtime, listing);
  if (next === undefined) {
    runtime.board.change(listing.key, { heldFor: undefined, holdUntil: undefined, holdConfirmed: undefined }, skipping === undefined ? {} : { remove: skipping });
    if (skipping !== undefined) await runtime.tell(listing.owner, message(`Nobody else is waiting for ${id} (${listing.title}); it is simply available.`));
    return undefined;
  }
  const holdUntil = now + holdWindowMs;
  runtime.board.change(listing.key, { heldFor: next, holdUntil, holdConfirmed: undefined }, skipping === undefined ? {} : { remove: skipping });
  await runtime.tell(next, message(
    `${listing.title} (${id}) is back and you are first in line. Still want it? Send `, code(`!claim ${id.slice(1)}`),
    ` by ${formatDate(holdUntil)}; after that the next in line is asked.`,
  ));
  await runtime.tell(listing.owner, message(
    `Next in line for ${id}: `, mention(next), `, who has until ${formatDate(holdUntil)} to confirm. To lend it: `,
    code(`!lend-out ${id.slice(1)} ${next} for 1 week`), ".",
  ));
  return next;
}

/** The neighbor the thing is held for says yes: the owner is told, the hold no longer lapses. */
export async function confirmHold(runtime: ShareRuntime, listing: Listing): Promise<RichText> {
  const id = idOf(runtime, listing);
  const holder = listing.heldFor ?? "";
  if (listing.holdConfirmed === true) return message(`You already confirmed; `, mention(listing.owner), " will lend it to you.");
  runtime.board.change(listing.key, { holdConfirmed: true });
  await runtime.tell(listing.owner, message(mention(holder), ` confirmed they still want ${id} (${listing.title}). To lend it: `, code(`!lend-out ${id.slice(1)} ${holder} for 1 week`), "."));
  return message(`Confirmed: ${id} is held for you. I told `, mention(listing.owner), ", who will lend it to you.");
}

/** The timed job: an unconfirmed hold ran out. */
export async function lapseHold(runtime: ShareRuntime, listing: Listing, now: number): Promise<void> {
  const lapsed = listing.heldFor;
  if (lapsed === undefined) return;
  await runtime.tell(lapsed, message(`Your turn for ${listing.title} (${idOf(runtime, listing)}) lapsed: you did not confirm in time, so I asked the next in line. You can join the list again with `, code(`!hold ${idOf(runtime, listing).slice(1)}`), "."));
  await holdForNext(runtime, listing, now, lapsed);
}
