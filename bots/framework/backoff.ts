// How long a bot waits before trying a failed step again: doubling from `firstMs` after each failure,
// never more than `maxMs`, so a homeserver that is down for an hour is not asked every second.

export interface Backoff {
  firstMs: number;
  maxMs: number;
}

/** The wait after `failures` failures in a row (1 → firstMs). */
export function backoffDelay(failures: number, { firstMs, maxMs }: Backoff): number {
  return Math.min(firstMs * 2 ** Math.max(0, failures - 1), maxMs);
}
