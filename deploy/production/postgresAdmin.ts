// Talks to a PostgreSQL server as an administrator through `psql` (no driver needed in Node): creating
// and dropping the block's database, and counting rows for checks.
import { spawnSync } from "node:child_process";
import { createDatabaseSql } from "../../homeserver-config/database/synapseDatabase.ts";

export interface PostgresConnection {
  host: string;
  port: number;
  user: string;
  /** Sent through PGPASSWORD, never on the command line. */
  password?: string;
}

export function psql(connection: PostgresConnection, database: string, sql: string): string {
  const result = spawnSync(
    "psql",
    ["-h", connection.host, "-p", String(connection.port), "-U", connection.user, "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
    {
      encoding: "utf8",
      env: { ...process.env, ...(connection.password ? { PGPASSWORD: connection.password } : {}) },
    },
  );
  if (result.error) throw new Error(`psql could not run (apt-get install postgresql-client): ${result.error.message}`);
  if (result.status !== 0) throw new Error(`psql failed on ${database}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/** A database Synapse accepts (C collation, UTF-8), owned by `owner`. */
export function createSynapseDatabase(admin: PostgresConnection, name: string, owner: string): void {
  psql(admin, "postgres", createDatabaseSql({ name, user: owner }));
}

export function dropDatabase(admin: PostgresConnection, name: string): void {
  // Connections left by a crashed test would block the drop.
  psql(admin, "postgres", `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid();`);
  psql(admin, "postgres", `DROP DATABASE IF EXISTS ${name};`);
}
