// A token bucket per neighbor (keyed by full Matrix ID): a short burst is fine, a flood is not.
// The first refused command gets one "slow down" reply; further ones are dropped silently until a
// token is back, so a flood can never make the bot flood the room in return.

export type RateDecision = "allowed" | "warn" | "silent";

export interface RateLimitOptions {
  burst: number;
  refillEveryMs: number;
  /** Buckets kept in memory; beyond this, idle ones go first. */
  maxTracked: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  warned: boolean;
}

export const defaultRateLimit: RateLimitOptions = { burst: 5, refillEveryMs: 3000, maxTracked: 10_000 };

export class RateLimiter {
  readonly #options: RateLimitOptions;
  // Map order is least recently used first: touching a bucket re-inserts it.
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: RateLimitOptions = defaultRateLimit) {
    this.#options = options;
  }

  get trackedCount(): number {
    return this.#buckets.size;
  }

  take(key: string, now: number): RateDecision {
    const bucket = this.#refilled(key, now);
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      bucket.warned = false;
      return "allowed";
    }
    if (bucket.warned) return "silent";
    bucket.warned = true;
    return "warn";
  }

  #refilled(key: string, now: number): Bucket {
    const { burst, refillEveryMs } = this.#options;
    const existing = this.#buckets.get(key);
    if (existing === undefined) {
      this.#makeRoom(now);
      return { tokens: burst, updatedAt: now, warned: false };
    }
    // A clock that steps backwards must not mint tokens.
    const elapsed = Math.max(0, now - existing.updatedAt);
    existing.tokens = Math.min(burst, existing.tokens + elapsed / refillEveryMs);
    existing.updatedAt = Math.max(existing.updatedAt, now);
    return existing;
  }

  #makeRoom(now: number): void {
    if (this.#buckets.size < this.#options.maxTracked) return;
    // A bucket that has refilled completely is the same as no bucket: dropping it loses nothing.
    const { burst, refillEveryMs } = this.#options;
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + Math.max(0, now - bucket.updatedAt) / refillEveryMs >= burst) this.#buckets.delete(key);
    }
    // Still full (everyone is busy): drop the least recently used.
    while (this.#buckets.size >= this.#options.maxTracked) {
      const oldest = this.#buckets.keys().next();
      if (oldest.done === true) break;
      this.#buckets.delete(oldest.value);
    }
  }
}
