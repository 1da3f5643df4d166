// !offer, !ask and !lend: one command each, built from one description, since they differ only in kind.

import { rest } from "../../framework/commandArguments.ts";
import { defineCommand, type Command } from "../../framework/defineCommand.ts";
import { code, message } from "../../framework/richText.ts";
import { speakerFor } from "../../framework/speak.ts";
import { formatDate } from "../domain/dates.ts";
import { mayPost } from "../domain/fairness.ts";
import type { Listing, ListingKind, Visibility } from "../domain/listing.ts";
import { listingKey, shortId } from "../domain/listingIds.ts";
import { readListingText } from "../domain/listingText.ts";
import { runtimeFor } from "./shareRuntime.ts";
import { problemText } from "./shareWords.ts";

interface PostKind {
  kind: ListingKind;
  summary: string;
  example: string;
}

const postKinds: readonly PostKind[] = [
  { kind: "offer", summary: "Give something away", example: "!offer 5 lbs of tomatoes #food until Sunday" },
  { kind: "ask", summary: "Ask neighbors for something you need", example: "!ask a ladder for the weekend #tools" },
  { kind: "lend", summary: "Offer something to borrow", example: "!lend cordless drill #tools pickup: my building" },
];

const details =
  "Tags: a category (#food #tools #household #kids #clothes #services #other), #shared (pact blocks see it) or #block (only this block), " +
  "#first-come (whoever claims first gets it; otherwise you choose). Dates: “until Sunday”, “for 3 days”. Pickup: “pickup: my building” — never a street address. " +
  "Details go after a new line or “ | ”. Post a photo right after, or reply to the listing with one.";

export const defaultVisibilityKey = "settings/defaultVisibility";
/** How long after posting a neighbor's next image still counts as the listing's photo. */
export const photoWindowMs = 10 * 60 * 1000;

export interface LastPosted {
  key: string;
  at: number;
  roomId: string;
}

function postCommand({ kind, summary, example }: PostKind): Command {
  return defineCommand({
    name: kind,
    summary,
    details: `Example: ${example}. ${details}`,
    args: [rest("what", { maxLength: 900 })],
    permission: "anyone",
    run: async ({ args, sender, roomId, context }) => {
      const runtime = runtimeFor(context);
      runtime.noticeRoom(roomId);
      const now = context.now();
      const reading = readListingText(args.what, now, kind);
      if (!reading.ok) return message(reading.problem, " Example: ", code(example));
      const verdict = mayPost(sender, runtime.board.all(), context.community.sharingLimits());
      if (!verdict.ok) return problemText(speakerFor(context, sender), verdict.problem);
      const { draft } = reading;
      const visibility: Visibility = draft.visibility ?? context.store.get<Visibility>(defaultVisibilityKey) ?? "block";
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
      context.store.put(`lastPosted/${sender}`, { key: listing.key, at: now, roomId } satisfies LastPosted);
      await runtime.render();
      const id = shortId(home, number, home);
      return message(
        `Posted ${id}: ${draft.title} (${draft.category}, until ${formatDate(draft.expiresAt)}, ${visibility === "shared" ? "shared with the pact" : "this block only"}). `,
        "Post a photo now if you like. Close it with ", code(kind === "lend" ? `!cancel ${number}` : kind === "ask" ? `!fulfilled ${number}` : `!handed ${number}`), ".",
      );
    },
  });
}

export const postCommands: readonly Command[] = postKinds.map(postCommand);
