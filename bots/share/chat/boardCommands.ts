// Looking at the board (!list, !mine), gratitude (!thanks), and the board's own settings and counts.

import { optional, rest, text } from "../../framework/commandArguments.ts";
import type { RichText } from "../../framework/contract.ts";
import { defineCommand, type Command } from "../../framework/defineCommand.ts";
import { isFullUserId } from "../../framework/matrixIds.ts";
import { bold, bulletList, code, mention, message, paragraph } from "../../framework/richText.ts";
import { findCategory } from "../domain/categories.ts";
import { isLive, type Listing } from "../domain/listing.ts";
import { parseListingRef } from "../domain/listingIds.ts";
import { findListing } from "./listingArguments.ts";
import { listingLine } from "./listingMessage.ts";
import { defaultVisibilityKey } from "./postCommands.ts";
import { runtimeFor, type ShareRuntime } from "./shareRuntime.ts";

const maxShown = 20;

function listReply(runtime: ShareRuntime, heading: string, listings: Listing[], empty: RichText | string): RichText {
  if (listings.length === 0) return message(empty);
  const newest = [...listings].sort((a, b) => b.createdAt - a.createdAt);
  const shown = newest.slice(0, maxShown);
  return message(
    paragraph(bold(heading)),
    bulletList(shown.map((listing) => listingLine(listing, runtime.ownServer))),
    newest.length > maxShown ? paragraph(`…and ${newest.length - maxShown} more; narrow it down, e.g. !list food or !list drill.`) : "",
  );
}

const kindWords: Readonly<Record<string, Listing["kind"]>> = { offers: "offer", offer: "offer", asks: "ask", ask: "ask", lend: "lend", lends: "lend", loans: "lend", borrow: "lend" };

const list = defineCommand({
  name: "list",
  summary: "What is on the board now; narrow it by category (food, tools…), kind (offers, asks, lend) or words",
  args: [optional(rest("filter", { maxLength: 100 }))],
  permission: "anyone",
  run: ({ args, roomId, context }) => {
    const runtime = runtimeFor(context);
    runtime.noticeRoom(roomId);
    const words = (args.filter ?? "").toLowerCase().split(/\s+/u).filter((word) => word !== "");
    const matches = (listing: Listing) =>
      words.every((word) => {
        const category = findCategory(word);
        if (category !== undefined) return listing.category === category.name;
        const kind = kindWords[word];
        if (kind !== undefined) return listing.kind === kind;
        return `${listing.title} ${listing.description ?? ""} ${listing.area}`.toLowerCase().includes(word);
      });
    const listings = runtime.board.all().filter((listing) => isLive(listing) && runtime.shows(listing) && matches(listing));
    return listReply(runtime, args.filter === undefined ? "On the board now" : `On the board for “${args.filter}”`, listings, "Nothing matches right now. Post something with !offer, !ask or !lend.");
  },
});

const mine = defineCommand({
  name: "mine",
  summary: "Your open listings, and what is promised or lent to you",
  args: [],
  permission: "anyone",
  run: ({ sender, context }) => {
    const runtime = runtimeFor(context);
    const listings = runtime.board.all().filter((listing) => isLive(listing) && (listing.owner === sender || listing.promisedTo === sender || listing.borrower === sender || listing.queue.includes(sender)));
    return listReply(runtime, "Yours, and what you are waiting for", listings, "You have nothing open on the board.");
  },
});

function thankedIn(listing: Listing, sender: string): string | undefined {
  if (sender === listing.owner) return listing.promisedTo ?? listing.borrower;
  return listing.owner;
}

const thanks = defineCommand({
  name: "thanks",
  summary: "Post a thank-you note in the Sharing room",
  details: "Thank the neighbor of a listing (!thanks 12 the tomatoes were delicious) or anyone (!thanks @bob:example.org for fixing my bike).",
  args: [text("who", { maxLength: 255 }), rest("note", { maxLength: 500 })],
  permission: "anyone",
  run: async ({ args, sender, roomId, event, context }) => {
    const runtime = runtimeFor(context);
    runtime.noticeRoom(roomId);
    let thanked: string | undefined;
    let about = "";
    if (isFullUserId(args.who)) thanked = args.who;
    else {
      const ref = parseListingRef(args.who);
      if (ref === undefined) return message("Start with a listing number like 12 or a full Matrix ID like @bob:example.org, then your note.");
      const found = findListing(runtime, ref, event);
      if (!found.ok) return message(found.problem);
      thanked = thankedIn(found.listing, sender);
      about = ` for ${found.listing.title}`;
    }
    if (thanked === undefined || thanked === sender) return message("Whom are you thanking? Name them with their full Matrix ID, like @bob:example.org.");
    const note = message("🙏 ", mention(sender), " thanks ", mention(thanked), `${about}: “${args.note}”`);
    const sharingRoom = runtime.sharingRoom();
    if (sharingRoom === undefined || sharingRoom === roomId) return note;
    await context.actions.sendMessage(sharingRoom, note);
    return message("Posted your thanks in the Sharing room.");
  },
});

const board = defineCommand({
  name: "board",
  summary: "The board's numbers: listings, and replication with the pact's blocks",
  args: [optional(text("what"))],
  permission: "anyone",
  run: ({ context }) => {
    const runtime = runtimeFor(context);
    const listings = runtime.board.all();
    const stats = runtime.replica.stats;
    return message(
      paragraph(bold("Sharing board"), ` — ${listings.filter(isLive).length} open listings of ${listings.length}; pact blocks: ${runtime.pactServers().join(", ") || "none"}.`),
      bulletList([
        `Board updates sent: ${stats.eventsSent} events carrying ${stats.changesSent} changes`,
        `Updates applied from pact blocks: ${stats.updatesApplied}`,
        `Refused: ${stats.rejectedUnauthorized} from unauthorized senders, ${stats.rejectedOversize} oversize, ${stats.rejectedMalformed} malformed`,
        `Failed sends (retried): ${stats.sendFailures}`,
      ]),
    );
  },
});

const visibilityWords: Readonly<Record<string, "shared" | "block">> = { shared: "shared", pact: "shared", block: "block" };

const sharingDefault = defineCommand({
  name: "sharing-default",
  summary: "Whether new listings are shared with the pact unless they say #block or #shared",
  args: [text("visibility")],
  permission: "moderator",
  run: ({ args, context }) => {
    const visibility = visibilityWords[args.visibility.toLowerCase()];
    if (visibility === undefined) return message("Say ", code("shared"), " or ", code("block"), ".");
    context.store.put(defaultVisibilityKey, visibility);
    return message(visibility === "shared" ? "New listings are now shared with the pact's blocks unless they say #block." : "New listings now stay on this block unless they say #shared.");
  },
});

export const boardCommands: readonly Command[] = [list, mine, thanks, board, sharingDefault];
