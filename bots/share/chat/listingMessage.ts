// How a listing reads in the Sharing room (one message, edited as its state changes, in the block's
// language) and in lists (in the reader's), from the catalogs.

import type { RichText } from "../../framework/contract.ts";
import type { MessageKey } from "../../framework/languages.ts";
import { escapeHtml, italic, lines, mention, message, rich } from "../../framework/richText.ts";
import type { Speaker } from "../../framework/speak.ts";
import type { Listing, ListingKind } from "../domain/listing.ts";
import { shortId } from "../domain/listingIds.ts";
import { areaWord, categoryWord, stateWord, typed, when } from "./shareWords.ts";

const kindIcons: Readonly<Record<ListingKind, string>> = { offer: "🎁", ask: "🙋", lend: "🔁" };
const kindKeys: Readonly<Record<ListingKind, MessageKey>> = { offer: "share.kind.offer", ask: "share.kind.ask", lend: "share.kind.lend" };

const mxcPattern = /^mxc:\/\/[A-Za-z0-9.:-]+\/[A-Za-z0-9_-]+$/u;

export function isMxcUri(value: string): boolean {
  return mxcPattern.test(value);
}

function photo(speaker: Speaker, uri: string): RichText {
  // Only a well-formed mxc:// URI ever reaches the HTML; the alt text is escaped like any words.
  return isMxcUri(uri)
    ? { html: `<img src="${uri}" alt="${escapeHtml(speaker.plain("share.listing.photoAlt"))}" height="160">`, text: speaker.plain("share.listing.photo") }
    : rich("");
}

/** What a neighbor can do next, by kind and state: a table, like the lifecycle. */
const nextStepHints: Readonly<Record<ListingKind, Partial<Record<Listing["state"], MessageKey>>>> = {
  offer: { open: "share.listing.hint.offerOpen", promised: "share.listing.hint.offerPromised" },
  ask: { open: "share.listing.hint.askOpen" },
  lend: { open: "share.listing.hint.lendOpen", "on-loan": "share.listing.hint.lendOnLoan" },
};

function statusLine(speaker: Speaker, listing: Listing): RichText {
  const state = stateWord(speaker, listing.kind, listing.state);
  if (listing.state === "promised" && listing.promisedTo !== undefined)
    return speaker.say("share.listing.statusTo", { state, who: mention(listing.promisedTo) });
  if (listing.state === "on-loan" && listing.borrower !== undefined) {
    return listing.dueAt === undefined
      ? speaker.say("share.listing.statusTo", { state, who: mention(listing.borrower) })
      : speaker.say("share.listing.statusDue", { state, who: mention(listing.borrower), due: when(listing.dueAt) });
  }
  if (listing.state === "open" && listing.heldFor !== undefined) {
    return listing.holdConfirmed === true || listing.holdUntil === undefined
      ? speaker.say("share.listing.statusHeld", { state, who: mention(listing.heldFor) })
      : speaker.say("share.listing.statusHeldUntil", { state, who: mention(listing.heldFor), until: when(listing.holdUntil) });
  }
  return speaker.say("share.listing.status", { state });
}

/** What a pact block's listing message becomes when its home block stops sharing it. */
export function renderWithdrawn(speaker: Speaker, id: string): RichText {
  return message(speaker.say("share.listing.withdrawn", { id }));
}

/** The listing's message in the Sharing room; `speaker` speaks the block's language. */
export function renderListing(speaker: Speaker, listing: Listing, ownServer: string): RichText {
  const id = shortId(listing.home, listing.number, ownServer);
  const waiting = listing.queue.length;
  const hint = nextStepHints[listing.kind][listing.state];
  const yes = (flag: boolean) => (flag ? "yes" : "no");
  return message(
    lines(
      speaker.say("share.listing.heading", {
        icon: kindIcons[listing.kind],
        kind: speaker.plain(kindKeys[listing.kind]),
        id,
        category: categoryWord(speaker, listing.category),
        title: listing.title,
      }),
      ...(listing.description === undefined ? [] : [italic(listing.description)]),
      ...(listing.photo === undefined ? [] : [photo(speaker, listing.photo)]),
      rich(
        listing.quantity === undefined ? "" : speaker.say("share.listing.quantity", { quantity: listing.quantity }),
        speaker.say("share.listing.pickup", { area: areaWord(speaker, listing.area) }),
        listing.state === "open"
          ? speaker.say("share.listing.until", { until: when(listing.expiresAt) })
          : speaker.say("share.listing.posted", { posted: when(listing.createdAt) }),
      ),
      speaker.say("share.listing.from", { owner: mention(listing.owner), shared: yes(listing.visibility === "shared"), firstCome: yes(listing.firstCome) }),
      rich(statusLine(speaker, listing), waiting > 0 ? speaker.say("share.listing.waiting", { count: waiting }) : ""),
      ...(hint === undefined ? [] : [speaker.say(hint, { number: typed(id) })]),
    ),
  );
}

/** One line per listing for !list and !mine, in the reader's language. */
export function listingLine(speaker: Speaker, listing: Listing, ownServer: string): RichText {
  const values = {
    icon: kindIcons[listing.kind],
    id: shortId(listing.home, listing.number, ownServer),
    title: listing.title,
    category: categoryWord(speaker, listing.category),
    state: stateWord(speaker, listing.kind, listing.state),
  };
  return listing.state === "open"
    ? speaker.say("share.listing.lineUntil", { ...values, until: when(listing.expiresAt) })
    : speaker.say("share.listing.line", values);
}
