// The waiting list of a lendable thing once it is back: the first in line is asked and has
// `holdWindowMs` (2 days) to confirm with !claim; if they do not, their turn lapses and the next in
// line is asked. A confirmed hold stays until the owner lends the thing out (to them or anyone).
// Who is told what is a notice; chat/shareWords.ts says it in the reader's language.

import type { RichText } from "../../framework/contract.ts";
import { speakerFor } from "../../framework/speak.ts";
import type { Listing } from "../domain/listing.ts";
import { shortId } from "../domain/listingIds.ts";
import { holdWindowMs } from "../domain/timedWork.ts";
import type { ShareRuntime } from "./shareRuntime.ts";
import { replyText } from "./shareWords.ts";

/**
 * Holds the thing for the first in line (after `skipping`, whose turn lapsed) and tells them and the
 * owner; clears the hold when nobody is waiting. Returns who it is held for.
 */
export async function holdForNext(runtime: ShareRuntime, listing: Listing, now: number, skipping?: string): Promise<string | undefined> {
  const next = listing.queue.find((userId) => userId !== skipping);
  const remove = skipping === undefined ? {} : { remove: skipping };
  if (next === undefined) {
    runtime.board.change(listing.key, { heldFor: undefined, holdUntil: undefined, holdConfirmed: undefined }, remove);
    if (skipping !== undefined) await runtime.notify(listing, { kind: "nobody-else-waiting", to: listing.owner });
    return undefined;
  }
  const holdUntil = now + holdWindowMs;
  runtime.board.change(listing.key, { heldFor: next, holdUntil, holdConfirmed: undefined }, remove);
  await runtime.notify(listing, { kind: "your-turn", to: next, until: holdUntil });
  await runtime.notify(listing, { kind: "next-in-line", to: listing.owner, who: next, until: holdUntil });
  return next;
}

/** The neighbor the thing is held for says yes: the owner is told, the hold no longer lapses. */
export async function confirmHold(runtime: ShareRuntime, listing: Listing): Promise<RichText> {
  const holder = listing.heldFor ?? "";
  const named = { id: shortId(listing.home, listing.number, runtime.ownServer), title: listing.title };
  const toHolder = speakerFor(runtime.context, holder);
  if (listing.holdConfirmed === true) return replyText(toHolder, named, { kind: "hold-already-confirmed", owner: listing.owner });
  runtime.board.change(listing.key, { holdConfirmed: true });
  await runtime.notify(listing, { kind: "hold-confirmed", to: listing.owner, who: holder });
  return replyText(toHolder, named, { kind: "hold-confirmed", owner: listing.owner });
}

/** The timed job: an unconfirmed hold ran out. */
export async function lapseHold(runtime: ShareRuntime, listing: Listing, now: number): Promise<void> {
  const lapsed = listing.heldFor;
  if (lapsed === undefined) return;
  await runtime.notify(listing, { kind: "turn-lapsed", to: lapsed });
  await holdForNext(runtime, listing, now, lapsed);
}
