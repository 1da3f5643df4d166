// How the bot retries Matrix sends it must not lose (incident messages, edits, Lobby notices) and
// tells owners (best effort: a DM that fails is logged, not retried).

import type { BotContext, RichText } from "../framework/contract.ts";
import { speakerFor, type Speaker } from "../framework/speak.ts";
import { backoffDelay } from "../framework/backoff.ts";

export const meshLocalpart = "mesh";

export interface Retrying {
  failures: number;
  retryAt?: number;
}

/** 5 s, 10 s, 20 s… up to 10 minutes: a homeserver that is down is not hammered. */
const retryPolicy = { firstMs: 5_000, maxMs: 10 * 60_000 };

export function isDue(item: Retrying, now: number): boolean {
  return item.retryAt === undefined || item.retryAt <= now;
}

export function failed<Item extends Retrying>(item: Item, now: number): Item {
  const failures = item.failures + 1;
  return { ...item, failures, retryAt: now + backoffDelay(failures, retryPolicy) };
}

export function succeeded<Item extends Retrying>(item: Item): Item {
  const done = { ...item, failures: 0 };
  delete done.retryAt;
  return done;
}

/** Each owner is told in their own language. */
export async function tellOwners(context: BotContext, owners: readonly string[], notice: (speaker: Speaker) => RichText): Promise<void> {
  for (const owner of owners) {
    try {
      const roomId = await context.actions.openPrivateRoom([owner]);
      await context.actions.sendMessage(roomId, notice(speakerFor(context, owner)));
    } catch (error) {
      context.log.error(`telling ${owner} about a mesh incident`, error);
    }
  }
}
