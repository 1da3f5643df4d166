// Runs Synapse as a child process from the generated configuration and knows when it is ready.
import { performance } from "node:perf_hooks";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { SynapsePaths } from "../../homeserver-config/synapseConfig.ts";
import type { LoadedNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { diesWithParent } from "./diesWithParent.ts";
import { lowerAppserviceToDevicePosition } from "./appserviceStreamRepair.ts";

const projectRoot = join(import.meta.dirname, "..", "..");

export function synapsePython(): string {
  return process.env.SYNAPSE_PYTHON ?? join(projectRoot, ".tools", "synapse-venv", "bin", "python");
}

/** The homeserver URL as reached from this box. */
export function localClientUrl(neighborhood: LoadedNeighborhood): string {
  const host = neighborhood.bind_address === "0.0.0.0" || neighborhood.bind_address === "::" ? "127.0.0.1" : neighborhood.bind_address;
  return `http://${host}:${neighborhood.ports.client}`;
}

export interface RunningSynapse {
  pid: number;
  stop(): Promise<void>;
  /** Resolves when the process exits for any reason. */
  exited: Promise<number | null>;
}

export async function startSynapse(paths: SynapsePaths, clientUrl: string, readyTimeoutMs = 120_000): Promise<RunningSynapse> {
  const python = synapsePython();
  if (!existsSync(python)) throw new Error(`Synapse is not installed at ${python}; run deploy/blockshare again to install it`);
  ensureSigningKey(python, paths);
  lowerAppserviceToDevicePosition(paths.database);
  // Synapse ends with whoever started it, even when that one is SIGKILLed (diesWithParent.ts).
  const [command, args] = diesWithParent(python, ["-m", "synapse.app.homeserver", "--config-path", paths.config]);
  const child = spawn(command, args, {
    cwd: paths.dir,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const stderr = collectTail(child);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  try {
    await waitUntilHealthy(clientUrl, exited, readyTimeoutMs);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\nSynapse said:\n${stderr() || `(nothing; see ${paths.log})`}`);
  }
  return { pid: child.pid ?? -1, exited, stop: () => stopChild(child, exited) };
}

/**
 * A Synapse that something else runs (systemd, compose): wait until it answers. It never "exits" as far
 * as BlockShare can tell, and stopping BlockShare leaves it running.
 */
export async function attachToSynapse(clientUrl: string, readyTimeoutMs = 300_000): Promise<RunningSynapse> {
  await waitUntilHealthy(clientUrl, new Promise(() => {}), readyTimeoutMs);
  return { pid: -1, exited: new Promise(() => {}), stop: async () => {} };
}

/**
 * After BlockShare rewrote the configuration of a Synapse that something else restarts on such a change
 * (systemd's path unit, or `run`'s supervisor): wait until it has gone down and come back, so what
 * follows talks to the Synapse that read the new configuration. Nobody restarting it (compose) costs
 * `noticeMs`.
 */
export async function attachAfterRestart(clientUrl: string, noticeMs = 15_000): Promise<RunningSynapse> {
  const deadline = performance.now() + noticeMs;
  while (performance.now() < deadline) {
    const up = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(1_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (!up) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return attachToSynapse(clientUrl);
}

export function ensureSigningKey(python: string, paths: SynapsePaths): void {
  if (existsSync(paths.signingKey)) return;
  const result = spawnSync(python, ["-m", "synapse.app.homeserver", "--config-path", paths.config, "--generate-keys"], {
    cwd: paths.dir,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`Synapse could not generate its signing key:\n${result.stderr}`);
  chmodSync(paths.signingKey, 0o600);
}

async function waitUntilHealthy(clientUrl: string, exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`Synapse stopped while starting (exit code ${exitCode})`);
    try {
      const response = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Synapse did not answer on ${clientUrl}/health within ${Math.round(timeoutMs / 1000)} s`);
}

function collectTail(child: ChildProcess): () => string {
  let tail = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    tail = (tail + chunk).slice(-4_000);
  });
  return () => tail.trim();
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const killTimer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  await exited;
  clearTimeout(killTimer);
}
