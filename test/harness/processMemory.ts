// A process tree's resident memory, read from /proc: the benchmark's stack_rss_mb and the fresh box's
// memory step count the same way.
import { readdirSync, readFileSync } from "node:fs";

/** Every process's children, from one pass over /proc. */
export function childrenOfEveryProcess(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  return children;
}

/** The roots and all their descendants. */
export function processTree(roots: readonly number[], children = childrenOfEveryProcess()): number[] {
  const tree = [...roots];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** VmRSS in KiB; 0 for a process that has ended. */
export function residentKib(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}
