// The command a neighbor types for each lifecycle action: replies name commands (in the reader's
// language: the catalog's share.command.* words), never the table's internal action names.

import type { MessageKey } from "../../framework/languages.ts";
import type { LifecycleAction } from "../domain/lifecycle.ts";

export const commandOfAction: Readonly<Record<LifecycleAction, MessageKey | undefined>> = {
  promise: "share.command.promise",
  "claim-first-come": "share.command.claim",
  interest: "share.command.claim",
  help: "share.command.claim",
  release: "share.command.release",
  "hand-over": "share.command.handed",
  fulfil: "share.command.fulfilled",
  "lend-out": "share.command.lendOut",
  return: "share.command.returned",
  renew: "share.command.renew",
  hold: "share.command.hold",
  withdraw: "share.command.withdraw",
  cancel: "share.command.cancel",
  unshare: "share.command.unshare",
  share: "share.command.share",
  expire: undefined, // the bot's own timed work
};

/** The distinct commands for these actions (their catalog words), in the table's order. */
export function commandsFor(actions: readonly LifecycleAction[]): MessageKey[] {
  return [...new Set(actions.flatMap((action) => commandOfAction[action] ?? []))];
}
