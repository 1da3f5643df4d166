// Versioned schema: migration N (1-based) runs once, in its own transaction, and records N in schema_version.
// Append new migrations at the end; never edit one that has shipped.
import type { DatabaseSync } from "node:sqlite";
import { runInTransaction } from "./sqliteTransaction.ts";

const migrations: readonly string[] = [
  `
  CREATE TABLE transaction_ledger (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    txn_id TEXT NOT NULL UNIQUE,
    received_at INTEGER NOT NULL
  );
  CREATE INDEX transaction_ledger_by_time ON transaction_ledger (received_at);
  CREATE TABLE inbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id TEXT NOT NULL,
    event_json TEXT NOT NULL
  );
  CREATE TABLE bot_membership (
    bot_user_id TEXT NOT NULL,
    room_id TEXT NOT NULL,
    membership TEXT NOT NULL,
    is_direct INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (bot_user_id, room_id)
  ) WITHOUT ROWID;
  CREATE INDEX bot_membership_by_room ON bot_membership (room_id, membership);
  CREATE TABLE room_roles (
    room_id TEXT PRIMARY KEY,
    role TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE bot_kv (
    bot TEXT NOT NULL,
    key TEXT NOT NULL,
    value_json TEXT NOT NULL,
    PRIMARY KEY (bot, key)
  ) WITHOUT ROWID;
  `,
  // 2: each bot's private room with a neighbor, so a DM is reused instead of opened again.
  `
  CREATE TABLE private_rooms (
    bot_user_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    room_id TEXT NOT NULL,
    PRIMARY KEY (bot_user_id, user_id)
  ) WITHOUT ROWID;
  `,
];

export const latestSchemaVersion = migrations.length;

function currentVersion(db: DatabaseSync): number {
  const row = db.prepare("SELECT max(version) AS version FROM schema_version").get();
  return typeof row?.version === "number" ? row.version : 0;
}

/** Brings the database up to the latest schema; refuses a file written by a newer host. */
export function migrateSchema(db: DatabaseSync): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
  const found = currentVersion(db);
  if (found > latestSchemaVersion) {
    throw new Error(`store schema version ${found} is newer than this host understands (${latestSchemaVersion})`);
  }
  migrations.slice(found).forEach((sql, index) => {
    runInTransaction(db, () => {
      db.exec(sql);
      db.prepare("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)").run(found + index + 1, Date.now());
    });
  });
}
