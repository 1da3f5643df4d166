import type { DatabaseSync } from "node:sqlite";

/** Runs `work` inside one SQLite transaction: all of its writes commit together or none do. */
export function runInTransaction<T>(db: DatabaseSync, work: () => T): T {
  // IMMEDIATE takes the write lock up front, so a transaction never fails half-way on a lock upgrade.
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = work();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    // SQLite has already rolled back after some errors (SQLITE_FULL, SQLITE_IOERR); a second ROLLBACK
    // would throw "no transaction is active" and hide the error that says what went wrong.
    if (db.isTransaction) db.exec("ROLLBACK");
    throw error;
  }
}
