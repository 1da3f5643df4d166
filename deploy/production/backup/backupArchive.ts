// `backup`: one archive holding everything a block needs to come back: the database (SQLite online
// backup or pg_dump), media, signing keys, secrets, the appservice store, the configuration, and a
// SHA-256 manifest. Optionally encrypted for keeping on a neighboring block's box.
import { spawnSync } from "node:child_process";
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import type { LoadedNeighborhood } from "../../../homeserver-config/loadNeighborhood.ts";
import type { DatabaseSettings } from "../../../homeserver-config/database/databaseSchema.ts";
import { writeManifest } from "./checksumManifest.ts";
import { isSqliteFile, sqliteOnlineBackup } from "./sqliteOnlineBackup.ts";
import { encryptFile, readPassphrase } from "./archiveEncryption.ts";

export const ARCHIVE_ROOT = "blockshare-backup";
export const PG_DUMP_FILE = "database/synapse.pgdump";

/** Files that are rebuilt or meaningless after a restore (SQLite side files, pids, logs, temp files). */
const SKIPPED = [/-wal$/, /-shm$/, /-journal$/, /\.pid$/, /\.log(\.\d+)?$/, /\.tmp-\d+$/];

export interface BackupOptions {
  neighborhood: LoadedNeighborhood;
  database: DatabaseSettings;
  /** The archive to write (.tar.gz, or .tar.gz.enc when encrypted). */
  output: string;
  /** Encrypt with a key derived from this file's passphrase. */
  passphraseFile?: string;
  progress?: (line: string) => void;
}

export interface BackupResult {
  archive: string;
  files: number;
  bytes: number;
  encrypted: boolean;
}

export async function createBackup(options: BackupOptions): Promise<BackupResult> {
  const progress = options.progress ?? (() => {});
  const passphrase = options.passphraseFile ? readPassphrase(options.passphraseFile) : undefined;
  const staging = mkdtempSync(join(tmpdir(), "blockshare-backup-"));
  try {
    const root = join(staging, ARCHIVE_ROOT);
    progress(`Copying ${options.neighborhood.dataDir} (SQLite files by online backup)`);
    await copyDataDir(options.neighborhood.dataDir, join(root, "data"));
    if (options.database.engine === "postgresql") {
      progress(`Dumping PostgreSQL database ${options.database.name}`);
      pgDump(options.database, join(root, PG_DUMP_FILE));
    }
    mkdirSync(join(root, "config"), { recursive: true });
    copyFileSync(options.neighborhood.file, join(root, "config", "neighborhood.yaml"));
    writeFileSync(
      join(root, "manifest.json"),
      JSON.stringify(
        {
          format: 1,
          created_at: new Date().toISOString(),
          server_name: options.neighborhood.server_name,
          name: options.neighborhood.name,
          database: options.database.engine,
          data_dir_name: basename(options.neighborhood.dataDir),
        },
        null,
        2,
      ),
    );
    const files = await writeManifest(root);
    progress(`Checksummed ${files} files; writing the archive`);
    mkdirSync(dirname(options.output), { recursive: true });
    const tarball = passphrase ? join(staging, "backup.tar.gz") : `${options.output}.partial`;
    run("tar", ["-czf", tarball, "-C", staging, ARCHIVE_ROOT]);
    if (passphrase) {
      progress("Encrypting (AES-256-GCM, key from the passphrase file)");
      await encryptFile(tarball, `${options.output}.partial`, passphrase);
    }
    // Only a complete archive ever has the final name.
    renameSync(`${options.output}.partial`, options.output);
    return { archive: options.output, files, bytes: statSync(options.output).size, encrypted: Boolean(passphrase) };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function copyDataDir(source: string, destination: string): Promise<void> {
  mkdirSync(destination, { recursive: true, mode: 0o700 });
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    const from = join(source, entry.name);
    const to = join(destination, entry.name);
    if (entry.isDirectory()) await copyDataDir(from, to);
    else if (!entry.isFile() || SKIPPED.some((pattern) => pattern.test(entry.name))) continue;
    else if (isSqliteFile(from)) await sqliteOnlineBackup(from, to);
    else copyFileSync(from, to);
  }
}

function pgDump(database: DatabaseSettings, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  // Custom format: compressed, and pg_restore can restore into a database of another name or owner.
  // Written through our own file descriptor: under runuser the dump cannot open root's staging folder.
  const output = openSync(file, "w", 0o600);
  try {
    runPg(database, "pg_dump", ["-Fc", "--no-owner", database.name], { stdout: output });
  } finally {
    closeSync(output);
  }
}

/**
 * Runs a PostgreSQL client tool against the block's database. Over the local socket PostgreSQL checks
 * the OS user (Debian's peer authentication), so when root (the volunteer with sudo) runs a backup or a
 * restore, the tool runs as the role's own system user, as the services do.
 */
export function runPg(database: DatabaseSettings, command: string, args: string[], io: { stdin?: number; stdout?: number } = {}): string {
  const connection = ["-h", database.host, "-p", String(database.port), "-U", database.user];
  const asRole = database.host.startsWith("/") && process.getuid?.() === 0 && database.user !== "root" && spawnSync("id", ["-u", database.user]).status === 0;
  const [program, programArgs] = asRole ? ["runuser", ["-u", database.user, "--", command, ...connection, ...args]] : [command, [...connection, ...args]];
  const result = spawnSync(program, programArgs, {
    env: pgEnv(database),
    stdio: [io.stdin ?? "ignore", io.stdout ?? "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new Error(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} failed: ${String(result.stderr).trim().slice(-2000)}`);
  return result.stdout ? String(result.stdout) : "";
}

export function pgEnv(database: DatabaseSettings): NodeJS.ProcessEnv {
  if (!database.password_file || !existsSync(database.password_file)) return process.env;
  return { ...process.env, PGPASSWORD: readFileSync(database.password_file, "utf8").trim() };
}

export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr.trim().slice(-2000)}`);
  return result.stdout;
}
