// Timed work, once a second: close every poll whose deadline has passed (also the ones that fell due
// while the box was down), a day before the close remind eligible members who have not voted, and
// try again the decision pins that failed.

import type { BotContext } from "../framework/contract.ts";
import { closePoll } from "./closePoll.ts";
import { eligibleNonVoters } from "./countPollVotes.ts";
import { retryDecisionPins } from "./pinDecisions.ts";
import type { PollRecord } from "./pollModel.ts";
import { openPolls, remindersOff, savePoll } from "./pollStore.ts";
import { speakerFor } from "../framework/speak.ts";
import { reminderMessage } from "./pollWords.ts";

const day = 24 * 60 * 60 * 1000;
/** Reminders go out a day before the close, only for polls that run more than a day and a half. */
export const reminderLeadMs = day;
export const minLengthForReminderMs = 1.5 * day;

function reminderDue(poll: PollRecord, now: number): boolean {
  return poll.remindedAt === undefined && poll.closesAt - poll.openedAt > minLengthForReminderMs && now >= poll.closesAt - reminderLeadMs;
}

async function sendReminders(context: BotContext, poll: PollRecord, now: number): Promise<void> {
  // Marked first: a reminder is a nudge, and sending it twice after a crash would be worse than once.
  savePoll(context.store, { ...poll, remindedAt: now });
  for (const member of eligibleNonVoters(context.store, poll, now)) {
    if (remindersOff(context.store, member)) continue;
    try {
      const roomId = await context.actions.openPrivateRoom([member]);
      await context.actions.sendMessage(roomId, reminderMessage(speakerFor(context, member), poll, now));
    } catch (error) {
      context.log.error(`reminding ${member} of poll ${poll.number}`, error);
    }
  }
}

export async function runPollDeadlines(context: BotContext, closing: Set<number>): Promise<void> {
  const now = context.now();
  for (const poll of openPolls(context.store)) {
    try {
      if (now >= poll.closesAt) await closePoll(context, poll.number, closing);
      else if (reminderDue(poll, now)) await sendReminders(context, poll, now);
    } catch (error) {
      context.log.error(`deadline work for poll ${poll.number}`, error);
    }
  }
  await retryDecisionPins(context);
}
