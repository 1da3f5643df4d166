// CPU time of processes, from /proc (Linux): user + system seconds, so a figure built on it is what the
// process itself spent, not wall time that other load on a shared machine stretches.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  return ticksPerSecond;
}

/** utime + stime of one process in seconds; 0 for a process that has gone (its time is then lost). */
export function cpuSeconds(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return 0;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/** A process's command line with spaces between its arguments; "" for one that has gone. */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/** Processes whose command line contains `text` (e.g. a PostgreSQL backend's title names its database), and starts with `program` when given. */
export function pidsMatching(text: string, program = ""): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      const line = commandLine(pid);
      return line.includes(text) && line.startsWith(program);
    });
}

/** Named groups of processes, each group's pids looked up again at every reading (backends come and go). */
export type ProcessGroups = Record<string, () => number[]>;

/** CPU seconds of each group now; a pid first seen at the end counts from 0 (it started in the window). */
export function readCpu(groups: ProcessGroups): Map<string, Map<number, number>> {
  return new Map(Object.entries(groups).map(([name, pids]) => [name, new Map(pids().map((pid) => [pid, cpuSeconds(pid)]))]));
}

/** CPU seconds each group spent between two readings. */
export function cpuSpent(before: Map<string, Map<number, number>>, after: Map<string, Map<number, number>>): Record<string, number> {
  const spent: Record<string, number> = {};
  for (const [name, pids] of after) {
    let total = 0;
    for (const [pid, seconds] of pids) total += seconds - (before.get(name)?.get(pid) ?? 0);
    spent[name] = total;
  }
  return spent;
}
