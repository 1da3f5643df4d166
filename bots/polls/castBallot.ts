// A DM ballot for a secret or ranked poll: checked (open, eligible, readable), stored with the voter's
// receipt code (kept when they change their vote), and the room's announcement shows the new count.

import type { BotContext, RichText } from "../framework/contract.ts";
import { logBotError } from "../framework/errorLog.ts";
import { bold, code, italic, message, paragraph } from "../framework/richText.ts";
import { votesByDm, type PollRecord } from "./pollModel.ts";
import { loadBallots, loadPoll, saveBallots } from "./pollStore.ts";
import { dmPollAnnouncement, pollTitle } from "./pollTexts.ts";
import { readBallot } from "./readBallot.ts";
import { newReceiptCode } from "./receipts.ts";

function refusal(poll: PollRecord | undefined, number: number, voter: string): string | undefined {
  if (poll === undefined) return `There is no poll ${number}. Send !polls to see the open ones.`;
  if (poll.status !== "open") return `Poll ${number} is closed.`;
  if (!votesByDm(poll)) return `Poll ${number} is voted in the room: use the poll in Element there.`;
  if (!poll.eligible.includes(voter)) return `You are not on the list of voters for poll ${number} (members of this block who were in the room when it opened, or the block's members list), so your vote would not be counted.`;
  return undefined;
}

export async function castBallot(context: BotContext, number: number, voter: string, text: string): Promise<RichText> {
  const poll = loadPoll(context.store, number);
  const refused = refusal(poll, number, voter);
  if (refused !== undefined || poll === undefined) return message(refused ?? "");
  const reading = readBallot(poll, text);
  if (!reading.ok) return message(reading.problem);
  const ballots = loadBallots(context.store, number);
  const previous = ballots[voter];
  const receipt = previous?.receipt ?? newReceiptCode();
  ballots[voter] = { choices: reading.choices, receipt, ts: context.now() };
  saveBallots(context.store, number, ballots);
  if (previous === undefined) {
    try {
      await context.actions.editMessage(poll.roomId, poll.startEventId, dmPollAnnouncement(poll, context.self, Object.keys(ballots).length));
    } catch (error) {
      logBotError("polls", `updating the ballot count of poll ${number}`, error);
    }
  }
  const labels = reading.choices.map((id) => poll.options.find((option) => option.id === id)?.label ?? id);
  return message(
    paragraph(previous === undefined ? "Your ballot is in" : "Your ballot is changed", ` for ${pollTitle(poll)}: `, bold(labels.join(poll.kind === "ranked" ? " > " : ", ")), "."),
    paragraph("Your receipt: ", code(receipt), ". Keep it: after the close I publish every receipt with what it counted for, so you can check yours. You can change your vote until the close."),
    // The issue asks to say it plainly, where the vote is cast as well as in the announcement.
    paragraph(italic("The room sees only the count, but the box's operator could see this chat and your vote.")),
  );
}
