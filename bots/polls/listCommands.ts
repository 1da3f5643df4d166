// !polls (what is open) and !decisions (the log of decisions taken).

import { defineCommand, type Command } from "../framework/defineCommand.ts";
import { openPolls, recentDecisions } from "./pollStore.ts";
import { decisionsMessage, openPollsMessage } from "./pollTexts.ts";

export const listCommands: readonly Command[] = [
  defineCommand({
    name: "polls",
    summary: "The polls open now",
    args: [],
    permission: "anyone",
    run: ({ context }) => openPollsMessage(openPolls(context.store), context.now()),
  }),
  defineCommand({
    name: "decisions",
    summary: "The decisions taken (newest first)",
    args: [],
    permission: "anyone",
    run: ({ context }) => decisionsMessage(recentDecisions(context.store, 20)),
  }),
];
