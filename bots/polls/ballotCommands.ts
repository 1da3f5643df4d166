// !vote and !rank: ballots for secret and ranked polls, cast in a private chat with the bot so the
// room never sees who voted what.

import { rest } from "../framework/commandArguments.ts";
import { defineCommand, type Command } from "../framework/defineCommand.ts";
import { message } from "../framework/richText.ts";
import { castBallot } from "./castBallot.ts";
import { pollNumber } from "./pollNumberArgument.ts";

const sendPrivately = message("Send ballots in a private chat with me, so the room doesn't see your vote. Open a chat with me and send it there.");

export const ballotCommands: readonly Command[] = [
  defineCommand({
    name: "vote",
    summary: "Vote in a secret ballot (in a private chat with me)",
    details: "E.g. `!vote 3 agree`, `!vote 4 consent`, `!vote 5 A C` (letters of the options). You get a receipt code; sending again changes your vote.",
    args: [pollNumber("poll"), rest("choice", { maxLength: 400 })],
    permission: "anyone",
    run: ({ args, sender, isDirect, context }) => (isDirect ? castBallot(context, args.poll, sender, args.choice) : sendPrivately),
  }),
  defineCommand({
    name: "rank",
    summary: "Rank the options of a ranked-choice poll, most preferred first (in a private chat with me)",
    details: "E.g. `!rank 3 B A C`. You may leave out options you would never choose. Sending again replaces your ballot.",
    args: [pollNumber("poll"), rest("ranking", { maxLength: 400 })],
    permission: "anyone",
    run: ({ args, sender, isDirect, context }) => (isDirect ? castBallot(context, args.poll, sender, args.ranking) : sendPrivately),
  }),
];
