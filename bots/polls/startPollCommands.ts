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
import { acceptedClauses, readPollRequest, type PollRequestProblem } from "./readPollRequest.ts";

interface StartPollSpec {
  name: string;
  aliases: readonly string[];
  kind: PollKind;
  summary: MessageKey;
  /** Its help, with an example in the language (also the catalog's `example` key, which a test opens). */
  details: MessageKey;
  example: MessageKey;
}

export const startPollSpecs: readonly StartPollSpec[] = [
  {
    name: "propose",
    aliases: ["proponer", "propuesta"],
    kind: "proposal",
    summary: "polls.propose.summary",
    details: "polls.propose.details",
    example: "polls.propose.example",
  },
  {
    name: "consent",
    aliases: ["consentir", "consentimiento"],
    kind: "consent",
    summary: "polls.consent.summary",
    details: "polls.consent.details",
    example: "polls.consent.example",
  },
  {
    name: "poll",
    aliases: ["votacion", "encuesta"],
    kind: "choose",
    summary: "polls.poll.summary",
    details: "polls.poll.details",
    example: "polls.poll.example",
  },
  {
    name: "ranked",
    aliases: ["preferencias"],
    kind: "ranked",
    summary: "polls.ranked.summary",
    details: "polls.ranked.details",
    example: "polls.ranked.example",
  },
];

function startPollCommand(spec: StartPollSpec): Command {
  return defineCommand({
    name: spec.name,
    aliases: spec.aliases,
    summary: words(spec.summary),
    details: words(spec.details),
    args: [optional(rest("details", { maxLength: 1500 }))],
    permission: "anyone",
    run: async ({ args, sender, roomId, isDirect, context }) => {
      const speaker = speakerFor(context, sender);
      if (isDirect) return message(speaker.say("polls.start.inRoom"));
      if (!isOwnMember(context, sender)) return message(speaker.say("polls.start.membersOnly"));
      const problem = (found: PollRequestProblem) => pollRequestProblem(speaker, found, speaker.plain(spec.example), acceptedClauses(spec.kind));
      if (args.details === undefined) return problem(words("polls.problem.whatQuestion"));
      const reading = readPollRequest(spec.kind, args.details, { now: context.now(), timeZone: context.neighborhood.timeZone });
      if (!reading.ok) return problem(reading.problem);
      const opened = await openPoll(context, reading.request, sender, roomId);
      return opened.reply;
    },
  });
}

export const startPollCommands: readonly Command[] = startPollSpecs.map(startPollCommand);
