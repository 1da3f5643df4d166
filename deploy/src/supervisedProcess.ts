// One part of the block (Synapse, the bots, the mesh monitor) as a child process that `run` keeps
// running, as systemd does on a production box: restarted when it dies unexpectedly, with a growing
// pause between tries, and given up on (said plainly, naming its log) when it keeps dying.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { relayChildOutput } from "./childOutput.ts";
import { dirname } from "node:path";
import { diesWithParent } from "./diesWithParent.ts";

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SupervisedSpec<Info> {
  /** As the terminal names it: "Synapse", "the bots", "the mesh monitor". */
  label: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Its standard output and error are appended here. */
  logFile: string;
  /** What to read when it fails (defaults to logFile). */
  logsToRead?: string;
  /** Give it an IPC channel (Node children say "ready" over it, and stop when it closes). */
  ipc?: boolean;
  /** Resolves once the fresh child serves; rejects if it exits or takes too long. */
  ready(child: ChildProcess, exited: Promise<ExitInfo>): Promise<Info>;
}

export interface RestartPolicy {
  /** Give up after this many unexpected exits within `windowMs`. */
  maxFailures: number;
  windowMs: number;
  /** Pause before the n-th retry: firstDelayMs · 2^(n-1), at most maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { maxFailures: 5, windowMs: 120_000, firstDelayMs: 1_000, maxDelayMs: 16_000 };

export interface SupervisedProcess<Info> {
  readonly label: string;
  readonly pid: number;
  /** What the child said when it became ready (the latest start). */
  readonly info: Info;
  /** Stops the child and starts it again (a changed configuration); not counted as a failure. */
  restart(): Promise<void>;
  /** Stops it for good: SIGTERM, SIGKILL after 20 s. */
  stop(): Promise<void>;
  /** Resolves when it kept dying and will not be restarted again. */
  readonly gaveUp: Promise<string>;
}

export function describeExit(exit: ExitInfo): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

/** The last lines of a log, for a message about a failed start. */
export function logTail(file: string, bytes = 3_000): string {
  try {
    const size = statSync(file).size;
    const text = readFileSync(file, "utf8");
    return text.slice(Math.max(0, size - bytes)).trim();
  } catch {
    return "";
  }
}

interface Launched<Info> {
  child: ChildProcess;
  exited: Promise<ExitInfo>;
  info: Info;
}

/**
 * Starts the child and waits until it is ready (a failed first start rejects: the caller stops the
 * block); from then on keeps it running. `onStart` hears every (re)start's pid, `report` one line per
 * restart or give-up.
 */
export async function superviseProcess<Info>(
  spec: SupervisedSpec<Info>,
  hooks: { onStart(pid: number): void; report(line: string): void; stopping?: AbortSignal },
  policy: RestartPolicy = DEFAULT_RESTART_POLICY,
): Promise<SupervisedProcess<Info>> {
  const logsToRead = spec.logsToRead ?? spec.logFile;
  let stopping = false;
  let cancelPause: () => void = () => {};
  // Once the block is stopping (Ctrl-C), an exit is expected and nothing is restarted.
  hooks.stopping?.addEventListener("abort", () => {
    stopping = true;
    cancelPause();
  });
  let current = await launch(spec, hooks.report);
  hooks.onStart(current.child.pid ?? -1);
  let intentional = false;
  const failures: number[] = [];
  let gaveUp: (why: string) => void = () => {};
  const gaveUpPromise = new Promise<string>((resolve) => (gaveUp = resolve));

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      cancelPause = () => (clearTimeout(timer), resolve());
    });

  // After an unexpected exit: pause, start again, until it stays up or keeps failing.
  const recover = async (exit: ExitInfo) => {
    const why = describeExit(exit);
    let last = why;
    for (;;) {
      const now = Date.now();
      failures.push(now);
      while (failures.length > 0 && failures[0]! < now - policy.windowMs) failures.shift();
      if (failures.length >= policy.maxFailures) {
        const message = `Gave up on ${spec.label}: stopped ${failures.length} times within ${Math.round(policy.windowMs / 60_000)} minutes (last: ${last}). Read ${logsToRead}, fix the cause, and run again.`;
        hooks.report(message);
        gaveUp(message);
        return;
      }
      await pause(Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (failures.length - 1)));
      if (stopping) return;
      try {
        current = await launch(spec, hooks.report);
      } catch (error) {
        if (stopping) return;
        last = (error as Error).message.split("\n")[0]!;
        hooks.report(`${capitalized(last)} Trying again.`);
        continue;
      }
      if (stopping) return void (await stopChild(current));
      hooks.onStart(current.child.pid ?? -1);
      hooks.report(`Restarted ${spec.label} (pid ${current.child.pid}) after an unexpected stop (${why}).`);
      watch(current);
      return;
    }
  };

  const watch = (launched: Launched<Info>) => {
    void launched.exited.then((exit) => {
      if (stopping || intentional || launched !== current) return;
      void recover(exit);
    });
  };
  watch(current);

  return {
    label: spec.label,
    get pid() {
      return current.child.pid ?? -1;
    },
    get info() {
      return current.info;
    },
    async restart() {
      intentional = true;
      try {
        await stopChild(current);
        current = await launch(spec, hooks.report);
      } finally {
        intentional = false;
      }
      hooks.onStart(current.child.pid ?? -1);
      watch(current);
    },
    async stop() {
      stopping = true;
      cancelPause();
      await stopChild(current);
    },
    gaveUp: gaveUpPromise,
  };
}

async function launch<Info>(spec: SupervisedSpec<Info>, say: (line: string) => void): Promise<Launched<Info>> {
  mkdirSync(dirname(spec.logFile), { recursive: true, mode: 0o700 });
  const [command, args] = diesWithParent(spec.command, spec.args);
  // Its own process group: a Ctrl-C at the terminal reaches `run` alone, which stops the parts in order.
  const child = spawn(command, args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe", ...(spec.ipc ? (["ipc"] as const) : [])],
  });
  relayChildOutput([child.stdout, child.stderr], spec.logFile, spec.label, say);
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", () => resolve({ code: -1, signal: null }));
  });
  try {
    const info = await spec.ready(child, exited);
    return { child, exited, info };
  } catch (error) {
    await stopChild({ child, exited });
    throw error;
  }
}

async function stopChild(launched: { child: ChildProcess; exited: Promise<ExitInfo> }): Promise<void> {
  const { child, exited } = launched;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const force = setTimeout(() => child.kill("SIGKILL"), 20_000);
  await exited;
  clearTimeout(force);
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
