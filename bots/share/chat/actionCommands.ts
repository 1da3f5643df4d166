// The command a neighbor types for each lifecycle action: replies name commands, never the table's
// internal action names.

import type { LifecycleAction } from "../domain/lifecycle.ts";

export const commandOfAction: Readonly<Record<LifecycleAction, string | undefined>> = {
  promise: "!promise",
  "claim-first-come": "!claim",
  interest: "!claim",
  help: "!claim",
  release: "!release",
  "hand-over": "!handed",
  fulfil: "!fulfilled",
  "lend-out": "!lend-out",
  return: "!returned",
  renew: "!renew",
  hold: "!hold",
  withdraw: "!withdraw",
  cancel: "!cancel",
  unshare: "!unshare",
  share: "!share",
  expire: undefined, // the bot's own timed work
};

/** The distinct commands for these actions, in the table's order. */
export function commandsFor(actions: readonly LifecycleAction[]): string[] {
  return [...new Set(actions.flatMap((action) => commandOfAction[action] ?? []))];
}
