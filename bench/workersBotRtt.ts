// workers_bot_rtt_ratio_p95: 100 neighbors send `!about` at once; the p95 time until each sees the porch
// bot's reply on the worker deployment (PostgreSQL, Redis, five workers behind nginx) divided by the same
// on the single-process block, same run. Neighbors are plain HTTP clients (send + /sync long-poll), so
// the figure measures the servers, not 100 matrix-js-sdk instances on one small box.
//
// The same rounds also give the CPU each server process spends per command (user + system time from
// /proc, so other load on a shared machine moves it far less than wall time): single_cpu_ms_per_command for the single
// process, workers_cpu_ms_per_command for the whole worker layout (Synapse's main process, its five
// workers, PostgreSQL's backends for the block's database, Redis and nginx), and one figure per part
// (workers_cpu_ms_per_command_client_reader, …). A command is one neighbor's `!about` round trip: its
// send, the bot's transaction and reply, and the syncs that carry both to the 100 neighbors. These are
// what deploy/production/README.md's capacity model rests on, since two cores cannot show workers winning.
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { registerNeighbor } from "../test/harness/testNeighborhood.ts";
import { writeBenchNeighborhood } from "./benchNeighborhood.ts";
import { startNeighborhood, type RunningNeighborhood } from "../deploy/src/startNeighborhood.ts";
import { registrationTokens } from "../deploy/src/homeserverAdmin.ts";
import { startWorkerNeighborhood } from "../deploy/production/workerDeployment.ts";
import { createThrowawayDatabase, freeWorkerSettings, relaxedRateLimits, testPostgres } from "../deploy/production/tests/testSupport.ts";
import { percentile } from "./percentile.ts";
import { cpuSpent, pidsMatching, readCpu, type ProcessGroups } from "./processCpu.ts";

const NEIGHBORS = 100;
const ROUNDS = 2;

const COMMANDS = NEIGHBORS * ROUNDS;

export async function measureWorkersBotRtt(): Promise<Record<string, number>> {
  const single = await withBlock("single", async (file) => {
    const running = await startNeighborhood(file, { synapseOverrides: relaxedRateLimits });
    // The bots run in this process beside the 100 clients, so its CPU is printed but is not a figure.
    return { running, stop: () => running.stop(), processes: { synapse: () => [running.synapse.pid], "bench process (bots + clients)": () => [process.pid] } };
  });
  const admin = testPostgres();
  const database = createThrowawayDatabase(admin);
  try {
    const workers = await withBlock("workers", async (file, dir) => {
      const settings = await freeWorkerSettings();
      const runDir = join(dir, "run");
      const stack = await startWorkerNeighborhood(file, {
        database: database.settings,
        workers: settings,
        runDir,
        privateRedis: true,
        synapseOverrides: relaxedRateLimits,
      });
      const processes: ProcessGroups = { main: () => [stack.running.synapse.pid] };
      for (const [name, worker] of stack.workers) processes[name] = () => [worker.pid];
      // A PostgreSQL backend's process title names its database; Redis retitles itself with its address.
      processes.postgres = () => pidsMatching(` ${database.settings.name} `);
      processes.redis = () => pidsMatching(`${settings.redis_port}`, "redis");
      processes.nginx = () => pidsMatching(join(runDir, "nginx"));
      processes["bench process (bots + clients)"] = () => [process.pid];
      const upstreams = new Map<string, string>([[`127.0.0.1:${stack.layout.mainHttpPort}`, "main"]]);
      for (const worker of stack.layout.workers) upstreams.set(`127.0.0.1:${worker.port}`, worker.name);
      return { running: stack.running, stop: () => stack.stop(), processes, accessLog: { path: stack.accessLog, upstreams } };
    });
    console.log(`  bot reply p95 with ${NEIGHBORS} neighbors: single process ${single.p95.toFixed(0)} ms, workers ${workers.p95.toFixed(0)} ms`);
    const perCommand = (seconds: number) => (seconds * 1000) / COMMANDS;
    const serverParts = Object.keys(workers.cpu).filter((name) => !name.startsWith("bench process"));
    const figures: Record<string, number> = {
      workers_bot_rtt_ratio_p95: workers.p95 / single.p95,
      single_cpu_ms_per_command: perCommand(single.cpu.synapse!),
      workers_cpu_ms_per_command: perCommand(serverParts.reduce((sum, name) => sum + workers.cpu[name]!, 0)),
    };
    for (const name of serverParts) figures[`workers_cpu_ms_per_command_${name}`] = perCommand(workers.cpu[name]!);
    console.log(`  CPU per command (${COMMANDS} commands; load average ${loadAverage()}):`);
    for (const [layout, result] of [
      ["single", single],
      ["workers", workers],
    ] as const)
      for (const [name, seconds] of Object.entries(result.cpu)) {
        const requests = result.requests[name];
        const perRequest = requests ? `, ${requests} proxied requests, ${((seconds * 1000) / requests).toFixed(2)} ms each` : "";
        console.log(`    ${layout} ${name}: ${seconds.toFixed(2)} s CPU, ${perCommand(seconds).toFixed(2)} ms per command${perRequest}`);
      }
    return figures;
  } finally {
    database.drop();
  }
}

interface StartedBlock {
  running: RunningNeighborhood;
  stop(): Promise<void>;
  /** The processes whose CPU time is measured over the rounds. */
  processes: ProcessGroups;
  /** The proxy's access log ("path upstream_address" lines) and which part each upstream is. */
  accessLog?: { path: string; upstreams: Map<string, string> };
}

