// After a long outage the homeserver delivers everything it queued; answering hour-old commands
// would only confuse. origin_server_ts is set by the sender's server, so this decides only whether
// to answer, never who may do what.
//
// An event's age is read off the wall clock, which can step: a Raspberry Pi boots at its last saved
// time and NTP moves it forward later, by hours or days. A command sent just before such a step and
// handled just after would look a day old and go unanswered. So the bots notice steps (the wall clock
// moving apart from the monotonic one) and take them out of the age of events from before the step.

import { performance } from "node:perf_hooks";
import type { MatrixEvent } from "./contract.ts";

export const commandMaxAgeMs = 5 * 60 * 1000;

/** A wall-clock step of this much or more is a step, not drift. */
const stepThresholdMs = 60_000;
const stepsKept = 8;

interface ClockStep {
  /** The latest the wall clock can have read before the step: events stamped up to here are older than they look. */
  before: number;
  /** How far the wall clock jumped forward beyond the time that passed. */
  shiftMs: number;
}

/** Notices wall-clock steps by comparing the wall clock with the monotonic one between calls. */
export class ClockStepTracker {
  readonly #wall: () => number;
  readonly #monotonic: () => number;
  readonly #steps: ClockStep[] = [];
  #last: { wall: number; monotonic: number };

  constructor(wall: () => number = Date.now, monotonic: () => number = () => performance.now()) {
    this.#wall = wall;
    this.#monotonic = monotonic;
    this.#last = { wall: wall(), monotonic: monotonic() };
  }

  /** The wall-clock shift to take out of the age of an event stamped `timestamp` (0 when none). */
  shiftSince(timestamp: number): number {
    const now = { wall: this.#wall(), monotonic: this.#monotonic() };
    const elapsed = now.monotonic - this.#last.monotonic;
    const shiftMs = now.wall - this.#last.wall - elapsed;
    // Only forward steps: after a step back, events from before it look younger, never too old.
    if (shiftMs >= stepThresholdMs) {
      this.#steps.push({ before: this.#last.wall + elapsed, shiftMs });
      if (this.#steps.length > stepsKept) this.#steps.shift();
    }
    this.#last = now;
    return this.#steps.filter((step) => timestamp <= step.before).reduce((total, step) => total + step.shiftMs, 0);
  }
}

const processClock = new ClockStepTracker();

export function isBacklog(event: MatrixEvent, now: number, maxAgeMs: number, clock: ClockStepTracker = processClock): boolean {
  const age = now - event.origin_server_ts - clock.shiftSince(event.origin_server_ts);
  // The homeserver also says how old the event was when it handed it over (unsigned.age, by its own clock):
  // an event it calls young is not backlog, whatever this process's clock made of a step in between.
  const delivered = event.unsigned?.age;
  const homeserverAge = typeof delivered === "number" && Number.isFinite(delivered) && delivered >= 0 ? delivered : undefined;
  return Math.min(age, homeserverAge ?? age) > maxAgeMs;
}
