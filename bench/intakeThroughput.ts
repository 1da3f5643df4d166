// as_ingest_floor_ratio: events per second through the transaction endpoint with full processing (durable
// ledger and inbox, per-room queues, routing, the bots reading every message), over the floor of any
// durable acknowledgement: an endpoint that authenticates, records the transaction id with one
// synchronous=FULL SQLite commit (one fsync, as the host's own ledger does) and acknowledges. Synapse sends
// one transaction at a time, so that fsync is paid per transaction whatever the host does. Same payloads,
// same run.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { DatabaseSync } from "node:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { startAppserviceHost } from "../appservices/src/appserviceHost.ts";
import { silentLog } from "../appservices/src/hostLog.ts";
import { HostMetrics } from "../appservices/src/hostMetrics.ts";
import { createIntakeApp } from "../appservices/src/intakeApp.ts";
import type { TransactionAdmission } from "../appservices/src/transactionAdmission.ts";
import { quietBotActions } from "../appservices/tests/quietBotActions.ts";
import { allBots } from "../bots/index.ts";

const SERVER = "bench.localhost";
const ROOMS = 20;
const TRANSACTIONS = 300;
const EVENTS_PER_TRANSACTION = 50;
const HS_TOKEN = "bench-hs-token";

// No homeserver here: bot side effects are recorded, not sent (the figure is about the intake).

function transactions(): unknown[] {
  let n = 0;
  const rooms = Array.from({ length: ROOMS }, (_, i) => `!room${i}:${SERVER}`);
  const joins = rooms.flatMap((room_id) =>
    allBots.map((bot) => ({
      event_id: `$join-${room_id}-${bot.localpart}`,
      room_id,
      sender: `@${bot.localpart}:${SERVER}`,
      state_key: `@${bot.localpart}:${SERVER}`,
      type: "m.room.member",
      content: { membership: "join" },
      origin_server_ts: Date.now(),
    })),
  );
  const chatter = Array.from({ length: TRANSACTIONS }, () => ({
    events: Array.from({ length: EVENTS_PER_TRANSACTION }, () => {
      n++;
      return {
        event_id: `$chat${n}`,
        room_id: rooms[n % ROOMS],
        sender: `@neighbor${n % 37}:${SERVER}`,
        type: "m.room.message",
        content: { msgtype: "m.text", body: `Anyone have a ladder I could borrow this weekend? (${n})` },
        origin_server_ts: Date.now(),
      };
    }),
  }));
  return [{ events: joins }, ...chatter];
}

interface Endpoint {
  url: string;
  whenIdle(): Promise<void>;
  stop(): Promise<void>;
}

/** The floor: the host's own HTTP intake (token check, body parsing, shape checks), then one durable commit. */
async function durableAcknowledgement(dir: string): Promise<Endpoint> {
  const db = new DatabaseSync(join(dir, "ledger.sqlite"));
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE ledger (txn_id TEXT PRIMARY KEY) STRICT;");
  const record = db.prepare("INSERT OR IGNORE INTO ledger (txn_id) VALUES (?)");
  const admission: TransactionAdmission = {
    admit: async (txnId) => {
      record.run(txnId);
      return "accepted";
    },
  };
  const app = createIntakeApp({
    hsToken: HS_TOKEN,
    admission,
    metrics: new HostMetrics(() => 0),
    pendingInbox: () => 0,
    provideUser: async () => false,
    log: silentLog,
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    whenIdle: async () => {},
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      db.close();
    },
  };
}

async function eventsPerSecond(fullProcessing: boolean, payloads: unknown[]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "blockshare-intake-"));
  const host: Endpoint = fullProcessing ? await fullHost(dir) : await durableAcknowledgement(dir);
  try {
    const bodies = payloads.map((payload) => JSON.stringify(payload));
    const started = performance.now();
    // Synapse sends one transaction at a time to an appservice; so do we.
    for (const [i, body] of bodies.entries()) {
      const response = await fetch(`${host.url}/_matrix/app/v1/transactions/bench-${i}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${HS_TOKEN}`, "content-type": "application/json" },
        body,
      });
      if (response.status !== 200) throw new Error(`transaction ${i}: ${response.status} ${await response.text()}`);
    }
    const acked = performance.now();
    await host.whenIdle();
    if (process.env.BENCH_DEBUG)
      console.log(`  ${fullProcessing ? "full" : "base"}: acks ${(acked - started).toFixed(0)} ms, drain ${(performance.now() - acked).toFixed(0)} ms`);
    return (TRANSACTIONS * EVENTS_PER_TRANSACTION) / ((performance.now() - started) / 1000);
  } finally {
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureIntakeThroughput(): Promise<Record<string, number>> {
  const payloads = transactions();
  await eventsPerSecond(false, payloads.slice(0, 20)); // warm up the JIT for both paths
  await eventsPerSecond(true, payloads.slice(0, 20));
  const baseline = await eventsPerSecond(false, payloads);
  const full = await eventsPerSecond(true, payloads);
  console.log(`  durable acknowledgement ${baseline.toFixed(0)} events/s, full processing ${full.toFixed(0)} events/s`);
  return { as_ingest_floor_ratio: full / baseline };
}

function fullHost(dir: string): Promise<Endpoint> {
  return startAppserviceHost({
    registration: { id: "bench", asToken: "bench-as-token", hsToken: HS_TOKEN, senderLocalpart: "blockshare" },
    homeserverUrl: "http://127.0.0.1:9",
    neighborhood: { name: "Bench", serverName: SERVER, publicUrl: "http://127.0.0.1:9", operators: [] },
    bots: allBots,
    storePath: join(dir, "store.sqlite"),
    port: 0,
    log: silentLog,
    matrix: { actionsFor: () => quietBotActions, ensureUser: async () => {} },
  });
}
