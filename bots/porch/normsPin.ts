// Keeps the block's norms pinned in the Lobby: posted once, then edited (m.replace) whenever the norms
// change, so the pin always shows the current text and the Lobby gets no pile of old versions. The
// porch compares on its timed work (cheap: a store read), so a change made by a passed proposal, or one
// made while the porch was down, shows within a second or at the next start. The message is in the
// block's language; a change of that language edits it too.

import type { BotContext, RichText } from "../framework/contract.ts";
import { speakerFor } from "../framework/speak.ts";
import { storeKey } from "../framework/storeKeys.ts";
import { backoffDelay } from "../framework/backoff.ts";
import { normsMessage } from "./normsMessage.ts";

const pinnedEventsType = "m.room.pinned_events";
const pinKey = storeKey<NormsPin>("norms-pin");
const retryKey = storeKey<{ attempts: number; nextAt: number }>("norms-pin-retry");
const retryPolicy = { firstMs: 2_000, maxMs: 10 * 60_000 };

/** What the porch last put in the Lobby. */
export interface NormsPin {
  roomId: string;
  eventId: string;
  /** The message's text as it shows now (the norms, in the block's language). */
  text: string;
  pinned: boolean;
}

export type NormsPinStep = { kind: "nothing" } | { kind: "post"; roomId: string } | { kind: "edit"; pin: NormsPin } | { kind: "pin"; pin: NormsPin };

/** Pure: what the Lobby needs so that its pin shows `shown` (the norms message's text). */
export function decideNormsPin(shown: string, lobby: string | undefined, pin: NormsPin | undefined): NormsPinStep {
  if (lobby === undefined) return { kind: "nothing" }; // not provisioned yet
  // A new Lobby (the block was provisioned again) gets its own message.
  if (pin === undefined || pin.roomId !== lobby) return { kind: "post", roomId: lobby };
  if (pin.text !== shown) return { kind: "edit", pin };
  if (!pin.pinned) return { kind: "pin", pin };
  return { kind: "nothing" };
}

async function pinInRoom(context: BotContext, roomId: string, eventId: string): Promise<void> {
  const current = await context.actions.getState(roomId, pinnedEventsType, "");
  const pinned = Array.isArray(current?.pinned) ? current.pinned.filter((id): id is string => typeof id === "string") : [];
  if (!pinned.includes(eventId)) await context.actions.setState(roomId, pinnedEventsType, "", { pinned: [...pinned, eventId] });
}

type Performers = { [Kind in NormsPinStep["kind"]]: (step: Extract<NormsPinStep, { kind: Kind }>, shown: RichText, context: BotContext) => Promise<void> };

// Each step records what it did before the next one, so a failure part-way is resumed, never repeated.
const performers: Performers = {
  nothing: async () => {},
  async post(step, shown, context) {
    // Provisioning records the Lobby's role before the porch has joined it; joining again is harmless.
    await context.actions.joinRoom(step.roomId);
    const eventId = await context.actions.sendMessage(step.roomId, shown);
    const pin: NormsPin = { roomId: step.roomId, eventId, text: shown.text, pinned: false };
    pinKey.put(context.store, pin);
    await performers.pin({ kind: "pin", pin }, shown, context);
  },
  async edit(step, shown, context) {
    await context.actions.editMessage(step.pin.roomId, step.pin.eventId, shown);
    const pin = { ...step.pin, text: shown.text };
    pinKey.put(context.store, pin);
    if (!pin.pinned) await performers.pin({ kind: "pin", pin }, shown, context);
  },
  async pin(step, _shown, context) {
    await pinInRoom(context, step.pin.roomId, step.pin.eventId);
    pinKey.put(context.store, { ...step.pin, pinned: true });
  },
};

function perform(step: NormsPinStep, shown: RichText, context: BotContext): Promise<void> {
  return (performers[step.kind] as (step: NormsPinStep, shown: RichText, context: BotContext) => Promise<void>)(step, shown, context);
}

/** Timed work: brings the Lobby's pinned norms up to date; a failure is logged and tried again later (2 s, doubling, at most 10 min apart). */
export async function keepNormsPinned(context: BotContext): Promise<void> {
  const retry = retryKey.get(context.store);
  if (retry !== undefined && retry.nextAt > context.now()) return;
  const shown = normsMessage(context.community.norms(), speakerFor(context));
  const step = decideNormsPin(shown.text, context.neighborhood.roomsWithRole("lobby")[0], pinKey.get(context.store));
  if (step.kind === "nothing") return;
  try {
    await perform(step, shown, context);
    retryKey.delete(context.store);
  } catch (error) {
    const attempts = (retry?.attempts ?? 0) + 1;
    context.log.error(`updating the Lobby's pinned norms (try ${attempts})`, error);
    retryKey.put(context.store, { attempts, nextAt: context.now() + backoffDelay(attempts, retryPolicy) });
  }
}
