import { test } from "node:test";
import assert from "node:assert/strict";
import { ClockStepTracker, commandMaxAgeMs, isBacklog } from "../backlog.ts";
import type { MatrixEvent } from "../contract.ts";

const day = 86_400_000;
const sentAt = (origin_server_ts: number): MatrixEvent => ({
  event_id: "$c",
  room_id: "!r",
  sender: "@a:b",
  type: "m.room.message",
  content: {},
  origin_server_ts,
});

test("an old command is backlog; a recent one is not", () => {
  const clocks = { wall: 10 * day, monotonic: 0 };
  const tracker = new ClockStepTracker(
    () => clocks.wall,
    () => clocks.monotonic,
  );
  assert.equal(isBacklog(sentAt(clocks.wall - 10 * 60_000), clocks.wall, commandMaxAgeMs, tracker), true);
  assert.equal(isBacklog(sentAt(clocks.wall - 60_000), clocks.wall, commandMaxAgeMs, tracker), false);
});

test("a command sent just before the wall clock stepped a day forward is still answered; one from before a real wait is not", () => {
  const clocks = { wall: 10 * day, monotonic: 0 };
  const tracker = new ClockStepTracker(
    () => clocks.wall,
    () => clocks.monotonic,
  );
  const sent = clocks.wall - 2_000;
  assert.equal(isBacklog(sentAt(sent), clocks.wall, commandMaxAgeMs, tracker), false);
  // NTP sets the clock a day forward; three seconds really pass.
  clocks.wall += day + 3_000;
  clocks.monotonic += 3_000;
  assert.equal(isBacklog(sentAt(sent), clocks.wall, commandMaxAgeMs, tracker), false, "two seconds old, not a day");
  // A command stamped after the step is measured as it is.
  assert.equal(isBacklog(sentAt(clocks.wall - 10 * 60_000), clocks.wall, commandMaxAgeMs, tracker), true);
  // Ten minutes really pass: the early command is backlog now.
  clocks.wall += 10 * 60_000;
  clocks.monotonic += 10 * 60_000;
  assert.equal(isBacklog(sentAt(sent), clocks.wall, commandMaxAgeMs, tracker), true);
});

test("slow drift is not a step", () => {
  const clocks = { wall: 10 * day, monotonic: 0 };
  const tracker = new ClockStepTracker(
    () => clocks.wall,
    () => clocks.monotonic,
  );
  clocks.wall += 10 * 60_000 + 5_000;
  clocks.monotonic += 10 * 60_000;
  assert.equal(tracker.shiftSince(clocks.wall - 20 * 60_000), 0);
});

test("after a step back, commands from before it are answered and later ones are measured as they are", () => {
  const clocks = { wall: 11 * day, monotonic: 0 };
  const tracker = new ClockStepTracker(
    () => clocks.wall,
    () => clocks.monotonic,
  );
  const sent = clocks.wall - 1_000;
  clocks.wall -= day - 2_000;
  clocks.monotonic += 2_000;
  assert.equal(isBacklog(sentAt(sent), clocks.wall, commandMaxAgeMs, tracker), false);
  assert.equal(isBacklog(sentAt(clocks.wall - 10 * 60_000), clocks.wall, commandMaxAgeMs, tracker), true);
});

test("an event the homeserver delivered young is not backlog, even when this process's clock is a day ahead", () => {
  const clocks = { wall: 11 * day, monotonic: 0 };
  const tracker = new ClockStepTracker(
    () => clocks.wall,
    () => clocks.monotonic,
  );
  const young = { ...sentAt(10 * day), unsigned: { age: 800 } };
  assert.equal(isBacklog(young, clocks.wall, commandMaxAgeMs, tracker), false);
  const old = { ...sentAt(10 * day), unsigned: { age: day } };
  assert.equal(isBacklog(old, clocks.wall, commandMaxAgeMs, tracker), true);
});
