// Shared pieces of the production tests: a throwaway PostgreSQL database, free ports for the workers,
// and the loosened rate limits every test neighborhood uses.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { PostgresConnection } from "../postgresAdmin.ts";
import { createSynapseDatabase, dropDatabase } from "../postgresAdmin.ts";
import { freePort } from "../../../test/harness/freePort.ts";
import type { WorkerSettings } from "../../../homeserver-config/workers/workersSchema.ts";
import type { DatabaseSettings } from "../../../homeserver-config/database/databaseSchema.ts";

export { testPostgres } from "./testPostgres.ts";

export interface ThrowawayDatabase {
  settings: DatabaseSettings;
  drop(): void;
}

export function createThrowawayDatabase(admin: PostgresConnection): ThrowawayDatabase {
  const name = `blockshare_test_${randomBytes(5).toString("hex")}`;
  createSynapseDatabase(admin, name, admin.user);
  return {
    settings: { engine: "postgresql", host: admin.host, port: admin.port, name, user: admin.user },
    drop: () => dropDatabase(admin, name),
  };
}

export async function freeWorkerSettings(): Promise<WorkerSettings> {
  const metricsBase = await freePortRun(5);
  return {
    enabled: true,
    redis_host: "127.0.0.1",
    redis_port: await freePort(),
    ports: {
      main_http: await freePort(),
      main_replication: await freePort(),
      client_reader: await freePort(),
      federation_reader: await freePort(),
      event_persister: await freePort(),
      federation_sender: await freePort(),
      appservice_notifier: await freePort(),
      metrics_base: metricsBase,
    },
  };
}

/** `count` consecutive free ports (the workers' metrics ports count up from a base). */
async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const { tcpOpen } = await import("../childProcesses.ts");
    const taken = await Promise.all(Array.from({ length: count }, (_, i) => tcpOpen(base + i)));
    if (!taken.some(Boolean)) return base;
  }
  throw new Error("no run of free ports found");
}

// Tests register many neighbors from one address within seconds; a real block does not.
export const relaxedRateLimits: Record<string, unknown> = {
  rc_message: { per_second: 1000, burst_count: 1000 },
  rc_registration: { per_second: 1000, burst_count: 1000 },
  rc_admin_redaction: { per_second: 1000, burst_count: 1000 },
  rc_login: {
    address: { per_second: 1000, burst_count: 1000 },
    account: { per_second: 1000, burst_count: 1000 },
    failed_attempts: { per_second: 1000, burst_count: 1000 },
  },
  rc_joins: { local: { per_second: 1000, burst_count: 1000 }, remote: { per_second: 1000, burst_count: 1000 } },
  rc_invites: { per_room: { per_second: 1000, burst_count: 1000 }, per_user: { per_second: 1000, burst_count: 1000 } },
};

export interface BlockCounts {
  users: number;
  rooms: number;
  messages: number;
  botStoreRows: number;
}

export function countSqliteBlock(dataDir: string): BlockCounts {
  const synapse = new DatabaseSync(join(dataDir, "synapse", "homeserver.db"), { readOnly: true });
  const store = new DatabaseSync(join(dataDir, "appservice", "store.sqlite"), { readOnly: true });
  const count = (db: DatabaseSync, sql: string) => Number((db.prepare(sql).get() as { n: number }).n);
  try {
    return {
      users: count(synapse, "SELECT count(*) AS n FROM users"),
      rooms: count(synapse, "SELECT count(*) AS n FROM rooms"),
      messages: count(synapse, "SELECT count(*) AS n FROM events WHERE type = 'm.room.message'"),
      botStoreRows: count(store, "SELECT count(*) AS n FROM bot_kv"),
    };
  } finally {
    synapse.close();
    store.close();
  }
}
