// A DM ballot for a secret or ranked poll: checked (open, eligible, readable), stored with the voter's
// receipt code (kept when they change their vote), and the room's announcement shows the new count.
// decideBallot is the pure part: what to refuse, or what the ballot counts for.

import type { BotContext, RichText } from "../framework/contract.ts";
import { speakerFor, words, type MessageRef } from "../framework/speak.ts";
import { votesByDm, type PollRecord } from "./pollModel.ts";
import { loadBallots, loadPoll, saveBallots } from "./pollStore.ts";
import { ballotCastMessage, dmPollAnnouncement, notAnOptionMessage, problemMessage } from "./pollWords.ts";
import { readBallot } from "./readBallot.ts";
import { newReceiptCode } from "./receipts.ts";

export type BallotDecision =
  | { kind: "refused"; problem: MessageRef }
  | { kind: "notAnOption"; poll: PollRecord; word: string }
  | { kind: "accepted"; poll: PollRecord; choices: string[] };

export function decideBallot(poll: PollRecord | undefined, number: number, voter: string, text: string): BallotDecision {
  if (poll === undefined) return { kind: "refused", problem: words("polls.noPoll", { number: String(number) }) };
  if (poll.status !== "open") return { kind: "refused", problem: words("polls.ballot.closed", { number: String(number) }) };
  if (!votesByDm(poll)) return { kind: "refused", problem: words("polls.ballot.inRoom", { number: String(number) }) };
  if (!poll.eligible.includes(voter)) return { kind: "refused", problem: words("polls.ballot.notEligible", { number: String(number) }) };
  const reading = readBallot(poll, text);
  if (reading.ok) return { kind: "accepted", poll, choices: reading.choices };
  return "unknownWord" in reading ? { kind: "notAnOption", poll, word: reading.unknownWord } : { kind: "refused", problem: reading.problem };
}

/** `encrypted`: the ballot came through an end-to-end encrypted chat. */
export async function castBallot(context: BotContext, number: number, voter: string, text: string, encrypted: boolean): Promise<RichText> {
  const speaker = speakerFor(context, voter);
  const decision = decideBallot(loadPoll(context.store, number), number, voter, text);
  if (decision.kind === "refused") return problemMessage(speaker, decision.problem);
  if (decision.kind === "notAnOption") return notAnOptionMessage(speaker, decision.poll, decision.word);
  const { poll, choices } = decision;
  const ballots = loadBallots(context.store, number);
  const previous = ballots[voter];
  const receipt = previous?.receipt ?? newReceiptCode();
  ballots[voter] = { choices, receipt, ts: context.now() };
  saveBallots(context.store, number, ballots);
  if (previous === undefined) {
    try {
      // The announcement is the room's: in the block's language.
      await context.actions.editMessage(
        poll.roomId,
        poll.startEventId,
        dmPollAnnouncement(speakerFor(context), poll, context.self, Object.keys(ballots).length),
      );
    } catch (error) {
      context.log.error(`updating the ballot count of poll ${number}`, error);
    }
  }
  return ballotCastMessage(speaker, { poll, choices, receipt, changed: previous !== undefined, encrypted });
}
