import { test } from "node:test";
import assert from "node:assert/strict";
import * as sdk from "matrix-js-sdk";
import { withSendRetries } from "../src/sendRetry.ts";

const policy = { maxWaitMs: 2_000, firstDelayMs: 10, maxDelayMs: 50 };

/** A send that fails with "connection refused" `failures` times, stepping the wall clock on the first one. */
function flakySend(failures: number, stepMs: number) {
  let calls = 0;
  const realNow = Date.now;
  return {
    send: async () => {
      calls++;
      if (calls === 1) Date.now = () => realNow() + stepMs;
      if (calls <= failures) throw new sdk.ConnectionError("connect ECONNREFUSED 127.0.0.1:8008");
      return "$landed";
    },
    restore: () => (Date.now = realNow),
    calls: () => calls,
  };
}

for (const [what, stepMs] of [
  ["a day forward", 86_400_000],
  ["a day back", -86_400_000],
] as const) {
  test(`a send retried while the wall clock steps ${what} still lands, within the policy's wait`, async () => {
    const flaky = flakySend(2, stepMs);
    try {
      assert.equal(await withSendRetries(flaky.send, policy), "$landed");
      assert.equal(flaky.calls(), 3);
    } finally {
      flaky.restore();
    }
  });
}

test("a homeserver that stays down is given up on after the policy's wait, even when the wall clock steps back", async () => {
  const flaky = flakySend(Number.POSITIVE_INFINITY, -86_400_000);
  const started = performance.now();
  try {
    await assert.rejects(withSendRetries(flaky.send, { ...policy, maxWaitMs: 300 }), sdk.ConnectionError);
  } finally {
    flaky.restore();
  }
  assert.ok(performance.now() - started < 2_000, "gave up within the bound, not a day later");
});
