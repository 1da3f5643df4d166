// `restore`: brings a backup back into an EMPTY data directory (never over a live block). Decrypts if
// needed, verifies every checksum before touching anything, then puts the files in place and, for
// PostgreSQL, restores the dump into an empty database.
import { closeSync, cpSync, existsSync, openSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseSettings } from "../../../homeserver-config/database/databaseSchema.ts";
import { listFiles, verifyManifest } from "./checksumManifest.ts";
import { decryptFile, isEncrypted, readPassphrase } from "./archiveEncryption.ts";
import { ARCHIVE_ROOT, PG_DUMP_FILE, run, runPg } from "./backupArchive.ts";

export interface RestoreOptions {
  archive: string;
  /** Must not exist yet, or be empty. */
  dataDir: string;
  database: DatabaseSettings;
  passphraseFile?: string;
  /** Written from the backup when given and not already present. */
  neighborhoodFile?: string;
  progress?: (line: string) => void;
}

export class RestoreRefused extends Error {}

export async function restoreBackup(options: RestoreOptions): Promise<{ files: number; manifest: Record<string, unknown> }> {
  const progress = options.progress ?? (() => {});
  if (existsSync(options.dataDir) && readdirSync(options.dataDir).length > 0) {
    throw new RestoreRefused(`${options.dataDir} is not empty: restore only into an empty data directory (move the old one aside first)`);
  }
  const staging = mkdtempSync(join(tmpdir(), "blockshare-restore-"));
  try {
    let tarball = options.archive;
    if (isEncrypted(options.archive)) {
      if (!options.passphraseFile) throw new RestoreRefused(`${options.archive} is encrypted: pass the passphrase file`);
      progress("Decrypting");
      tarball = join(staging, "backup.tar.gz");
      await decryptFile(options.archive, tarball, readPassphrase(options.passphraseFile));
    }
    progress("Unpacking and verifying checksums");
    mkdirSync(join(staging, "unpacked"));
    run("tar", ["-xzf", tarball, "-C", join(staging, "unpacked"), "--no-same-owner"]);
    const root = join(staging, "unpacked", ARCHIVE_ROOT);
    const problems = await verifyManifest(root);
    if (problems.length > 0) throw new RestoreRefused(`the backup failed its checksum check; nothing was restored:\n  - ${problems.join("\n  - ")}`);
    const manifest = JSON.parse(readFileSync(join(root, "manifest.json"), "utf8")) as Record<string, unknown>;
    if (manifest.database === "postgresql" && options.database.engine === "postgresql") {
      progress(`Restoring the PostgreSQL dump into ${options.database.name}`);
      pgRestore(options.database, join(root, PG_DUMP_FILE));
    } else if (manifest.database !== options.database.engine) {
      throw new RestoreRefused(`the backup holds a ${String(manifest.database)} database but this block is configured for ${options.database.engine}`);
    }
    progress(`Placing files into ${options.dataDir}`);
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    cpSync(join(root, "data"), options.dataDir, { recursive: true });
    if (options.neighborhoodFile && !existsSync(options.neighborhoodFile)) {
      writeFileSync(options.neighborhoodFile, readFileSync(join(root, "config", "neighborhood.yaml")));
    }
    return { files: listFiles(root).length - 1, manifest };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function pgRestore(database: DatabaseSettings, dump: string): void {
  const tables = runPg(database, "psql", ["-d", database.name, "-Atc", "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"]).trim();
  if (tables !== "0") throw new RestoreRefused(`PostgreSQL database ${database.name} is not empty (${tables} tables): restore only into an empty database`);
  // Through stdin: under runuser pg_restore cannot open root's staging folder.
  const input = openSync(dump, "r");
  try {
    runPg(database, "pg_restore", ["--no-owner", "--exit-on-error", "-d", database.name], { stdin: input });
  } finally {
    closeSync(input);
  }
}
