// Cheap copies of the store to go back to when the file is found damaged: `VACUUM INTO` a numbered file
// in snapshots/ beside it, newest kept, oldest removed. Numbered, not dated: a clock that jumped a day
// ahead and back must not make an old snapshot look like the newest.
import type { DatabaseSync } from "node:sqlite";
import { mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";

export interface SnapshotPolicy {
  /** How many snapshots are kept (the newest). */
  keep: number;
  /** How often a running store is copied, besides at every start and clean stop. */
  intervalMs: number;
}

export const defaultSnapshotPolicy: SnapshotPolicy = { keep: 3, intervalMs: 60 * 60 * 1000 };

const snapshotName = /^store-(\d+)\.sqlite$/;

export function snapshotDirFor(storePath: string): string {
  return join(dirname(storePath), "snapshots");
}

/** The snapshots in `dir`, newest first. */
export function snapshotsNewestFirst(dir: string): string[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files
    .flatMap((file) => {
      const match = snapshotName.exec(file);
      return match ? [{ file, number: Number(match[1]) }] : [];
    })
    .sort((a, b) => b.number - a.number)
    .map(({ file }) => join(dir, file));
}

/** Copies the open database into the next numbered snapshot and removes the oldest beyond `keep`. Throws if the disk refuses. */
export function takeSnapshot(db: DatabaseSync, dir: string, keep: number): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const existing = snapshotsNewestFirst(dir);
  const newest = existing[0] === undefined ? 0 : Number(snapshotName.exec(existing[0].slice(dir.length + 1))?.[1] ?? 0);
  const target = join(dir, `store-${String(newest + 1).padStart(6, "0")}.sqlite`);
  // Written under a name no reader looks at, then renamed: a crash mid-copy never leaves a half snapshot.
  const partial = join(dir, "partial.sqlite");
  rmSync(partial, { force: true });
  try {
    db.prepare("VACUUM INTO ?").run(partial);
    renameSync(partial, target);
  } finally {
    rmSync(partial, { force: true });
  }
  for (const old of [target, ...existing].slice(Math.max(keep, 1))) rmSync(old, { force: true });
  return target;
}
