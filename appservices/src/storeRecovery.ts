// Opening the store file when it may be damaged (a truncated or corrupted file after a crash or a failing
// SD card): check it, and if it is damaged say so plainly, move it aside (kept, never deleted) and start
// from the newest good snapshot, or from an empty store when there is none.
import { DatabaseSync } from "node:sqlite";
import { copyFileSync, existsSync, renameSync, rmSync, statSync } from "node:fs";
import type { HostLog } from "./hostLog.ts";
import { storageFailureOf } from "./storageFailure.ts";
import { snapshotDirFor, snapshotsNewestFirst } from "./storeSnapshots.ts";

export interface OpenedStoreFile {
  db: DatabaseSync;
  /** Set when the file was damaged and the store now starts from a snapshot or from empty. */
  recoveredFrom?: "snapshot" | "empty";
}

// WAL lets reads proceed during the fsync of a write; synchronous=FULL makes an acknowledged
// transaction survive a power cut too (the box is a Pi on a community mesh).
const pragmas = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;";

type Checked = { db: DatabaseSync } | { damage: string };

function openAndCheck(path: string, expectContent: boolean): Checked {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path);
    // Checked before anything is written (journal_mode writes a header into an empty file): a damaged
    // file is kept exactly as it was found.
    const problems = db
      .prepare("PRAGMA integrity_check")
      .all()
      .map((row) => String(row.integrity_check));
    if (problems.join() !== "ok") throw Object.assign(new Error(problems.slice(0, 3).join("; ")), { errcode: 11 });
    // A file truncated to nothing opens as a new, empty database: only the snapshots show that it was not.
    if (expectContent && db.prepare("SELECT count(*) AS tables FROM sqlite_schema").get()?.tables === 0) {
      throw Object.assign(new Error("the file is empty, yet snapshots show it held data"), { errcode: 11 });
    }
    db.exec(pragmas);
    return { db };
  } catch (error) {
    if (db?.isOpen) db.close();
    if (storageFailureOf(error) !== "damaged") throw error;
    return { damage: error instanceof Error ? error.message : String(error) };
  }
}

/** Moves the file and its WAL and shared-memory files to `<path>.damaged-<time>` (and -wal, -shm). */
function moveAside(path: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  let aside = `${path}.damaged-${stamp}`;
  for (let n = 2; existsSync(aside); n++) aside = `${path}.damaged-${stamp}-${n}`;
  for (const suffix of ["", "-wal", "-shm"]) {
    if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
  }
  return aside;
}

export function openStoreFile(path: string, log: HostLog): OpenedStoreFile {
  if (path === ":memory:") {
    const db = new DatabaseSync(path);
    db.exec(pragmas);
    return { db };
  }
  const snapshots = snapshotsNewestFirst(snapshotDirFor(path));
  const checked = openAndCheck(path, snapshots.length > 0);
  if ("db" in checked) return checked;

  const aside = existsSync(path) ? moveAside(path) : undefined;
  const what = `The bots' store ${path} is damaged (${checked.damage}).${aside ? ` It was moved to ${aside} (kept, not deleted).` : ""}`;
  for (const snapshot of snapshots) {
    copyFileSync(snapshot, path);
    const restored = openAndCheck(path, false);
    if ("db" in restored) {
      const taken = statSync(snapshot).mtime.toISOString();
      log.error(
        `${what} Started from the snapshot taken ${taken} (${snapshot}): what the bots recorded after that is lost, and events waiting to be handled then are dropped rather than answered twice.`,
        { store: path, snapshot, ...(aside ? { movedTo: aside } : {}) },
      );
      return { db: restored.db, recoveredFrom: "snapshot" };
    }
    for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  }
  const db = new DatabaseSync(path);
  db.exec(pragmas);
  log.error(`${what} There is no good snapshot to go back to, so it started from an empty store: the bots' listings, polls, loans and room records are gone.`, {
    store: path,
    ...(aside ? { movedTo: aside } : {}),
  });
  return { db, recoveredFrom: "empty" };
}
