// Child processes of the production stack when run in the foreground (tests, `run --workers`):
// Synapse workers, a private Redis, a private nginx. Each knows when it is ready and how to stop.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { diesWithParent } from "../src/diesWithParent.ts";

export interface RunningProcess {
  name: string;
  pid: number;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { cwd?: string } = {},
): { child: ChildProcess; running: RunningProcess; stderrTail(): string } {
  // Each ends with the process that started it, even on SIGKILL (deploy/src/diesWithParent.ts).
  const child = spawn(...diesWithParent(command, args), { cwd: options.cwd, stdio: ["ignore", "ignore", "pipe"] });
  let tail = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    tail = (tail + chunk).slice(-4_000);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.once("error", () => resolve(-1));
  });
  const running: RunningProcess = {
    name,
    pid: child.pid ?? -1,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const killTimer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(killTimer);
    },
  };
  return { child, running, stderrTail: () => tail.trim() };
}

/** Polls until `ready()` is true; fails early if the process exits, with what it said. */
export async function waitUntil(
  name: string,
  ready: () => Promise<boolean>,
  exited: Promise<number | null>,
  stderrTail: () => string,
  timeoutMs = 120_000,
): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`${name} stopped while starting (exit code ${exitCode})\n${stderrTail()}`);
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} was not ready within ${Math.round(timeoutMs / 1000)} s\n${stderrTail()}`);
}

export async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  return response.ok;
}

export function tcpOpen(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

/** A Redis only for this stack: loopback, no persistence (Synapse uses it for pub/sub only). */
export async function startPrivateRedis(port: number, dir: string): Promise<RunningProcess> {
  mkdirSync(dir, { recursive: true });
  const { running, stderrTail } = startProcess(
    "redis",
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    { cwd: dir },
  );
  await waitUntil("redis", () => tcpOpen(port), running.exited, stderrTail, 20_000);
  return running;
}

/**
 * An nginx only for this stack, with its own prefix (pid, temp files, logs), in the foreground and as one
 * process: a master's forked workers would not inherit the parent-death signal and outlive a killed parent.
 */
export async function startPrivateNginx(prefix: string, config: string, readyUrl: string): Promise<RunningProcess> {
  mkdirSync(join(prefix, "logs"), { recursive: true });
  mkdirSync(join(prefix, "temp"), { recursive: true });
  const confPath = join(prefix, "nginx.conf");
  writeFileSync(confPath, config);
  const nginx = process.env.NGINX ?? "nginx";
  const { running, stderrTail } = startProcess("nginx", nginx, [
    "-p",
    prefix,
    "-e",
    join(prefix, "logs", "error.log"),
    "-c",
    confPath,
    "-g",
    "daemon off; master_process off;",
  ]);
  await waitUntil("nginx", () => httpOk(readyUrl), running.exited, stderrTail, 20_000);
  return running;
}
