// stack_rss_mb: resident memory of the whole running neighborhood (the `run` command's Node process and
// its Synapse), idle after start, measured from /proc as the operator's `ps` would.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeBenchNeighborhood } from "./benchNeighborhood.ts";
import { processTree, residentKib } from "../test/harness/processMemory.ts";

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
    const kib = processTree([run.pid!]).reduce((sum, pid) => sum + residentKib(pid), 0);
    return { stack_rss_mb: kib / 1024 };
  } finally {
    run.kill("SIGINT");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}
