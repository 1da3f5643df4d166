// How to run the monitor for a large mesh (thousands of nodes), and the memory release that goes with
// it. Each poll of a 10,000-node meshviewer.json leaves ~40 MB of garbage (the parsed JSON tree, the
// body text, the previous snapshot). V8 frees it but keeps the freed pages pooled, resident, for reuse —
// its memory reducer never runs in a process that is idle between polls — and glibc keeps one malloc
// arena per thread that touched it. A 10,000-node monitor sat at 260–400 MB with ~25 MB of live data.
// - `--expose-gc` lets the monitor run a memory-reducing GC after each large poll (≥ 2,000 nodes, at most
//   every 30 s; ~150 ms of CPU at 10,000 nodes, after the alerts are queued), which hands the pooled
//   pages back to the system;
// - `MALLOC_ARENA_MAX=2` keeps glibc to two arenas (≈ 10 MB less at 10,000 nodes).
// Neither can be set from inside a running process: start it as
//   MALLOC_ARENA_MAX=2 node --expose-gc mesh-monitor/src/cli.ts --config …
// Without them the monitor works the same, using more memory. bench/monitorBench.ts measures both ways.
// (A capped young generation, --max-semi-space-size=2, saves a few MB more but doubles the GC work of a
// 10,000-node cycle: not worth it.)
export const MONITOR_NODE_FLAGS: readonly string[] = ["--expose-gc"];
export const MONITOR_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: "2" };

type GcFunction = (options?: { type?: "major" | "minor"; execution?: "sync" | "async"; flavor?: "regular" | "last-resort" }) => void;

/** A memory-reducing full GC, when Node was started with --expose-gc; undefined otherwise. */
export function memoryReleaser(): (() => void) | undefined {
  const gc = (globalThis as { gc?: GcFunction }).gc;
  if (typeof gc !== "function") return undefined;
  // "last-resort" is V8's memory-reducing collection: it also hands pooled pages back to the system.
  return () => gc({ type: "major", execution: "sync", flavor: "last-resort" });
}
