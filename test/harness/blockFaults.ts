// The faults the chaos test injects into a running block, each one a real event on a box: a part
// SIGKILLed, the data disk full, the bots' store file damaged while they are down, the wall clock
// stepping a day ahead and back. Each resolves once the fault is over and the block (bounded) recovered.
import { existsSync, readdirSync, readFileSync, truncateSync, writeFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { setTimeout as sleep } from "node:timers/promises";
import type { BlockPart, ChaosBlock } from "./chaosBlock.ts";

export interface FaultContext {
  block: ChaosBlock;
  /** Seeded: the same seed injects the same faults at the same moments. */
  random: () => number;
  /** A line for the test's output about what happened. */
  note(line: string): void;
}

export interface Fault {
  name: string;
  inject(context: FaultContext): Promise<void>;
}

/** mulberry32: a small seeded generator, enough to place faults reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const restartTimeoutMs = 90_000;

function pidOf(block: ChaosBlock, part: string): number {
  const pid = block.processes()[part];
  if (pid === undefined) throw new Error(`processes.json names no ${part} process: ${JSON.stringify(block.processes())}`);
  return pid;
}

/** A process that was killed is gone, or a zombie its (stopped) parent has not reaped: it holds no files. */
async function waitUntilDead(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let state: string;
    try {
      state = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "")[0] ?? "";
    } catch {
      return;
    }
    if (state === "Z" || state === "X") return;
    await sleep(50);
  }
  throw new Error(`pid ${pid} did not die within ${timeoutMs} ms`);
}

export function killPart(part: BlockPart, label: string): Fault {
  return {
    name: `SIGKILL ${label}`,
    async inject({ block, note }) {
      const pid = pidOf(block, part);
      const killedAt = Date.now();
      process.kill(pid, "SIGKILL");
      const restarted = await block.waitForRestart(part, pid, restartTimeoutMs);
      note(`${label}: pid ${pid} killed; running again as pid ${restarted} after ${((Date.now() - killedAt) / 1000).toFixed(1)} s`);
    },
  };
}

/** PRAGMA integrity_check of a SQLite file (read-only; the writer may be running). */
export function integrityOf(path: string): string {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db
      .prepare("PRAGMA integrity_check")
      .all()
      .map((row) => String(row.integrity_check))
      .join("; ");
  } finally {
    db.close();
  }
}

export function storePath(block: ChaosBlock): string {
  return join(block.dataDir, "appservice", "store.sqlite");
}

export interface DiskFullReport {
  /** The bots' answer to a transaction that must grow the store while the disk is full, and after. */
  whileFull?: number;
  afterFreed?: number;
  storeIntegrity?: string;
  synapseIntegrity?: string;
}

/**
 * Fills the data directory's filesystem for `holdMs`, then frees it. While full, a transaction as Synapse
 * would send it (5 MB, more than the store's WAL can reuse) checks that the bots refuse it instead of
 * acknowledging what they could not store; after, the same transaction must be taken.
 */
export function diskFull(holdMs: number, report: DiskFullReport): Fault {
  return {
    name: "data disk full",
    async inject({ block, note }) {
      const hsToken = readFileSync(join(block.dataDir, "secrets", "appservice_hs_token"), "utf8").trim();
      const lobby = await roomIdOf(block, "lobby");
      const txnId = `chaos-probe-${Date.now()}`;
      const probe = () =>
        fetch(`http://127.0.0.1:${block.ports.appservice}/_matrix/app/v1/transactions/${txnId}`, {
          method: "PUT",
          headers: { authorization: `Bearer ${hsToken}`, "content-type": "application/json" },
          body: JSON.stringify({
            events: [
              {
                event_id: `$${txnId}`,
                room_id: lobby,
                sender: `@probe:${block.serverName}`,
                type: "m.room.message",
                content: { msgtype: "m.text", body: `a long note ${"x".repeat(5 << 20)}` },
                origin_server_ts: Date.now(),
              },
            ],
          }),
          signal: AbortSignal.timeout(30_000),
        }).then(
          (response) => response.status,
          () => -1,
        );
      block.data.fill();
      note("data disk: full");
      try {
        report.whileFull = await probe();
        await sleep(holdMs);
      } finally {
        block.data.free();
      }
      note(`data disk: freed after ${holdMs / 1000} s`);
      report.afterFreed = await probe();
      report.storeIntegrity = integrityOf(storePath(block));
      report.synapseIntegrity = integrityOf(join(block.dataDir, "synapse", "homeserver.db"));
    },
  };
}

async function roomIdOf(block: ChaosBlock, alias: string): Promise<string> {
  const response = await fetch(`${block.clientUrl}/_matrix/client/v3/directory/room/${encodeURIComponent(`#${alias}:${block.serverName}`)}`);
  return ((await response.json()) as { room_id: string }).room_id;
}

export interface StoreDamageReport {
  damage?: string;
  keptFiles?: string[];
}

/**
 * Damages the bots' store while they are down: `run` is paused (SIGSTOP) so it cannot restart them in
 * between, the bots are SIGKILLed, the file is truncated and its first page overwritten, and `run` resumes.
 */
export function storeDamaged(report: StoreDamageReport): Fault {
  return {
    name: "store damaged while stopped",
    async inject({ block, random, note }) {
      const run = pidOf(block, "run");
      const bots = pidOf(block, "bots");
      process.kill(run, "SIGSTOP");
      try {
        process.kill(bots, "SIGKILL");
        await waitUntilDead(bots, 10_000);
        const path = storePath(block);
        const size = statSync(path).size;
        const keep = Math.max(4096, Math.floor(size * (0.3 + 0.4 * random())));
        truncateSync(path, keep);
        const bytes = readFileSync(path);
        bytes.fill(0x5a, 0, 4096);
        writeFileSync(path, bytes);
        // The WAL holds the recent pages (page 1 among them) and would mask a damaged file: a crash that
        // damages the file takes the unsynced tail of the WAL with it too.
        const wal = `${path}-wal`;
        const walSize = existsSync(wal) ? statSync(wal).size : 0;
        if (walSize > 0) truncateSync(wal, 0);
        report.damage = `truncated from ${size} to ${keep} bytes, first page overwritten, WAL (${walSize} bytes) emptied`;
        note(`store: ${report.damage}`);
      } finally {
        process.kill(run, "SIGCONT");
      }
      const restarted = await block.waitForRestart("bots", bots, restartTimeoutMs);
      report.keptFiles = readdirSync(join(block.dataDir, "appservice")).filter((file) => file.includes(".damaged-"));
      note(`store: bots running again as pid ${restarted}; kept aside: ${report.keptFiles.join(", ") || "nothing"}`);
    },
  };
}

/** The wall clock of every process of the block steps a day ahead for `holdMs`, then back. */
export function clockJump(holdMs: number): Fault {
  return {
    name: "clock +1 day and back",
    async inject({ block, note }) {
      const synapse = pidOf(block, "synapse");
      block.setClockOffset("+1d");
      note("clock: +1 day");
      await sleep(holdMs);
      block.setClockOffset("+0");
      note(`clock: back after ${holdMs / 1000} s`);
      // run restarts Synapse after a step back (deploy/src/clockSteps.ts); the fault is over once it is up.
      const restarted = await block.waitForRestart("synapse", synapse, restartTimeoutMs);
      note(`clock: Synapse restarted for the step back, running as pid ${restarted}`);
    },
  };
}

/** No fault: the same burst on a quiet block, as the baseline. */
export const noFault: Fault = { name: "none (baseline)", inject: async () => {} };
