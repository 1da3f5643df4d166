// SQLite files are copied with SQLite's online backup API, never byte-by-byte: a consistent copy even
// while Synapse or the appservice host is writing (WAL included).
import { backup, DatabaseSync } from "node:sqlite";
import { closeSync, openSync, readSync } from "node:fs";

const HEADER = "SQLite format 3\0";

export function isSqliteFile(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(HEADER.length);
    return readSync(fd, buffer, 0, HEADER.length, 0) === HEADER.length && buffer.toString("latin1") === HEADER;
  } finally {
    closeSync(fd);
  }
}

export async function sqliteOnlineBackup(source: string, destination: string): Promise<void> {
  const db = new DatabaseSync(source, { readOnly: true });
  try {
    // Writers hold the lock briefly; wait rather than fail.
    db.exec("PRAGMA busy_timeout = 10000");
    await backup(db, destination);
  } finally {
    db.close();
  }
}
