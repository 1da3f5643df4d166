// The commands that move a listing through its lifecycle. Each is data: its name, its arguments and
// which lifecycle action it asks for; performAction checks the table and does the rest.

import { optional, rest, userId, type AnyCommandArgument } from "../../framework/commandArguments.ts";
import type { MatrixEvent } from "../../framework/contract.ts";
import { defineCommand, type Command } from "../../framework/defineCommand.ts";
import type { MessageKey } from "../../framework/languages.ts";
import { sayPlain, speakerFor, words } from "../../framework/speak.ts";
import { readDate } from "../domain/dates.ts";
import type { LifecycleAction } from "../domain/lifecycle.ts";
import type { Listing } from "../domain/listing.ts";
import type { ListingRef } from "../domain/listingIds.ts";
import { findListing, listingRef } from "./listingArguments.ts";
import { performAction } from "./listingActions.ts";
import { runtimeFor } from "./shareRuntime.ts";
import { chatReplyText } from "./shareWords.ts";

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
  /** Other words for it (Spanish). */
  aliases: readonly string[];
  summary: MessageKey;
  action: LifecycleAction | ((listing: Listing, sender: string) => LifecycleAction);
  /** The id may be left out inside the listing's thread. */
  idOptional?: boolean;
  target?: string;
  takesDate?: string;
}

const specs: readonly LifecycleCommandSpec[] = [
  { name: "claim", aliases: ["quiero"], summary: "share.claim.summary", action: claimActionFor, idOptional: true },
  { name: "promise", aliases: ["prometer"], summary: "share.promise.summary", action: "promise", target: "neighbor" },
  { name: "handed", aliases: ["entregado"], summary: "share.handed.summary", action: "hand-over", idOptional: true },
  { name: "fulfilled", aliases: ["cumplido"], summary: "share.fulfilled.summary", action: "fulfil", idOptional: true },
  { name: "lend-out", aliases: ["prestar-a"], summary: "share.lendOut.summary", action: "lend-out", target: "borrower", takesDate: "until" },
  { name: "returned", aliases: ["devuelto"], summary: "share.returned.summary", action: "return", idOptional: true },
  { name: "hold", aliases: ["esperar"], summary: "share.hold.summary", action: "hold", idOptional: true },
  { name: "withdraw", aliases: ["retirar"], summary: "share.withdraw.summary", action: "withdraw", idOptional: true },
  { name: "release", aliases: ["liberar"], summary: "share.release.summary", action: releaseActionFor, idOptional: true },
  { name: "renew", aliases: ["renovar"], summary: "share.renew.summary", action: "renew", takesDate: "until" },
  { name: "cancel", aliases: ["cancelar"], summary: "share.cancel.summary", action: "cancel", idOptional: true },
  { name: "unshare", aliases: ["no-compartir"], summary: "share.unshare.summary", action: "unshare", idOptional: true },
  { name: "share", aliases: ["compartir"], summary: "share.share.summary", action: "share", idOptional: true },
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
  if (spec.takesDate !== undefined) args.push(optional({ ...rest(spec.takesDate, { maxLength: 100 }), accepts: words("share.argument.date") }));
  return defineCommand({
    name: spec.name,
    aliases: spec.aliases,
    summary: words(spec.summary),
    details: spec.takesDate === undefined ? undefined : words("share.dates.details", { dates: (language) => sayPlain(language, "share.dates.accepted") }),
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

async function runLifecycle(
  spec: LifecycleCommandSpec,
  wanted: LifecycleValues,
  sender: string,
  roomId: string,
  event: MatrixEvent,
  context: Parameters<typeof runtimeFor>[0],
) {
  const runtime = runtimeFor(context);
  runtime.noticeRoom(roomId);
  const found = findListing(runtime, wanted.id, event);
  const speaker = speakerFor(context, sender);
  if (!found.ok) return chatReplyText(speaker, found.problem);
  let until: number | undefined;
  if (wanted.until !== undefined) {
    until = readDate(wanted.until, context.now());
    if (until === undefined || until <= context.now()) return chatReplyText(speaker, { kind: "unreadable-until", phrase: wanted.until });
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
