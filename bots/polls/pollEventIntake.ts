// Poll events arriving in rooms: responses are kept for their open poll, a redaction removes the
// response it redacts (so its sender falls back to their previous one), and an end event is taken
// only from someone Element itself would take it from. Element (matrix-js-sdk's Poll) honors an end
// from the poll's creator (this bot) or from a user who may redact others' events (a moderator): a
// moderator's end therefore closes the poll here too, counting up to that end, so Element and the
// results agree. Anyone else's end is ignored, with a reply pointing to !close.

import type { BotContext, MatrixEvent } from "../framework/contract.ts";
import { speakerFor } from "../framework/speak.ts";
import { stillOpenMessage } from "./pollWords.ts";
import { closePoll } from "./closePoll.ts";
import { readPollEnd, readPollResponse, readRedactedEventId } from "./pollEvents.ts";
import { loadResponses, openPolls, pollByStartEvent, rememberGovernanceRoom, saveResponses } from "./pollStore.ts";

type IntakeStep = (event: MatrixEvent, context: BotContext, closing: Set<number>) => Promise<boolean>;

async function keepResponse(event: MatrixEvent, context: BotContext): Promise<boolean> {
  const read = readPollResponse(event);
  if (read === undefined) return false;
  const { startEventId, ...response } = read;
  const poll = pollByStartEvent(context.store, startEventId);
  // Once closed, the tally is final: later responses are after the end.
  if (poll === undefined || poll.status !== "open") return true;
  const responses = loadResponses(context.store, poll.number);
  if (!responses.some((kept) => kept.eventId === response.eventId)) {
    saveResponses(context.store, poll.number, [...responses, response]);
  }
  return true;
}

async function forgetRedactedResponse(event: MatrixEvent, context: BotContext): Promise<boolean> {
  const redacted = readRedactedEventId(event);
  if (redacted === undefined) return false;
  for (const poll of openPolls(context.store)) {
    if (poll.roomId !== event.room_id) continue;
    const responses = loadResponses(context.store, poll.number);
    const kept = responses.filter((response) => response.eventId !== redacted);
    if (kept.length !== responses.length) saveResponses(context.store, poll.number, kept);
  }
  return true;
}

// The Matrix spec's default for `redact` when the power levels event does not set it.
const defaultRedactLevel = 50;

/** Whether Element would accept this user's end event: they may redact other users' events in the room. */
async function mayRedactOthers(context: BotContext, roomId: string, userId: string): Promise<boolean> {
  const levels = await context.actions.getState(roomId, "m.room.power_levels", "");
  const redact = typeof levels?.redact === "number" ? levels.redact : defaultRedactLevel;
  return (await context.actions.powerLevel(roomId, userId)) >= redact;
}

async function takePollEnd(event: MatrixEvent, context: BotContext, closing: Set<number>): Promise<boolean> {
  const startEventId = readPollEnd(event);
  if (startEventId === undefined) return false;
  const poll = pollByStartEvent(context.store, startEventId);
  if (poll === undefined || poll.status !== "open" || event.sender === context.self || event.room_id !== poll.roomId) return true;
  if (await mayRedactOthers(context, poll.roomId, event.sender)) {
    // Past the deadline it is simply the deadline close (the next tick would do it anyway).
    const early = event.origin_server_ts < poll.closesAt ? { by: event.sender, at: event.origin_server_ts } : undefined;
    await closePoll(context, poll.number, closing, early);
    return true;
  }
  await context.actions.sendMessage(event.room_id, stillOpenMessage(speakerFor(context, event.sender), poll), { replyTo: event.event_id });
  return true;
}

const intakeSteps: readonly IntakeStep[] = [keepResponse, forgetRedactedResponse, takePollEnd];

export async function takePollEvent(event: MatrixEvent, context: BotContext, closing: Set<number>): Promise<void> {
  if (context.neighborhood.roomRole(event.room_id) === "governance") rememberGovernanceRoom(context.store, event.room_id);
  for (const step of intakeSteps) {
    if (await step(event, context, closing)) return;
  }
}
