// The commands that move a listing through its lifecycle. Each is data: its name, its arguments and
// which lifecycle action it asks for; performAction checks the table and does the rest.

import { optional, rest, userId, type AnyCommandArgument } from "../../framework/commandArguments.ts";
import type { MatrixEvent } from "../../framework/contract.ts";
import { defineCommand, type Command } from "../../framework/defineCommand.ts";
import { message } from "../../framework/richText.ts";
import { acceptedDates, readDate } from "../domain/dates.ts";
import type { LifecycleAction } from "../domain/lifecycle.ts";
import type { Listing } from "../domain/listing.ts";
import type { ListingRef } from "../domain/listingIds.ts";
import { findListing, listingRef } from "./listingArguments.ts";
import { performAction } from "./listingActions.ts";
import { runtimeFor } from "./shareRuntime.ts";

/** What `!claim` (and a 👍 reaction) means depends on the listing. */
export function claimActionFor(listing: Listing): LifecycleAction {
  const byKind: Readonly<Record<Listing["kind"], LifecycleAction>> = {
    offer: listing.firstCome ? "claim-first-come" : "interest",
    ask: "help",
    lend: "interest",
  };
  return byKind[listing.kind];
}

/** `!release` from the owner or the one it is promised or lent to undoes the promise; from anyone else it means "take me off the list". */
export function releaseActionFor(listing: Listing, sender: string): LifecycleAction {
  const party = sender === listing.owner || sender === listing.promisedTo || sender === listing.borrower;
  return party ? "release" : "withdraw";
}

interface LifecycleCommandSpec {
  name: string;
  summary: string;
  action: LifecycleAction | ((listing: Listing, sender: string) => LifecycleAction);
  /** The id may be left out inside the listing's thread. */
  idOptional?: boolean;
  target?: string;
  takesDate?: string;
}

const specs: readonly LifecycleCommandSpec[] = [
  { name: "claim", summary: "Ask for an offer, offer help with an ask, or ask to borrow (or react 👍 to the listing)", action: claimActionFor, idOptional: true },
  { name: "promise", summary: "Give your offer to a neighbor you choose", action: "promise", target: "neighbor" },
  { name: "handed", summary: "Mark your offer as handed over (or an ask as done)", action: "hand-over", idOptional: true },
  { name: "fulfilled", summary: "Mark your ask as fulfilled", action: "fulfil", idOptional: true },
  { name: "lend-out", summary: "Lend your thing to a neighbor until a date (default 1 week)", action: "lend-out", target: "borrower", takesDate: "until" },
  { name: "returned", summary: "Mark a lent thing as back", action: "return", idOptional: true },
  { name: "hold", summary: "Join the waiting list for a lent thing (or, when it is back and held for you, confirm)", action: "hold", idOptional: true },
  { name: "withdraw", summary: "Take back your interest: off the waiting list (removing your 👍 does the same)", action: "withdraw", idOptional: true },
  { name: "release", summary: "Undo a promise (the listing opens again), or take yourself off the waiting list", action: releaseActionFor, idOptional: true },
  { name: "renew", summary: "Keep your listing up longer, or extend a loan", action: "renew", takesDate: "until" },
  { name: "cancel", summary: "Withdraw your listing (moderators: any listing of this block)", action: "cancel", idOptional: true },
  { name: "unshare", summary: "Stop sharing your listing with the pact's blocks (it stays on this block)", action: "unshare", idOptional: true },
  { name: "share", summary: "Share your block-only listing with the pact's blocks", action: "share", idOptional: true },
];

interface LifecycleValues {
  id: ListingRef | undefined;
  target?: string;
  until?: string;
}

function lifecycleCommand(spec: LifecycleCommandSpec): Command {
  const idArgument = spec.idOptional === true ? optional(listingRef("id")) : listingRef("id");
  const args: AnyCommandArgument[] = [idArgument];
  if (spec.target !== undefined) args.push(userId(spec.target));
  if (spec.takesDate !== undefined) args.push(optional(rest(spec.takesDate, { maxLength: 100 })));
  return defineCommand({
    name: spec.name,
    summary: spec.summary,
    details: spec.takesDate === undefined ? undefined : `Dates like ${acceptedDates}.`,
    args,
    permission: "anyone",
    run: async ({ args: parsed, sender, roomId, event, context }) => {
      const values = parsed as unknown as Record<string, unknown>;
      const wanted: LifecycleValues = {
        id: values.id as ListingRef | undefined,
        ...(spec.target === undefined ? {} : { target: values[spec.target] as string }),
        ...(spec.takesDate === undefined || values[spec.takesDate] === undefined ? {} : { until: values[spec.takesDate] as string }),
      };
      return runLifecycle(spec, wanted, sender, roomId, event, context);
    },
  });
}

async function runLifecycle(spec: LifecycleCommandSpec, wanted: LifecycleValues, sender: string, roomId: string, event: MatrixEvent, context: Parameters<typeof runtimeFor>[0]) {
  const runtime = runtimeFor(context);
  runtime.noticeRoom(roomId);
  const found = findListing(runtime, wanted.id, event);
  if (!found.ok) return message(found.problem);
  let until: number | undefined;
  if (wanted.until !== undefined) {
    until = readDate(wanted.until, context.now());
    if (until === undefined || until <= context.now()) return message(`I couldn't read the date “${wanted.until}”. I understand dates in the future like ${acceptedDates}.`);
  }
  const action = typeof spec.action === "function" ? spec.action(found.listing, sender) : spec.action;
  const reply = await performAction({
    runtime,
    listing: found.listing,
    action,
    sender,
    ...(wanted.target === undefined ? {} : { target: wanted.target }),
    ...(until === undefined ? {} : { until }),
  });
  await runtime.render();
  return reply;
}

export const lifecycleCommands: readonly Command[] = specs.map(lifecycleCommand);
