// Transaction ids for what a bot sends while it handles an event, derived from that event: when the event
// is handled again after a crash (the inbox is at-least-once), the same sends carry the same ids, and the
// homeserver answers with the first send's event instead of posting a second answer. The same ids make a
// send safe to retry while the homeserver is down.
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";

interface Handling {
  key: string;
  sends: number;
}

const handling = new AsyncLocalStorage<Handling>();

/** Runs one bot's handling of one event; sends made inside get ids derived from (bot, event, n-th send). */
export function whileHandling<T>(botUserId: string, eventId: string, work: () => Promise<T>): Promise<T> {
  return handling.run({ key: `${botUserId}\n${eventId}`, sends: 0 }, work);
}

/** The next send's transaction id: derived inside a handling, else `fallback()` (timed work, provisioning). */
export function nextTxnId(fallback: () => string): string {
  const current = handling.getStore();
  if (current === undefined) return fallback();
  current.sends += 1;
  return `bs${createHash("sha256").update(`${current.key}\n${current.sends}`).digest("base64url").slice(0, 32)}`;
}
