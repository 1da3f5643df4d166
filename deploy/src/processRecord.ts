// DATA_DIR/run/processes.json: who is running this block right now, { "run": pid, "synapse": pid,
// "bots": pid, "monitor": pid }. `run` rewrites it on every (re)start of a part and removes it on a clean
// stop; a second `run` reads it to say "already running (pid N)", and tests read it to find whom to kill.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type ProcessIds = Record<string, number>;

export function processRecordPath(dataDir: string): string {
  return join(dataDir, "run", "processes.json");
}

export function writeProcessRecord(dataDir: string, pids: ProcessIds): void {
  const path = processRecordPath(dataDir);
  mkdirSync(join(dataDir, "run"), { recursive: true, mode: 0o700 });
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(pids, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

export function removeProcessRecord(dataDir: string): void {
  rmSync(processRecordPath(dataDir), { force: true });
}

export function readProcessRecord(dataDir: string): ProcessIds | undefined {
  try {
    return JSON.parse(readFileSync(processRecordPath(dataDir), "utf8")) as ProcessIds;
  } catch {
    return undefined;
  }
}

/**
 * The pid of a `blockshare run` that is up for this data directory, if any. A record left by a run that
 * was killed names a pid that is gone or, after a reboot, belongs to something else: both are ignored.
 */
export function runningBlockPid(dataDir: string): number | undefined {
  const pid = readProcessRecord(dataDir)?.run;
  if (typeof pid !== "number" || pid === process.pid) return undefined;
  let commandLine: string[];
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return undefined;
  }
  // `node … deploy/src/cli.ts run …`, or `cli.ts` alone (run is the default command).
  const cli = commandLine.findIndex((arg) => arg.endsWith("cli.ts"));
  const command = commandLine[cli + 1] ?? "";
  return cli >= 0 && (command === "run" || command === "") ? pid : undefined;
}
