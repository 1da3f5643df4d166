// Closes a poll: counts the votes as they stood at the end, sends the end event (native polls), the
// results, publishes receipts (DM-ballot polls), applies a passed binding change, and records and pins
// a decision. Sends first and stores after, so a crash part-way closes again on the next tick rather
// than never (a second end event is harmless: only the first counts).

import type { BotContext } from "../framework/contract.ts";
import { applyBindingChange } from "./bindingChanges.ts";
import { countPollVotes } from "./countPollVotes.ts";
import { decidePoll } from "./decidePoll.ts";
import { pollEndContent, pollEndType } from "./pollEvents.ts";
import { votesByDm, type PollRecord, type PublishedReceipt } from "./pollModel.ts";
import { pinDecision } from "./pinDecisions.ts";
import { loadBallots, loadPoll, recordDecision, replaceBallotsWithReceipts, savePoll } from "./pollStore.ts";
import { speakerFor } from "../framework/speak.ts";
import { closingText, dmPollAnnouncement, resultsMessage } from "./pollWords.ts";
import { publishedReceipts } from "./receipts.ts";

/** An early close: who asked (with !close, or by ending the poll in Element as a moderator), and when. */
export interface EarlyClose {
  by: string;
  /** When the poll ended: a moderator's own end event's timestamp, which Element also counts to. Default: now. */
  at?: number;
}

/**
 * `early` is undefined at the deadline. `closing` holds the numbers of polls being closed right now,
 * so a !close racing the deadline closes once.
 */
export async function closePoll(context: BotContext, number: number, closing: Set<number>, early?: EarlyClose): Promise<PollRecord | undefined> {
  if (closing.has(number)) return undefined;
  const poll = loadPoll(context.store, number);
  if (poll === undefined || poll.status !== "open") return undefined;
  closing.add(number);
  try {
    const now = context.now();
    // The end, the results and the log are the room's: in the block's language.
    const speaker = speakerFor(context);
    // At the deadline, votes after the deadline do not count even if the box closes late (after a restart).
    const endTs = Math.min(early?.at ?? now, now, poll.closesAt);
    const closedBy = early?.by;
    const result = decidePoll(poll, countPollVotes(context.store, poll, endTs));
    let receipts: PublishedReceipt[] = [];
    if (votesByDm(poll)) {
      receipts = publishedReceipts(Object.values(loadBallots(context.store, number)));
    } else {
      poll.endEventId = await context.actions.sendEvent(poll.roomId, pollEndType, pollEndContent(poll.startEventId, closingText(speaker, result)));
    }
    const applied = result.outcome.decided && poll.binding !== undefined ? await applyBindingChange(poll.binding, context.community) : undefined;
    const closed: PollRecord = { ...poll, status: "closed", closedAt: endTs, outcome: result.outcome, ...(closedBy === undefined ? {} : { closedBy }) };
    if (votesByDm(poll)) {
      replaceBallotsWithReceipts(context.store, number, receipts);
      await context.actions.editMessage(poll.roomId, poll.startEventId, dmPollAnnouncement(speaker, closed, context.self, receipts.length));
    }
    closed.resultsEventId = await context.actions.sendMessage(
      poll.roomId,
      resultsMessage(speaker, closed, result, { receipts, applied, closedEarlyBy: closedBy }),
    );
    savePoll(context.store, closed);
    if (result.outcome.decided) {
      recordDecision(context.store, {
        number,
        question: poll.question,
        outcome: result.outcome,
        decidedAt: endTs,
        roomId: poll.roomId,
        startEventId: poll.startEventId,
        ...(applied === undefined ? {} : { applied }),
      });
      await pinDecision(context, closed);
    }
    return closed;
  } finally {
    closing.delete(number);
  }
}
