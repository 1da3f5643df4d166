// Notices the wall clock stepping back (a Raspberry Pi has no battery clock: it boots at its last saved
// time and NTP, or an operator, sets it later — sometimes after a wrong step forward). Synapse's timers
// run on the wall clock (Twisted's reactor.seconds is time.time), so every retry or looping call scheduled
// while the clock was ahead would wait until the clock catches up again — a day, after a day's wrong step.
// Node's own timers are monotonic, so this process can tell: wall time minus monotonic time moves only
// when the wall clock is stepped.

export interface ClockStepWatch {
  stop(): Promise<void>;
}

/** Calls `onStepBack` with how far the wall clock went back, when that is more than `thresholdMs`. */
export function watchClockSteps(
  onStepBack: (stepMs: number) => void,
  { intervalMs = 5_000, thresholdMs = 60_000, wallNow = Date.now, monotonicNow = () => performance.now() } = {},
): ClockStepWatch {
  let offset = wallNow() - monotonicNow();
  const timer = setInterval(() => {
    const now = wallNow() - monotonicNow();
    const step = offset - now;
    offset = now;
    if (step > thresholdMs) onStepBack(step);
  }, intervalMs);
  timer.unref();
  return { stop: async () => clearInterval(timer) };
}
