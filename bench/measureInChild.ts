// Runs one benchmark in a child process (bench/measureOne.ts): a benchmark that crashes, leaves a
// rejected promise or timers behind, or hangs cannot take the others down with it. The next benchmark
// starts only once the child (and so whatever it listened on) is gone.
import { fork } from "node:child_process";
import { join } from "node:path";
import type { ChildAnswer } from "./measureOne.ts";
import type { Benchmark, Figures } from "./runBenchmarks.ts";

const DEFAULT_TIMEOUT_MINUTES = 30;
const KILL_GRACE_MS = 20_000;

export function measureInChild(benchmark: Benchmark): Promise<Figures> {
  return new Promise((resolve, reject) => {
    // No inherited Node flags: `node --inspect bench/run.ts` must not give every child the same debug port.
    const child = fork(join(import.meta.dirname, "measureOne.ts"), [benchmark.name], { execArgv: [] });
    let answer: ChildAnswer | undefined;
    child.on("message", (message) => (answer = message as ChildAnswer));
    const minutes = benchmark.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES;
    let timedOut = false;
    let force: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
      force = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
    }, minutes * 60_000);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      clearTimeout(force);
      if (timedOut) reject(errorWithStack(`gave up on it after ${minutes} minutes`));
      else if (answer !== undefined && "figures" in answer) resolve(answer.figures);
      else if (answer !== undefined) reject(errorWithStack(answer.error));
      else reject(errorWithStack(`its process ended (${signal ?? `exit code ${code}`}) before reporting figures; its output above says why`));
    });
  });
}

/** An error printed as given: the child's own stack, or just what happened (this file's stack says nothing). */
function errorWithStack(stack: string): Error {
  const error = new Error(stack.split("\n")[0]);
  error.stack = stack;
  return error;
}
