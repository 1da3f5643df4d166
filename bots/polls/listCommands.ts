// !polls (what is open) and !decisions (the log of decisions taken), in the asker's language.

import { defineCommand, type Command } from "../framework/defineCommand.ts";
import { speakerFor, words } from "../framework/speak.ts";
import { openPolls, recentDecisions } from "./pollStore.ts";
import { decisionsMessage, openPollsMessage } from "./pollWords.ts";

export const listCommands: readonly Command[] = [
  defineCommand({
    name: "polls",
    aliases: ["votaciones"],
    summary: words("polls.polls.summary"),
    args: [],
    permission: "anyone",
    run: ({ context, sender }) => openPollsMessage(speakerFor(context, sender), openPolls(context.store), context.now()),
  }),
  defineCommand({
    name: "decisions",
    aliases: ["decisiones"],
    summary: words("polls.decisions.summary"),
    args: [],
    permission: "anyone",
    run: ({ context, sender }) => decisionsMessage(speakerFor(context, sender), recentDecisions(context.store, 20)),
  }),
];