interface BlockResult {
  p95: number;
  /** CPU seconds per process group over the rounds. */
  cpu: Record<string, number>;
  /** Requests the proxy sent to each part over the rounds (worker layout only). */
  requests: Record<string, number>;
}

const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

function proxiedRequests(log: NonNullable<StartedBlock["accessLog"]>, fromByte: number): Record<string, number> {
  const counts: Record<string, number> = {};
  const text = readFileSync(log.path).subarray(fromByte).toString("utf8");
  for (const line of text.split("\n")) {
    const upstream = line.trim().split(" ").at(-1);
    const part = upstream && log.upstreams.get(upstream);
    if (part) counts[part] = (counts[part] ?? 0) + 1;
  }
  return counts;
}

async function withBlock(name: string, start: (file: string, dir: string) => Promise<StartedBlock>): Promise<BlockResult> {
  const dir = mkdtempSync(join(tmpdir(), `blockshare-rtt-${name}-`));
  const block = await start(await writeBenchNeighborhood(dir, "RTT Block", "rtt.localhost"), dir);
  try {
    const { running } = block;
    const lobby = running.rooms.get("lobby")!;
    const porch = `@porch:${running.neighborhood.server_name}`;
    const token = await registrationTokens.create(running.clientUrl, running.operatorToken, { usesAllowed: NEIGHBORS, expiryTime: null });
    // Sign-ups (each auto-joins six rooms) a few at a time: it is setup, not the figure.
    const neighbors: SyncingNeighbor[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < NEIGHBORS) {
          const { access_token } = await registerNeighbor(running.clientUrl, `n${next++}`, "correct horse battery", token.token);
          neighbors.push(await SyncingNeighbor.start(running.clientUrl, access_token, lobby));
        }
      }),
    );
    // Welcomes for 100 newcomers are still arriving; let the bot finish them first.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const times: number[] = [];
    const logFrom = block.accessLog ? statSync(block.accessLog.path).size : 0;
    const cpuBefore = readCpu(block.processes);
    for (let round = 0; round < ROUNDS; round++) {
      times.push(...(await Promise.all(neighbors.map((neighbor, i) => neighbor.commandReplyTime(`!about`, `r${round}-${i}`, porch)))));
    }
    const cpu = cpuSpent(cpuBefore, readCpu(block.processes));
    const requests = block.accessLog ? proxiedRequests(block.accessLog, logFrom) : {};
    for (const neighbor of neighbors) neighbor.stop();
    return { p95: percentile(times, 95), cpu, requests };
  } finally {
    await block.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A neighbor as Element would be: one /sync long-poll at a time, and a send. */
class SyncingNeighbor {
  #since = "";
  #stopped = false;
  #waiters = new Map<string, (at: number) => void>();
  readonly url: string;
  readonly token: string;
  readonly roomId: string;
  private constructor(url: string, token: string, roomId: string) {
    this.url = url;
    this.token = token;
    this.roomId = roomId;
  }

  static async start(url: string, token: string, roomId: string): Promise<SyncingNeighbor> {
    const neighbor = new SyncingNeighbor(url, token, roomId);
    await neighbor.#sync(0);
    void neighbor.#loop();
    return neighbor;
  }

  async commandReplyTime(body: string, txn: string, from: string): Promise<number> {
    const started = performance.now();
    const response = await fetch(`${this.url}/_matrix/client/v3/rooms/${encodeURIComponent(this.roomId)}/send/m.room.message/${txn}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
      body: JSON.stringify({ msgtype: "m.text", body }),
    });
    const { event_id } = (await response.json()) as { event_id: string };
    const repliedAt = await new Promise<number>((resolve, reject) => {
      this.#waiters.set(`${from} ${event_id}`, resolve);
      setTimeout(() => reject(new Error(`no reply from ${from} to ${event_id} within 120 s`)), 120_000).unref();
    });
    return repliedAt - started;
  }

  stop(): void {
    this.#stopped = true;
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) await this.#sync(30_000).catch(() => new Promise((resolve) => setTimeout(resolve, 500)));
  }

  // A generous timeline limit: 100 commands and 100 replies land between two syncs, and a limited
  // (gapped) timeline would hide replies that Element would fetch by back-pagination.
  async #sync(timeout: number): Promise<void> {
    const filter = JSON.stringify({
      room: { rooms: [this.roomId], timeline: { limit: 1000 }, state: { lazy_load_members: true } },
      presence: { types: [] },
      account_data: { types: [] },
    });
    const query = new URLSearchParams({ timeout: String(timeout), filter, ...(this.#since ? { since: this.#since } : {}) });
    const response = await fetch(`${this.url}/_matrix/client/v3/sync?${query}`, { headers: { authorization: `Bearer ${this.token}` } });
    const body = (await response.json()) as {
      next_batch: string;
      rooms?: {
        join?: Record<string, { timeline: { events: Array<{ sender: string; content: { "m.relates_to"?: { "m.in_reply_to"?: { event_id: string } } } }> } }>;
      };
    };
    const at = performance.now();
    this.#since = body.next_batch;
    for (const event of body.rooms?.join?.[this.roomId]?.timeline.events ?? []) {
      const replyTo = event.content["m.relates_to"]?.["m.in_reply_to"]?.event_id;
      const waiter = replyTo && this.#waiters.get(`${event.sender} ${replyTo}`);
      if (waiter) waiter(at);
    }
  }
}

if (import.meta.main) console.log(await measureWorkersBotRtt());
