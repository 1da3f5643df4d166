import { test } from "node:test";
import assert from "node:assert/strict";
import { watchClockSteps } from "../src/clockSteps.ts";

test("a wall clock stepped back more than the threshold is reported once, by how far; forward steps and drift are not", async () => {
  let wall = 1_000_000;
  let monotonic = 0;
  const steps: number[] = [];
  const watch = watchClockSteps((step) => steps.push(step), { intervalMs: 5, thresholdMs: 60_000, wallNow: () => wall, monotonicNow: () => monotonic });
  const tick = () => new Promise((resolve) => setTimeout(resolve, 20));
  wall += 86_400_000; // a day ahead
  await tick();
  monotonic += 10;
  wall += 10 + 30_000; // ordinary time passing, and a small correction ahead
  await tick();
  wall -= 86_400_000; // and back
  await tick();
  await tick();
  await watch.stop();
  assert.deepEqual(steps, [86_400_000]);
});
