// Looking at the board (!list, !mine), gratitude (!thanks), and the board's own settings and counts.

import { optional, rest, text } from "../../framework/commandArguments.ts";
import type { RichText } from "../../framework/contract.ts";
import { defineCommand, type Command } from "../../framework/defineCommand.ts";
import { isFullUserId } from "../../framework/matrixIds.ts";
import type { MessageKey } from "../../framework/languages.ts";
import { bold, bulletList, mention, message, paragraph } from "../../framework/richText.ts";
import { speakerFor, words, type Speaker } from "../../framework/speak.ts";
import { findCategory } from "../domain/categories.ts";
import { isLive, type Listing } from "../domain/listing.ts";
import { parseListingRef } from "../domain/listingIds.ts";
import { findListing } from "./listingArguments.ts";
import { listingLine } from "./listingMessage.ts";
import { defaultVisibilityKey } from "./shareStoreKeys.ts";
import { runtimeFor, type ShareRuntime } from "./shareRuntime.ts";
import { chatReplyText } from "./shareWords.ts";

const maxShown = 20;

function newestFirst(listings: readonly Listing[]): Listing[] {
  return [...listings].sort((a, b) => b.createdAt - a.createdAt);
}

function listSection(runtime: ShareRuntime, speaker: Speaker, heading: RichText, listings: Listing[], limit = maxShown): RichText {
  return message(
    paragraph(bold(heading)),
    bulletList(
      newestFirst(listings)
        .slice(0, limit)
        .map((listing) => listingLine(speaker, listing, runtime.ownServer)),
    ),
  );
}

function listReply(runtime: ShareRuntime, speaker: Speaker, heading: RichText, listings: Listing[]): RichText {
  if (listings.length === 0) return speaker.say("share.list.empty");
  return message(
    listSection(runtime, speaker, heading, listings),
    listings.length > maxShown ? paragraph(speaker.say("share.list.more", { count: listings.length - maxShown })) : "",
  );
}

const kindWords: Readonly<Record<string, Listing["kind"]>> = {
  offers: "offer",
  offer: "offer",
  asks: "ask",
  ask: "ask",
  lend: "lend",
  lends: "lend",
  loans: "lend",
  borrow: "lend",
  ofertas: "offer",
  regalos: "offer",
  pedidos: "ask",
  préstamos: "lend",
  prestamos: "lend",
  prestar: "lend",
};

const list = defineCommand({
  name: "list",
  aliases: ["lista"],
  summary: words("share.list.summary"),
  args: [optional(rest("filter", { maxLength: 100 }))],
  permission: "anyone",
  run: ({ args, sender, roomId, context }) => {
    const runtime = runtimeFor(context);
    runtime.noticeRoom(roomId);
    const speaker = speakerFor(context, sender);
    const terms = (args.filter ?? "")
      .toLowerCase()
      .split(/\s+/u)
      .filter((word) => word !== "");
    const matches = (listing: Listing) =>
      terms.every((word) => {
        const category = findCategory(word);
        if (category !== undefined) return listing.category === category.name;
        const kind = kindWords[word];
        if (kind !== undefined) return listing.kind === kind;
        return `${listing.title} ${listing.description ?? ""} ${listing.area}`.toLowerCase().includes(word);
      });
    const listings = runtime.board.all().filter((listing) => isLive(listing) && runtime.shows(listing) && matches(listing));
    const heading = args.filter === undefined ? speaker.say("share.list.heading") : speaker.say("share.list.headingFor", { filter: args.filter });
    return listReply(runtime, speaker, heading, listings);
  },
});

/** A neighbor's live listings in three marked groups: their own, what they are taking, what they wait for. */
export function mineGroups(listings: readonly Listing[], userId: string): { own: Listing[]; taking: Listing[]; waiting: Listing[] } {
  const live = listings.filter(isLive);
  return {
    own: live.filter((listing) => listing.owner === userId),
    taking: live.filter((listing) => listing.owner !== userId && (listing.promisedTo === userId || listing.borrower === userId)),
    waiting: live.filter(
      (listing) =>
        listing.owner !== userId &&
        listing.promisedTo !== userId &&
        listing.borrower !== userId &&
        (listing.queue.includes(userId) || listing.heldFor === userId),
    ),
  };
}

