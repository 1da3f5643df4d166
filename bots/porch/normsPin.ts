// Keeps the block's norms pinned in the Lobby: posted once, then edited (m.replace) whenever the norms
// change, so the pin always shows the current text and the Lobby gets no pile of old versions. The
// porch compares on its timed work (cheap: a store read), so a change made by a passed proposal, or one
// made while the porch was down, shows within a second or at the next start.

import type { BotContext } from "../framework/contract.ts";
import { normsMessage } from "./normsMessage.ts";

const pinnedEventsType = "m.room.pinned_events";
const pinKey = "norms-pin";
const retryKey = "norms-pin-retry";
const firstRetryMs = 2_000;
const maxRetryMs = 10 * 60_000;

/** What the porch last put in the Lobby. */
export interface NormsPin {
  roomId: string;
  eventId: string;
  /** The norms the message shows now. */
  text: string;
  pinned: boolean;
}

export type NormsPinStep =
  | { kind: "nothing" }
  | { kind: "post"; roomId: string }
  | { kind: "edit"; pin: NormsPin }
  | { kind: "pin"; pin: NormsPin };

/** Pure: what the Lobby needs so that its pin shows `norms`. */
export function decideNormsPin(norms: string, lobby: string | undefined, pin: NormsPin | undefined): NormsPinStep {
  if (lobby === undefined) return { kind: "nothing" }; // not provisioned yet
  // A new Lobby (the block was provisioned again) gets its own message.
  if (pin === undefined || pin.roomId !== lobby) return { kind: "post", roomId: lobby };
  if (pin.text !== norms) return { kind: "edit", pin };
  if (!pin.pinned) return { kind: "pin", pin };
  return { kind: "nothing" };
}

async function pinInRoom(context: BotContext, roomId: string, eventId: string): Promise<void> {
  const current = await context.actions.getState(roomId, pinnedEventsType, "");
  const pinned = Array.isArray(current?.pinned) ? current.pinned.filter((id): id is string => typeof id === "string") : [];
  if (!pinned.includes(eventId)) await context.actions.setState(roomId, pinnedEventsType, "", { pinned: [...pinned, eventId] });
}

type Performers = { [Kind in NormsPinStep["kind"]]: (step: Extract<NormsPinStep, { kind: Kind }>, norms: string, context: BotContext) => Promise<void> };

// Each step records what it did before the next one, so a failure part-way is resumed, never repeated.
const performers: Performers = {
  nothing: async () => {},
  async post(step, norms, context) {
    // Provisioning records the Lobby's role before the porch has joined it; joining again is harmless.
    await context.actions.joinRoom(step.roomId);
    const eventId = await context.actions.sendMessage(step.roomId, normsMessage(norms));
    const pin: NormsPin = { roomId: step.roomId, eventId, text: norms, pinned: false };
    context.store.put(pinKey, pin);
    await performers.pin({ kind: "pin", pin }, norms, context);
  },
  async edit(step, norms, context) {
    await context.actions.editMessage(step.pin.roomId, step.pin.eventId, normsMessage(norms));
    const pin = { ...step.pin, text: norms };
    context.store.put(pinKey, pin);
    if (!pin.pinned) await performers.pin({ kind: "pin", pin }, norms, context);
  },
  async pin(step, _norms, context) {
    await pinInRoom(context, step.pin.roomId, step.pin.eventId);
    context.store.put(pinKey, { ...step.pin, pinned: true });
  },
};

function perform(step: NormsPinStep, norms: string, context: BotContext): Promise<void> {
  return (performers[step.kind] as (step: NormsPinStep, norms: string, context: BotContext) => Promise<void>)(step, norms, context);
}

/** Timed work: brings the Lobby's pinned norms up to date; a failure is logged and tried again later (2 s, doubling, at most 10 min apart). */
export async function keepNormsPinned(context: BotContext): Promise<void> {
  const retry = context.store.get<{ attempts: number; nextAt: number }>(retryKey);
  if (retry !== undefined && retry.nextAt > context.now()) return;
  const norms = context.community.norms();
  const step = decideNormsPin(norms, context.neighborhood.roomsWithRole("lobby")[0], context.store.get<NormsPin>(pinKey));
  if (step.kind === "nothing") return;
  try {
    await perform(step, norms, context);
    context.store.delete(retryKey);
  } catch (error) {
    const attempts = (retry?.attempts ?? 0) + 1;
    context.log.error(`updating the Lobby's pinned norms (try ${attempts})`, error);
    context.store.put(retryKey, { attempts, nextAt: context.now() + Math.min(firstRetryMs * 2 ** (attempts - 1), maxRetryMs) });
  }
}
