// !propose, !consent, !poll and !ranked: one command per kind of decision, all read by readPollRequest.
// Polls are started in a room by the block's own members; the reply says exactly what was not understood.

import type { RichText } from "../framework/contract.ts";
import { optional, rest } from "../framework/commandArguments.ts";
import { defineCommand, type Command } from "../framework/defineCommand.ts";
import { code, message, paragraph } from "../framework/richText.ts";
import { isOwnMember } from "./eligibleVoters.ts";
import { openPoll } from "./openPoll.ts";
import type { PollKind } from "./pollModel.ts";
import { acceptedClauses, readPollRequest } from "./readPollRequest.ts";

interface StartPollSpec {
  name: string;
  kind: PollKind;
  summary: string;
  example: string;
  details: string;
}

const startPollSpecs: readonly StartPollSpec[] = [
  {
    name: "propose",
    kind: "proposal",
    summary: "Propose something to agree, disagree or abstain on",
    example: "!propose Quiet hours from 10pm closes in 7 days threshold two-thirds quorum 50%",
    details:
      "Threshold: majority (more than half of agree + disagree, the default), two-thirds (at least 2/3) or three-quarters (at least 3/4); abstentions count for quorum only. " +
      "Binding settings change only this way and apply when it passes: `set sharing.max_open_listings to 5`, `set sharing.max_claims_per_week to 3`, " +
      "`set sharing.pact_neighbors_may_claim to no`, `add neighbor elm.mesh at 10.0.2.1`, `remove neighbor elm.mesh`, and the block's norms with `norms \"Be kind. …\"` (a line per norm, up to 1000 characters; the Lobby's pin follows). Binding proposals need quorum 50% unless you say otherwise.",
  },
  {
    name: "consent",
    kind: "consent",
    summary: "Propose something that passes unless someone objects",
    example: "!consent Move the bike rack to the back yard closes in 3 days",
    details: "Neighbors answer consent or object; it passes unless an objection stands at the close.",
  },
  {
    name: "poll",
    kind: "choose",
    summary: "Ask a question with options (pick one, or several with `pick 2`)",
    example: '!poll "Lunch?" options: pizza, tacos, soup closes in 2 days',
    details: "Up to 20 options. Add `pick 2` to let neighbors choose up to two.",
  },
  {
    name: "ranked",
    kind: "ranked",
    summary: "Ranked-choice vote (instant runoff), ballots by DM with me",
    example: '!ranked "Block party theme" options: garden, music, food closes in 5 days',
    details: "Neighbors rank options in a private chat with me (`!rank 3 B A C`); the room sees how many ballots are in, and the results show each round.",
  },
];

function problemReply(spec: StartPollSpec, problem: string): RichText {
  return message(
    paragraph(problem),
    paragraph("For example: ", code(spec.example)),
    paragraph(`After the question you can add: ${acceptedClauses(spec.kind)}. It closes in 7 days unless you say otherwise.`),
  );
}

function startPollCommand(spec: StartPollSpec): Command {
  return defineCommand({
    name: spec.name,
    summary: spec.summary,
    details: `${spec.details} Example: ${spec.example}`,
    args: [optional(rest("details", { maxLength: 1500 }))],
    permission: "anyone",
    run: async ({ args, sender, roomId, isDirect, context }) => {
      if (isDirect) return message("Start polls in a room, like Governance, so the neighbors there can vote.");
      if (!isOwnMember(context, sender)) return message("Only members of this block can start polls here.");
      if (args.details === undefined) return problemReply(spec, "What is the question?");
      const reading = readPollRequest(spec.kind, args.details);
      if (!reading.ok) return problemReply(spec, reading.problem);
      const opened = await openPoll(context, reading.request, sender, roomId);
      return opened.reply;
    },
  });
}

export const startPollCommands: readonly Command[] = startPollSpecs.map(startPollCommand);
