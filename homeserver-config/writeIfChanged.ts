// Writes a generated file only when its content differs, by rename so a reader never sees half of it.
// An unchanged file is left alone (not even its mtime): on a production box a new homeserver.yaml restarts
// Synapse (a path unit watches it), `run` does the same (superviseBlock.ts), and a restart during Synapse's
// first schema creation breaks the database.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";

export function writeIfChanged(path: string, content: string, mode: number): void {
  if (existsSync(path) && readFileSync(path, "utf8") === content) return;
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, content, { mode });
  renameSync(temporary, path);
}
