// Pins each decision in the Governance room: the results themselves, or a note linking to a poll held
// elsewhere. A pin that fails (the homeserver restarting at that moment, say) is tried again on later
// ticks, a minute apart and then doubling, five tries in all, so bad timing does not leave it unpinned.

import type { BotContext } from "../framework/contract.ts";
import type { PollRecord } from "./pollModel.ts";
import { addPendingPin, governanceRoom, loadPoll, pendingPins, removePendingPin, type PendingPin } from "./pollStore.ts";
import { speakerFor } from "../framework/speak.ts";
import { backoffDelay } from "../framework/backoff.ts";
import { decisionNote } from "./pollWords.ts";

const pinnedEventsType = "m.room.pinned_events";
// 1, 2, 4, 8 minutes, then the pin is given up (the decision is in the log either way).
const retryPolicy = { firstMs: 60_000, maxMs: 16 * 60_000 };
const maxAttempts = 5;

/** Pins once; throws when the homeserver refuses (a note already posted is kept in `pin`, not posted again). */
async function pinInGovernanceRoom(context: BotContext, poll: PollRecord, pin: PendingPin): Promise<void> {
  const roomId = context.neighborhood.roomRole(poll.roomId) === "governance" ? poll.roomId : governanceRoom(context.store);
  if (roomId === undefined || poll.resultsEventId === undefined) return;
  pin.noteEventId ??= roomId === poll.roomId ? undefined : await context.actions.sendMessage(roomId, decisionNote(speakerFor(context), poll));
  const eventId = pin.noteEventId ?? poll.resultsEventId;
  const current = await context.actions.getState(roomId, pinnedEventsType, "");
  const pinned = Array.isArray(current?.pinned) ? current.pinned.filter((id): id is string => typeof id === "string") : [];
  if (!pinned.includes(eventId)) await context.actions.setState(roomId, pinnedEventsType, "", { pinned: [...pinned, eventId] });
}

async function attempt(context: BotContext, poll: PollRecord, pin: PendingPin): Promise<void> {
  try {
    await pinInGovernanceRoom(context, poll, pin);
    removePendingPin(context.store, poll.number);
  } catch (error) {
    const attempts = pin.attempts + 1;
    context.log.error(`pinning decision ${poll.number} (try ${attempts} of ${maxAttempts})`, error);
    if (attempts < maxAttempts) addPendingPin(context.store, { ...pin, attempts, nextAt: context.now() + backoffDelay(attempts, retryPolicy) });
    else removePendingPin(context.store, poll.number);
  }
}

/** Pins a just-closed poll's decision (its results message stored in the poll); queued first, so a crash mid-way retries. */
export function pinDecision(context: BotContext, poll: PollRecord): Promise<void> {
  const pin: PendingPin = { number: poll.number, attempts: 0, nextAt: context.now() + retryPolicy.firstMs };
  addPendingPin(context.store, pin);
  return attempt(context, poll, pin);
}

/** Timed work: tries again the pins that failed and are due. */
export async function retryDecisionPins(context: BotContext): Promise<void> {
  const now = context.now();
  for (const pin of pendingPins(context.store)) {
    if (pin.nextAt > now) continue;
    const poll = loadPoll(context.store, pin.number);
    if (poll === undefined) removePendingPin(context.store, pin.number);
    else await attempt(context, poll, pin);
  }
}
