// Opens a poll in a room: fixes who may vote, posts the native poll (or, for secret and ranked polls,
// an announcement saying how to vote by DM) and stores it so the deadline holds across restarts.

import type { BotContext, RichText } from "../framework/contract.ts";
import { eligibleVoters } from "./eligibleVoters.ts";
import { pollStartContent, pollStartType } from "./pollEvents.ts";
import { votesByDm, type PollRecord } from "./pollModel.ts";
import { nextPollNumber, savePoll } from "./pollStore.ts";
import { dmPollAnnouncement, nativePollNotice, pollTitle } from "./pollTexts.ts";
import type { PollRequest } from "./readPollRequest.ts";

export interface OpenedPoll {
  poll: PollRecord;
  /** For native polls, the notice to post as the reply to the command. */
  reply: RichText | undefined;
}

export async function openPoll(context: BotContext, request: PollRequest, author: string, roomId: string): Promise<OpenedPoll> {
  const { eligible, from } = await eligibleVoters(context, roomId);
  const now = context.now();
  const poll: PollRecord = {
    number: nextPollNumber(context.store),
    kind: request.kind,
    question: request.question,
    options: request.options,
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
    poll.startEventId = await context.actions.sendMessage(roomId, dmPollAnnouncement(poll, context.self, 0));
    savePoll(context.store, poll);
    return { poll, reply: undefined };
  }
  poll.startEventId = await context.actions.sendEvent(
    roomId,
    pollStartType,
    pollStartContent({ question: pollTitle(poll), options: poll.options, maxSelections: poll.maxSelections, hidden: poll.hidden }),
  );
  savePoll(context.store, poll);
  return { poll, reply: nativePollNotice(poll) };
}
