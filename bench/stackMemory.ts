// stack_rss_mb: resident memory of the whole running neighborhood (the `run` command's Node process and
// its Synapse), idle after start, measured from /proc as the operator's `ps` would.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeBenchNeighborhood } from "./benchNeighborhood.ts";

const IDLE_MS = 10_000;

export async function measureStackMemory(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), "blockshare-rss-"));
  const file = await writeBenchNeighborhood(dir, "Memory Block", "memory.localhost");
  const run = spawn(process.execPath, [join(import.meta.dirname, "..", "deploy", "src", "cli.ts"), "run", "--config", file], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Listened for at once: a `run` that fails at start exits before anyone would wait for it.
  const exited = new Promise((resolve) => run.once("exit", resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      let output = "";
      const timer = setTimeout(() => reject(new Error(`the neighborhood did not start:\n${output}`)), 120_000);
      run.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        output += chunk;
        if (output.includes("is running")) {
          clearTimeout(timer);
          resolve();
        }
      });
      run.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
      run.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`run exited with ${code}:\n${output}`));
      });
    });
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const kib = processTree(run.pid!).reduce((sum, pid) => sum + residentKib(pid), 0);
    return { stack_rss_mb: kib / 1024 };
  } finally {
    run.kill("SIGINT");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

function processTree(root: number): number[] {
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
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

function residentKib(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}
