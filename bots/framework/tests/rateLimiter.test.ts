import { test } from "node:test";
import assert from "node:assert/strict";
import { RateLimiter } from "../rateLimiter.ts";

test("burst, then one warning, then silence, then a token per refill period", () => {
  const limiter = new RateLimiter({ burst: 3, refillEveryMs: 1000, maxTracked: 10 });
  const decisions = [0, 0, 0, 0, 0, 999].map((at) => limiter.take("@a:x", at));
  assert.deepEqual(decisions, ["allowed", "allowed", "allowed", "warn", "silent", "silent"]);
  assert.equal(limiter.take("@a:x", 1000), "allowed");
  assert.equal(limiter.take("@a:x", 1000), "warn");
  assert.equal(limiter.take("@b:x", 1000), "allowed", "buckets are per user");
});

test("a clock stepping backwards does not refill", () => {
  const limiter = new RateLimiter({ burst: 1, refillEveryMs: 1000, maxTracked: 10 });
  assert.equal(limiter.take("@a:x", 5000), "allowed");
  assert.equal(limiter.take("@a:x", 0), "warn");
  assert.equal(limiter.take("@a:x", 5999), "silent");
  assert.equal(limiter.take("@a:x", 6000), "allowed");
});

test("memory stays bounded: least recently used go first, refilled buckets are dropped", () => {
  const limiter = new RateLimiter({ burst: 2, refillEveryMs: 1_000_000, maxTracked: 100 });
  limiter.take("@busy:x", 0);
  limiter.take("@busy:x", 0);
  assert.equal(limiter.take("@busy:x", 0), "warn");
  for (let index = 0; index < 1000; index += 1) {
    limiter.take(`@user${index}:x`, index);
    if (index % 50 === 0) limiter.take("@busy:x", index);
    assert.ok(limiter.trackedCount <= 100);
  }
  assert.equal(limiter.take("@busy:x", 1000), "silent", "the flooding user kept their empty bucket");
  assert.equal(limiter.trackedCount, 100);
  // Much later every bucket has refilled: making room for a newcomer drops them all, losing nothing.
  limiter.take("@newcomer:x", 10_000_000);
  assert.equal(limiter.trackedCount, 1);
});
