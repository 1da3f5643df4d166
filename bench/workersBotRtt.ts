// workers_bot_rtt_ratio_p95: 100 neighbors send `!about` at once; the p95 time until each sees the porch
// bot's reply on the worker deployment (PostgreSQL, Redis, five workers behind nginx) divided by the same
// on the single-process block, same run. Neighbors are plain HTTP clients (send + /sync long-poll), so
// the figure measures the servers, not 100 matrix-js-sdk instances on one small box.
import { mkdtempSync, rmSync } from "node:fs";
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

const NEIGHBORS = 100;
const ROUNDS = 2;

export async function measureWorkersBotRtt(): Promise<Record<string, number>> {
  const single = await withBlock("single", async (file) => {
    const running = await startNeighborhood(file, { synapseOverrides: relaxedRateLimits });
    return { running, stop: () => running.stop() };
  });
  const admin = testPostgres();
  const database = createThrowawayDatabase(admin);
  try {
    const workers = await withBlock("workers", async (file, dir) => {
      const stack = await startWorkerNeighborhood(file, {
        database: database.settings,
        workers: await freeWorkerSettings(),
        runDir: join(dir, "run"),
        privateRedis: true,
        synapseOverrides: relaxedRateLimits,
      });
      return { running: stack.running, stop: () => stack.stop() };
    });
    console.log(`  bot reply p95 with ${NEIGHBORS} neighbors: single process ${single.toFixed(0)} ms, workers ${workers.toFixed(0)} ms`);
    return { workers_bot_rtt_ratio_p95: workers / single };
  } finally {
    database.drop();
  }
}

async function withBlock(
  name: string,
  start: (file: string, dir: string) => Promise<{ running: RunningNeighborhood; stop(): Promise<void> }>,
): Promise<number> {
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
    for (let round = 0; round < ROUNDS; round++) {
      times.push(...(await Promise.all(neighbors.map((neighbor, i) => neighbor.commandReplyTime(`!about`, `r${round}-${i}`, porch)))));
    }
    for (const neighbor of neighbors) neighbor.stop();
    return percentile(times, 95);
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
