// How a listing reads in the Sharing room (one message, edited as its state changes) and in lists.

import type { RichText } from "../../framework/contract.ts";
import { bold, code, italic, lines, mention, message, rich, type Inline } from "../../framework/richText.ts";
import { formatDate } from "../domain/dates.ts";
import { stateLabel } from "../domain/lifecycle.ts";
import type { Listing, ListingKind } from "../domain/listing.ts";
import { shortId } from "../domain/listingIds.ts";

const kindLabels: Readonly<Record<ListingKind, { icon: string; word: string }>> = {
  offer: { icon: "🎁", word: "Offer" },
  ask: { icon: "🙋", word: "Ask" },
  lend: { icon: "🔁", word: "To lend" },
};

const mxcPattern = /^mxc:\/\/[A-Za-z0-9.:-]+\/[A-Za-z0-9_-]+$/u;

export function isMxcUri(value: string): boolean {
  return mxcPattern.test(value);
}

function photo(uri: string): RichText {
  // Only a well-formed mxc:// URI ever reaches the HTML, so nothing needs escaping here.
  return isMxcUri(uri) ? { html: `<img src="${uri}" alt="photo" height="160">`, text: "(photo attached)" } : rich("");
}

/** What a neighbor can do next, by kind and state: a table, like the lifecycle. */
const nextStepHints: Readonly<Record<ListingKind, Partial<Record<Listing["state"], (id: string) => Inline>>>> = {
  offer: {
    open: (id) => rich("Want it? React 👍 or send ", code(`!claim ${id}`), "."),
    promised: (id) => rich("The giver marks it done with ", code(`!handed ${id}`), "."),
  },
  ask: {
    open: (id) => rich("Can you help? React 👍 or send ", code(`!claim ${id}`), "."),
  },
  lend: {
    open: (id) => rich("To borrow it, react 👍 or send ", code(`!claim ${id}`), "."),
    "on-loan": (id) => rich("Join the waiting list with ", code(`!hold ${id}`), "."),
  },
};

function statusLine(listing: Listing): Inline {
  const label = bold(stateLabel(listing.kind, listing.state));
  if (listing.state === "promised" && listing.promisedTo !== undefined) return rich("Status: ", label, " to ", mention(listing.promisedTo));
  if (listing.state === "on-loan" && listing.borrower !== undefined) {
    return rich("Status: ", label, " to ", mention(listing.borrower), listing.dueAt === undefined ? "" : `, due ${formatDate(listing.dueAt)}`);
  }
  if (listing.state === "open" && listing.heldFor !== undefined) {
    const until = listing.holdConfirmed === true || listing.holdUntil === undefined ? "" : ` until ${formatDate(listing.holdUntil)}`;
    return rich("Status: ", label, " · held for ", mention(listing.heldFor), until);
  }
  return rich("Status: ", label);
}

/** What a pact block's listing message becomes when its home block stops sharing it. */
export function renderWithdrawn(id: string): RichText {
  return message(rich(bold(`Listing ${id}`), " is no longer shared with this block."));
}

export function renderListing(listing: Listing, ownServer: string): RichText {
  const id = shortId(listing.home, listing.number, ownServer);
  const { icon, word } = kindLabels[listing.kind];
  const waiting = listing.queue.length;
  const facts: Inline[] = [
    listing.quantity === undefined ? "" : `Quantity: ${listing.quantity} · `,
    `Pickup: ${listing.area} · `,
    listing.state === "open" ? `Until ${formatDate(listing.expiresAt)}` : `Posted ${formatDate(listing.createdAt)}`,
  ];
  const hint = nextStepHints[listing.kind][listing.state]?.(id.slice(1));
  return message(lines(
    rich(`${icon} `, bold(`${word} ${id}`), ` · ${listing.category} — `, listing.title),
    ...(listing.description === undefined ? [] : [italic(listing.description)]),
    ...(listing.photo === undefined ? [] : [photo(listing.photo)]),
    rich(...facts),
    rich("From ", mention(listing.owner), listing.visibility === "shared" ? " · shared with the pact" : " · this block only", listing.firstCome ? " · first come, first served" : ""),
    rich(statusLine(listing), waiting > 0 ? ` · ${waiting} waiting` : ""),
    ...(hint === undefined ? [] : [rich(hint, " Questions: reply in this thread.")]),
  ));
}

/** One line per listing for !list and !mine. */
export function listingLine(listing: Listing, ownServer: string): RichText {
  const id = shortId(listing.home, listing.number, ownServer);
  return rich(`${kindLabels[listing.kind].icon} `, bold(id), ` ${listing.title} · ${listing.category} · ${stateLabel(listing.kind, listing.state)}`, listing.state === "open" ? ` · until ${formatDate(listing.expiresAt)}` : "");
}
