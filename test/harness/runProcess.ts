// `deploy/blockshare run` as a child process, as a volunteer meets it: on free ports in a temp dir,
// its output watched for what it says, and every process it left found and killed after a test.
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { freePort } from "./freePort.ts";

const cli = join(import.meta.dirname, "..", "..", "deploy", "src", "cli.ts");

export interface RunProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in what run printed; rejects if run exits or time runs out. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startRun(file: string): RunProcess {
  // Downloads from this machine only: a first-run file names Element Web's GitHub release (elementWebDownload.ts).
  const env = { ...process.env, BLOCKSHARE_LOOPBACK_ONLY: "1" };
  const child = spawn(process.execPath, [cli, "run", "--config", file], { stdio: ["ignore", "pipe", "pipe"], detached: true, env });
  let output = "";
  const listeners = new Set<() => void>();
  const take = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on("data", take);
  child.stderr!.on("data", take);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => output,
    exited,
    waitFor(pattern, timeoutMs = 240_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match) return finish(() => resolve(match));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`run did not print ${pattern} within ${timeoutMs / 1000} s:\n${output}`))), timeoutMs);
        const finish = (then: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          then();
        };
        listeners.add(check);
        void exited.then((exit) =>
          setImmediate(
            () => listeners.has(check) && finish(() => reject(new Error(`run exited (${exit.code ?? exit.signal}) before printing ${pattern}:\n${output}`))),
          ),
        );
        check();
      });
    },
  };
}

export async function writeBlockFile(
  dir: string,
  serverName: string,
  extra: Record<string, unknown> = {},
): Promise<{ file: string; ports: Record<string, number> }> {
  const ports = {
    client: await freePort(),
    appservice: await freePort(),
    element: await freePort(),
    synapse_metrics: await freePort(),
    mesh_map: await freePort(),
    federation: await freePort(),
  };
  const file = join(dir, "neighborhood.yaml");
  writeFileSync(
    file,
    stringify({ name: "Run Block", server_name: serverName, public_url: `http://127.0.0.1:${ports.client}`, bind_address: "127.0.0.1", ports, ...extra }),
  );
  return { file, ports };
}

/** Alive and not a zombie waiting to be reaped. */
export function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Processes whose command line mentions `dir` (Synapse's config, the bots' and monitor's neighborhood file). */
export function processesOf(dir: string): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(dir) && alive(Number(pid));
      } catch {
        return false;
      }
    })
    .map(Number);
}

export function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
