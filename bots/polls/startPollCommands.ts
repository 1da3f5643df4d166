// !propose, !consent, !poll and !ranked (and their Spanish names): one command per kind of decision, all
// read by readPollRequest. Polls are started in a room by the block's own members; the reply says exactly
// what was not understood, in the neighbor's language.

import type { MessageKey } from "../framework/languages.ts";
import { optional, rest } from "../framework/commandArguments.ts";
import { defineCommand, type Command } from "../framework/defineCommand.ts";
import { message } from "../framework/richText.ts";
import { speakerFor, words } from "../framework/speak.ts";
import { isOwnMember } from "./eligibleVoters.ts";
import { openPoll } from "./openPoll.ts";
import type { PollKind } from "./pollModel.ts";
import { pollRequestProblem } from "./pollWords.ts";
import { acceptedClauses, readPollRequest } from "./readPollRequest.ts";

interface StartPollSpec {
  name: string;
  aliases: readonly string[];
  kind: PollKind;
  summary: MessageKey;
  details: MessageKey;
  example: string;
}

const startPollSpecs: readonly StartPollSpec[] = [
  {
    name: "propose",
    aliases: ["proponer", "propuesta"],
    kind: "proposal",
    summary: "polls.propose.summary",
    details: "polls.propose.details",
    example: "!propose Quiet hours from 10pm closes in 7 days threshold two-thirds quorum 50%",
  },
  {
    name: "consent",
    aliases: ["consentir", "consentimiento"],
    kind: "consent",
    summary: "polls.consent.summary",
    details: "polls.consent.details",
    example: "!consent Move the bike rack to the back yard closes in 3 days",
  },
  {
    name: "poll",
    aliases: ["votacion", "encuesta"],
    kind: "choose",
    summary: "polls.poll.summary",
    details: "polls.poll.details",
    example: '!poll "Lunch?" options: pizza, tacos, soup closes in 2 days',
  },
  {
    name: "ranked",
    aliases: ["preferencias"],
    kind: "ranked",
    summary: "polls.ranked.summary",
    details: "polls.ranked.details",
    example: '!ranked "Block party theme" options: garden, music, food closes in 5 days',
  },
];

function startPollCommand(spec: StartPollSpec): Command {
  return defineCommand({
    name: spec.name,
    aliases: spec.aliases,
    summary: words(spec.summary),
    details: words(spec.details, { example: spec.example }),
    args: [optional(rest("details", { maxLength: 1500 }))],
    permission: "anyone",
    run: async ({ args, sender, roomId, isDirect, context }) => {
      const speaker = speakerFor(context, sender);
      if (isDirect) return message(speaker.say("polls.start.inRoom"));
      if (!isOwnMember(context, sender)) return message(speaker.say("polls.start.membersOnly"));
      const problem = (key: MessageKey, ref = words(key)) => pollRequestProblem(speaker, ref, spec.example, acceptedClauses(spec.kind));
      if (args.details === undefined) return problem("polls.problem.whatQuestion");
      const reading = readPollRequest(spec.kind, args.details, { now: context.now(), timeZone: context.neighborhood.timeZone });
      if (!reading.ok) return problem(reading.problem.key, reading.problem);
      const opened = await openPoll(context, reading.request, sender, roomId);
      return opened.reply;
    },
  });
}

export const startPollCommands: readonly Command[] = startPollSpecs.map(startPollCommand);
