// Command arguments for the board: a listing id (#12, 12, #12.oak) and finding the listing a
// command means, from its id or from the thread/reply it was sent in.

import type { CommandArgument } from "../../framework/commandArguments.ts";
import type { MatrixEvent } from "../../framework/contract.ts";
import { words } from "../../framework/speak.ts";
import type { Listing } from "../domain/listing.ts";
import { parseListingRef, resolveListingRef, type ListingRef } from "../domain/listingIds.ts";
import type { ShareRuntime } from "./shareRuntime.ts";

export function listingRef<Name extends string>(name: Name): CommandArgument<Name, ListingRef> {
  return {
    name,
    accepts: words("share.listingRef.accepts"),
    isOptional: false,
    takesRest: false,
    read(input) {
      const ref = parseListingRef(input.tokens[0]?.value ?? "");
      return ref === undefined ? { ok: false } : { ok: true, value: ref, consumed: 1 };
    },
  };
}

function relatedEventId(event: MatrixEvent): string | undefined {
  const relation = event.content["m.relates_to"];
  if (typeof relation !== "object" || relation === null) return undefined;
  const { rel_type: relType, event_id: eventId, "m.in_reply_to": inReplyTo } = relation as Record<string, unknown>;
  if (relType === "m.thread" && typeof eventId === "string") return eventId;
  const replied = typeof inReplyTo === "object" && inReplyTo !== null ? (inReplyTo as Record<string, unknown>).event_id : undefined;
  return typeof replied === "string" ? replied : undefined;
}

/** Why the listing a command means was not found (shareWords.ts's chatReplyText says it). */
export type ListingProblem = { kind: "which" } | { kind: "not-found"; ref: string };

export type FoundListing = { ok: true; listing: Listing } | { ok: false; problem: ListingProblem };

/** The listing a command names, or the one whose thread (or message) it replies to. */
export function findListing(runtime: ShareRuntime, ref: ListingRef | undefined, event: MatrixEvent): FoundListing {
  if (ref === undefined) {
    const related = relatedEventId(event);
    const key = related === undefined ? undefined : runtime.listingOfEvent(related);
    const listing = key === undefined ? undefined : runtime.board.get(key);
    return listing === undefined ? { ok: false, problem: { kind: "which" } } : { ok: true, listing };
  }
  const key = resolveListingRef(ref, runtime.ownServer, runtime.pactServers());
  const listing = key === undefined ? undefined : runtime.board.get(key);
  if (listing === undefined || !runtime.shows(listing)) {
    return { ok: false, problem: { kind: "not-found", ref: `#${ref.number}${ref.block === undefined ? "" : `.${ref.block}`}` } };
  }
  return { ok: true, listing };
}
