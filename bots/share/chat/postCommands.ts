// !offer, !ask and !lend: one command each, built from one description, since they differ only in kind.

import { rest } from "../../framework/commandArguments.ts";
import { defineCommand, type Command } from "../../framework/defineCommand.ts";
import type { MessageKey } from "../../framework/languages.ts";
import { sayPlain, speakerFor, words } from "../../framework/speak.ts";
import { mayPost } from "../domain/fairness.ts";
import type { Listing, ListingKind, Visibility } from "../domain/listing.ts";
import { listingKey, shortId } from "../domain/listingIds.ts";
import { readListingText } from "../domain/listingText.ts";
import { runtimeFor } from "./shareRuntime.ts";
import { defaultVisibilityKey, lastPostedKey } from "./shareStoreKeys.ts";
import { chatReplyText, draftProblemText, exampleKeys, problemText } from "./shareWords.ts";

interface PostKind {
  kind: ListingKind;
  aliases: readonly string[];
  summary: MessageKey;
}

const postKinds: readonly PostKind[] = [
  { kind: "offer", aliases: ["ofrecer", "regalar"], summary: "share.offer.summary" },
  { kind: "ask", aliases: ["pedir"], summary: "share.ask.summary" },
  { kind: "lend", aliases: ["prestar"], summary: "share.lend.summary" },
];

/** How long after posting a neighbor's next image still counts as the listing's photo. */
export const photoWindowMs = 10 * 60 * 1000;

function postCommand({ kind, aliases, summary }: PostKind): Command {
  return defineCommand({
    name: kind,
    aliases,
    summary: words(summary),
    details: words("share.post.details", { example: (language) => sayPlain(language, exampleKeys[kind]) }),
    args: [{ ...rest("what", { maxLength: 900 }), accepts: words("share.post.what") }],
    permission: "anyone",
    run: async ({ args, sender, roomId, context }) => {
      const runtime = runtimeFor(context);
      runtime.noticeRoom(roomId);
      const speaker = speakerFor(context, sender);
      const now = context.now();
      const reading = readListingText(args.what, now);
      if (!reading.ok) return draftProblemText(speaker, reading.problem, kind);
      const verdict = mayPost(sender, runtime.board.all(), context.community.sharingLimits());
      if (!verdict.ok) return problemText(speaker, verdict.problem);
      const { draft } = reading;
      const visibility: Visibility = draft.visibility ?? defaultVisibilityKey.get(context.store) ?? "block";
      const home = runtime.ownServer;
      const number = runtime.board.takeNumber();
      const listing: Listing = {
        key: listingKey(home, number),
        number,
        home,
        kind,
        state: "open",
        title: draft.title,
        ...(draft.description === undefined ? {} : { description: draft.description }),
        ...(draft.quantity === undefined ? {} : { quantity: draft.quantity }),
        category: draft.category,
        area: draft.area,
        visibility,
        firstCome: draft.firstCome,
        owner: sender,
        createdAt: now,
        expiresAt: draft.expiresAt,
        changedAt: now,
        queue: [],
        bids: [],
      };
      runtime.board.add(listing);
      lastPostedKey(sender).put(context.store, { key: listing.key, at: now, roomId });
      await runtime.render();
      return chatReplyText(speaker, {
        kind: "posted",
        id: shortId(home, number, home),
        number,
        title: draft.title,
        category: draft.category,
        until: draft.expiresAt,
        visibility,
        listingKind: kind,
      });
    },
  });
}

export const postCommands: readonly Command[] = postKinds.map(postCommand);
