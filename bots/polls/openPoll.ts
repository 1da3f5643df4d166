// Opens a poll in a room: fixes who may vote, posts the native poll (or, for secret and ranked polls,
// an announcement saying how to vote by DM) and stores it so the deadline holds across restarts. A poll
// is the room's: its title, answers and notice are in the block's language.

import type { BotContext, RichText } from "../framework/contract.ts";
import { eligibleVoters } from "./eligibleVoters.ts";
import { pollStartContent, pollStartType } from "./pollEvents.ts";
import { votesByDm, type PollRecord } from "./pollModel.ts";
import { nextPollNumber, savePoll } from "./pollStore.ts";
import { speakerFor } from "../framework/speak.ts";
import { dmPollAnnouncement, localizedOptions, nativePollNotice, pollTitle } from "./pollWords.ts";
import type { PollRequest } from "./readPollRequest.ts";

export interface OpenedPoll {
  poll: PollRecord;
  /** For native polls, the notice to post as the reply to the command. */
  reply: RichText | undefined;
}

export async function openPoll(context: BotContext, request: PollRequest, author: string, roomId: string): Promise<OpenedPoll> {
  const { eligible, from } = await eligibleVoters(context, roomId);
  const now = context.now();
  const speaker = speakerFor(context);
  const poll: PollRecord = {
    number: nextPollNumber(context.store),
    kind: request.kind,
    question: request.question,
    // Agree / Disagree… as the room reads them; a neighbor's own options as written.
    options: localizedOptions(speaker, request.options),
    maxSelections: request.maxSelections,
    threshold: request.threshold,
    quorumPercent: request.quorumPercent,
    secret: request.secret,
    hidden: request.hidden,
    binding: request.binding,
    roomId,
    startEventId: "",
    author,
    openedAt: now,
    closesAt: now + request.durationMs,
    eligible,
    eligibleFrom: from,
    status: "open",
  };
  if (votesByDm(poll)) {
    poll.startEventId = await context.actions.sendMessage(roomId, dmPollAnnouncement(speaker, poll, context.self, 0));
    savePoll(context.store, poll);
    return { poll, reply: undefined };
  }
  poll.startEventId = await context.actions.sendEvent(
    roomId,
    pollStartType,
    pollStartContent({ question: pollTitle(speaker, poll), options: poll.options, maxSelections: poll.maxSelections, hidden: poll.hidden }),
  );
  savePoll(context.store, poll);
  return { poll, reply: nativePollNotice(speaker, poll) };
}
