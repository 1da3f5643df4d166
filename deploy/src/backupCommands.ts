// `backup` and `restore`: the operator's side of deploy/production/backup (one archive with checksums,
// optionally encrypted for keeping on a neighboring block's box).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parseDocument } from "yaml";
import { loadNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { SQLITE_DEFAULT } from "../../homeserver-config/database/databaseSchema.ts";
import { createBackup } from "../production/backup/backupArchive.ts";
import { restoreBackup } from "../production/backup/restoreArchive.ts";
import { UsageError } from "./usageError.ts";

const say = (line: string) => process.stderr.write(`==> ${line}\n`);

export function defaultBackupName(serverName: string, encrypted: boolean, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replaceAll(":", "").replace("T", "-");
  return `blockshare-${serverName.replaceAll(":", "_")}-${stamp}.tar.gz${encrypted ? ".enc" : ""}`;
}

export async function backupCommand(file: string, output: string | undefined, passphraseFile: string | undefined): Promise<void> {
  const neighborhood = loadNeighborhood(file);
  const archive = resolve(output ?? join(dirname(neighborhood.dataDir), "backups", defaultBackupName(neighborhood.server_name, passphraseFile !== undefined)));
  const result = await createBackup({
    neighborhood,
    database: neighborhood.database,
    output: archive,
    ...(passphraseFile ? { passphraseFile } : {}),
    progress: say,
  });
  console.log(`Backup written: ${result.archive}`);
  console.log(
    `  ${result.files} files, ${(result.bytes / 1e6).toFixed(1)} MB, ${result.encrypted ? "encrypted (keep the passphrase file somewhere else)" : "not encrypted (encrypt with --passphrase-file before giving it to a neighbor)"}`,
  );
  console.log(`Restore on an empty box: deploy/blockshare restore ${shortestPath(result.archive)}${result.encrypted ? " --passphrase-file FILE" : ""}`);
}

/**
 * Restores into the data directory the neighborhood file names (which must be empty). Without a
 * neighborhood file, the backup's own file is written there and pointed at `data/` beside it.
 */
export async function restoreCommand(file: string, archive: string | undefined, passphraseFile: string | undefined): Promise<void> {
  if (archive === undefined) throw new UsageError("restore needs the archive: deploy/blockshare restore ARCHIVE [--passphrase-file FILE]");
  if (!existsSync(archive)) throw new UsageError(`no backup at ${archive}`);
  const hadFile = existsSync(file);
  const neighborhood = hadFile ? loadNeighborhood(file) : undefined;
  const dataDir = neighborhood?.dataDir ?? resolve(dirname(file), "data");
  const result = await restoreBackup({
    archive,
    dataDir,
    database: neighborhood?.database ?? SQLITE_DEFAULT,
    ...(passphraseFile ? { passphraseFile } : {}),
    neighborhoodFile: file,
    progress: say,
  });
  if (!hadFile) pointAtDataDir(file, dataDir);
  console.log(
    `Restored ${result.files} files of ${String(result.manifest.name)} (${String(result.manifest.server_name)}), backed up ${String(result.manifest.created_at)}, into ${dataDir}.`,
  );
  console.log("Start the block again: deploy/blockshare run (or systemctl start blockshare.target on a production box).");
}

function pointAtDataDir(file: string, dataDir: string): void {
  const document = parseDocument(readFileSync(file, "utf8"));
  document.set("data_dir", relative(dirname(file), dataDir) || ".");
  writeFileSync(file, document.toString());
}

/** The archive as the volunteer would type it: relative when below the current folder, else absolute. */
function shortestPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere && !fromHere.startsWith("..") ? fromHere : path;
}
