// The polls bot: governance in Element. Native polls with thresholds, quorum and deadlines; consent;
// ranked choice and secret ballots by DM; a decision log; binding settings that apply when they pass.

import type { BotDefinition } from "../framework/contract.ts";
import { defineBot } from "../framework/defineBot.ts";
import { words } from "../framework/speak.ts";
import { ballotCommands } from "./ballotCommands.ts";
import { listCommands } from "./listCommands.ts";
import { manageCommands } from "./manageCommands.ts";
import { runPollDeadlines } from "./pollDeadlines.ts";
import { takePollEvent } from "./pollEventIntake.ts";
import { startPollCommands } from "./startPollCommands.ts";

export function createPollsBot(): BotDefinition {
  // Polls being closed right now: a !close racing the deadline closes once.
  const closing = new Set<number>();
  return defineBot({
    localpart: "polls",
    homeRoles: ["governance"],
    displayName: words("polls.displayName"),
    about: words("polls.about"),
    summary: words("polls.summary"),
    commands: [...startPollCommands, ...ballotCommands, ...manageCommands(closing), ...listCommands],
    onEvent: (event, context) => takePollEvent(event, context, closing),
    onTick: (context) => runPollDeadlines(context, closing),
  });
}

export const pollsBot = createPollsBot();
