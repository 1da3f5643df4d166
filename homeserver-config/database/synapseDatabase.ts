// Synapse's `database:` block for the chosen engine. Pure.
import { readFileSync } from "node:fs";
import type { DatabaseSettings } from "./databaseSchema.ts";

export function synapseDatabaseConfig(settings: DatabaseSettings, sqlitePath: string): Record<string, unknown> {
  if (settings.engine === "sqlite") return { name: "sqlite3", args: { database: sqlitePath } };
  return {
    name: "psycopg2",
    // Synapse has no password_path for the database; the password (if any) goes into homeserver.yaml,
    // which is written 0600. Peer authentication over the socket needs none.
    args: {
      user: settings.user,
      dbname: settings.name,
      host: settings.host,
      port: settings.port,
      ...(settings.password_file ? { password: readFileSync(settings.password_file, "utf8").trim() } : {}),
      cp_min: 5,
      cp_max: 10,
      // Dropped connections (PostgreSQL restarted by an upgrade) come back by themselves.
      keepalives_idle: 10,
      keepalives_interval: 10,
      keepalives_count: 3,
    },
    allow_unsafe_locale: false,
  };
}

/**
 * Synapse refuses databases whose collation is not C (docs/postgres.md): create from template0 with
 * C collation and ctype. Names are validated by the schema pattern, so they are safe to interpolate.
 */
export function createDatabaseSql(settings: Pick<DatabaseSettings, "name" | "user">): string {
  return `CREATE DATABASE ${settings.name} ENCODING 'UTF8' LC_COLLATE='C' LC_CTYPE='C' TEMPLATE template0 OWNER ${settings.user};`;
}
