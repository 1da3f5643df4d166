import { test } from "node:test";
import assert from "node:assert/strict";
import { backoffDelay } from "../backoff.ts";

test("the wait doubles after each failure and stops at the most", () => {
  const policy = { firstMs: 2_000, maxMs: 10 * 60_000 };
  assert.deepEqual(
    [1, 2, 3, 4].map((failures) => backoffDelay(failures, policy)),
    [2_000, 4_000, 8_000, 16_000],
  );
  assert.equal(backoffDelay(40, policy), 10 * 60_000);
  assert.equal(backoffDelay(0, policy), 2_000);
});
