// Poll events arriving in rooms: responses are kept for their open poll, a redaction removes the
// response it redacts (so its sender falls back to their previous one), and an end event from anyone
// but this bot is ignored: only the bot ends its polls (a moderator asks it with !close).

import type { BotContext, MatrixEvent } from "../framework/contract.ts";
import { code, message } from "../framework/richText.ts";
import { readPollEnd, readPollResponse, readRedactedEventId } from "./pollEvents.ts";
import { loadResponses, openPolls, pollByStartEvent, rememberGovernanceRoom, saveResponses } from "./pollStore.ts";

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

async function ignoreForeignEnd(event: MatrixEvent, context: BotContext): Promise<boolean> {
  const startEventId = readPollEnd(event);
  if (startEventId === undefined) return false;
  const poll = pollByStartEvent(context.store, startEventId);
  if (poll === undefined || poll.status !== "open" || event.sender === context.self) return true;
  await context.actions.sendMessage(
    event.room_id,
    message(`Poll ${poll.number} is still open: only I end polls, at the deadline. The author or a moderator can close it early with `, code(`!close ${poll.number}`), "."),
    { replyTo: event.event_id },
  );
  return true;
}

const intakeSteps = [keepResponse, forgetRedactedResponse, ignoreForeignEnd];

export async function takePollEvent(event: MatrixEvent, context: BotContext): Promise<void> {
  if (context.neighborhood.roomRole(event.room_id) === "governance") rememberGovernanceRoom(context.store, event.room_id);
  for (const step of intakeSteps) {
    if (await step(event, context)) return;
  }
}