const mine = defineCommand({
  name: "mine",
  aliases: ["mias"],
  summary: words("share.mine.summary"),
  args: [],
  permission: "anyone",
  run: ({ sender, context }) => {
    const runtime = runtimeFor(context);
    const speaker = speakerFor(context, sender);
    const groups = mineGroups(runtime.board.all(), sender);
    const sections: [MessageKey, Listing[]][] = [
      ["share.mine.own", groups.own],
      ["share.mine.taking", groups.taking],
      ["share.mine.waiting", groups.waiting],
    ];
    const shown = sections.filter(([, listings]) => listings.length > 0);
    if (shown.length === 0) return speaker.say("share.mine.empty");
    return message(...shown.map(([key, listings]) => listSection(runtime, speaker, speaker.say(key), listings)));
  },
});

function thankedIn(listing: Listing, sender: string): string | undefined {
  if (sender === listing.owner) return listing.promisedTo ?? listing.borrower;
  return listing.owner;
}

const thanks = defineCommand({
  name: "thanks",
  aliases: ["gracias"],
  summary: words("share.thanks.summary"),
  details: words("share.thanks.details"),
  args: [
    { ...text("who", { maxLength: 255 }), accepts: words("share.thanks.who") },
    { ...rest("note", { maxLength: 500 }), accepts: words("share.thanks.note") },
  ],
  permission: "anyone",
  run: async ({ args, sender, roomId, event, context }) => {
    const runtime = runtimeFor(context);
    runtime.noticeRoom(roomId);
    const speaker = speakerFor(context, sender);
    let thanked: string | undefined;
    let title: string | undefined;
    if (isFullUserId(args.who)) thanked = args.who;
    else {
      const ref = parseListingRef(args.who);
      if (ref === undefined) return speaker.say("share.thanks.startWith");
      const found = findListing(runtime, ref, event);
      if (!found.ok) return chatReplyText(speaker, found.problem);
      thanked = thankedIn(found.listing, sender);
      title = found.listing.title;
    }
    if (thanked === undefined || thanked === sender) return speaker.say("share.thanks.whom");
    // The note is read by the block in the Sharing room: the block's language.
    const values = { sender: mention(sender), thanked: mention(thanked), note: args.note };
    const block = speakerFor(context);
    const note = title === undefined ? block.say("share.thanks.note.posted", values) : block.say("share.thanks.note.postedFor", { ...values, title });
    const sharingRoom = runtime.sharingRoom();
    if (sharingRoom === undefined || sharingRoom === roomId) return note;
    await context.actions.sendMessage(sharingRoom, note);
    return speaker.say("share.thanks.done");
  },
});

const board = defineCommand({
  name: "board",
  aliases: ["tablero"],
  summary: words("share.board.summary"),
  args: [optional(text("what"))],
  permission: "anyone",
  run: ({ sender, context }) => {
    const runtime = runtimeFor(context);
    const speaker = speakerFor(context, sender);
    const listings = runtime.board.all();
    const stats = runtime.replica.stats;
    const blocks = runtime.pactServers();
    return message(
      paragraph(
        speaker.say("share.board.heading", {
          live: listings.filter(isLive).length,
          total: listings.length,
          blocks: blocks.length === 0 ? speaker.plain("share.board.noBlocks") : blocks.join(", "),
        }),
      ),
      bulletList([
        speaker.say("share.board.sent", { events: stats.eventsSent, changes: stats.changesSent }),
        speaker.say("share.board.applied", { applied: stats.updatesApplied }),
        speaker.say("share.board.refused", { unauthorized: stats.rejectedUnauthorized, oversize: stats.rejectedOversize, malformed: stats.rejectedMalformed }),
        speaker.say("share.board.failed", { failed: stats.sendFailures }),
      ]),
    );
  },
});

const visibilityWords: Readonly<Record<string, "shared" | "block">> = {
  shared: "shared",
  pact: "shared",
  block: "block",
  compartida: "shared",
  cuadra: "block",
};

const sharingDefault = defineCommand({
  name: "sharing-default",
  summary: words("share.sharingDefault.summary"),
  args: [{ ...text("visibility"), accepts: words("share.sharingDefault.accepts") }],
  permission: "moderator",
  run: ({ args, sender, context }) => {
    const speaker = speakerFor(context, sender);
    const visibility = visibilityWords[args.visibility.toLowerCase()];
    if (visibility === undefined) return speaker.say("share.sharingDefault.sayWhich");
    defaultVisibilityKey.put(context.store, visibility);
    return speaker.say(visibility === "shared" ? "share.sharingDefault.shared" : "share.sharingDefault.block");
  },
});

export const boardCommands: readonly Command[] = [list, mine, thanks, board, sharingDefault];
