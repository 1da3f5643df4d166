// !vote and !rank (!votar, !ordenar): ballots for secret and ranked polls, cast in a private chat with
// the bot so the room never sees who voted what.

import { rest } from "../framework/commandArguments.ts";
import { defineCommand, type Command, type CommandInvocation } from "../framework/defineCommand.ts";
import { message } from "../framework/richText.ts";
import { speakerFor, words } from "../framework/speak.ts";
import { castBallot } from "./castBallot.ts";
import { pollNumber } from "./pollNumberArgument.ts";

function ballot({ sender, isDirect, context, event }: Omit<CommandInvocation<unknown>, "args">, poll: number, choice: string) {
  return isDirect
    ? castBallot(context, poll, sender, choice, event.decrypted === true)
    : message(speakerFor(context, sender).say("polls.ballot.sendPrivately"));
}

export const ballotCommands: readonly Command[] = [
  defineCommand({
    name: "vote",
    aliases: ["votar"],
    summary: words("polls.vote.summary"),
    details: words("polls.vote.details"),
    args: [pollNumber("poll"), rest("choice", { maxLength: 400 })],
    permission: "anyone",
    run: ({ args, ...request }) => ballot(request, args.poll, args.choice),
  }),
  defineCommand({
    name: "rank",
    aliases: ["ordenar"],
    summary: words("polls.rank.summary"),
    details: words("polls.rank.details"),
    args: [pollNumber("poll"), rest("ranking", { maxLength: 400 })],
    permission: "anyone",
    run: ({ args, ...request }) => ballot(request, args.poll, args.ranking),
  }),
];
