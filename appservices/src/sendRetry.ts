// Retrying a bot's send while the homeserver is down or restarting (connection refused, 502/503/504) or
// rate-limiting (429): a neighbor's answer must not be dropped because Synapse was restarting that second.
// Safe because every try carries the same transaction id (outgoingTxnIds.ts): the homeserver posts it once.
import { setTimeout as sleep } from "node:timers/promises";
import { performance } from "node:perf_hooks";
import * as sdk from "matrix-js-sdk";

export interface SendRetryPolicy {
  /** Give up (and let the error through) once this much time has gone by. */
  maxWaitMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
  /**
   * Also retry a 500: Synapse answers one when its disk is full, and may have stored the event all the
   * same. Only for sends that look for their landed event before each retry (botActions' messages).
   */
  retryServerErrors?: boolean;
}

// Synapse restarts in seconds, slower on a loaded Pi; a minute covers a supervisor's restart with backoff.
export const defaultSendRetryPolicy: SendRetryPolicy = { maxWaitMs: 60_000, firstDelayMs: 500, maxDelayMs: 8_000 };

/** How long to wait before trying again, or undefined when trying again cannot help. */
function retryDelay(error: unknown, fallbackMs: number, retryServerErrors: boolean): number | undefined {
  if (error instanceof sdk.ConnectionError) return fallbackMs;
  if (error instanceof sdk.MatrixError && error.httpStatus === 429) {
    return typeof error.data.retry_after_ms === "number" ? error.data.retry_after_ms : fallbackMs;
  }
  // A proxy's 502 comes without a Matrix body: an HTTPError, of which MatrixError is a kind.
  const status = error instanceof sdk.HTTPError ? error.httpStatus : undefined;
  if (status === 500 && retryServerErrors) return fallbackMs;
  return status !== undefined && [502, 503, 504].includes(status) ? fallbackMs : undefined;
}

export async function withSendRetries<T>(send: () => Promise<T>, policy: SendRetryPolicy = defaultSendRetryPolicy): Promise<T> {
  // The monotonic clock: a wall-clock step (NTP on a Pi that booted at its saved time) must neither end
  // the wait at once nor stretch it by a day.
  const deadline = performance.now() + policy.maxWaitMs;
  for (let delay = policy.firstDelayMs; ; delay = Math.min(delay * 2, policy.maxDelayMs)) {
    try {
      return await send();
    } catch (error) {
      const wait = retryDelay(error, delay, policy.retryServerErrors === true);
      if (wait === undefined || performance.now() + wait > deadline) throw error;
      await sleep(wait);
    }
  }
}
