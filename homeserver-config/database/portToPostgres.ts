// Moves a block from SQLite to PostgreSQL with Synapse's own port script (`synapse_port_db`, shipped in
// the Synapse virtualenv). Synapse must be stopped; the target database must exist (C collation) and be
// empty. The SQLite file is left untouched, so going back is just switching the setting back.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse, parseDocument, stringify } from "yaml";
import type { DatabaseSettings } from "./databaseSchema.ts";
import { synapseDatabaseConfig } from "./synapseDatabase.ts";

export interface PortOptions {
  /** DATA_DIR/synapse/homeserver.db */
  sqlitePath: string;
  target: DatabaseSettings;
  /** The block's generated homeserver.yaml: the port script parses a whole config (keys, server name). */
  homeserverConfig: string;
  /** The Synapse virtualenv's python; synapse_port_db sits beside it. */
  synapsePython: string;
  progress?: (line: string) => void;
}

export async function portSqliteToPostgres(options: PortOptions): Promise<void> {
  if (options.target.engine !== "postgresql") throw new Error('the target database must have engine "postgresql"');
  if (!existsSync(options.sqlitePath)) throw new Error(`no SQLite database at ${options.sqlitePath}: nothing to port`);
  const script = join(dirname(options.synapsePython), "synapse_port_db");
  if (!existsSync(script)) throw new Error(`${script} is missing: reinstall Synapse (deploy/blockshare installs it with the postgres extra)`);
  const progress = options.progress ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), "blockshare-port-"));
  try {
    const homeserver = parse(readFileSync(options.homeserverConfig, "utf8")) as Record<string, unknown>;
    const sqliteConfig = join(dir, "sqlite.yaml");
    writeFileSync(
      sqliteConfig,
      stringify({
        ...homeserver,
        background_updates: { sleep_enabled: false },
        database: synapseDatabaseConfig({ ...options.target, engine: "sqlite" }, options.sqlitePath),
      }),
      { mode: 0o600 },
    );
    const postgresConfig = join(dir, "postgres.yaml");
    // Synapse is stopped during the port, so its background updates need not pause between batches
    // (the port script passes sleep=true itself, so the pause is shortened too).
    const unthrottled = { background_updates: { sleep_enabled: false, sleep_duration_ms: 1, background_update_duration_ms: 1000 } };
    writeFileSync(postgresConfig, stringify({ ...homeserver, ...unthrottled, database: synapseDatabaseConfig(options.target, options.sqlitePath) }), {
      mode: 0o600,
    });
    // The port script refuses a database with unfinished background updates (a young block has some).
    progress("Finishing Synapse's pending background updates on the SQLite database");
    await runScript(join(dirname(options.synapsePython), "update_synapse_database"), ["--database-config", sqliteConfig, "--run-background-updates"], () => {});
    progress(`Porting ${options.sqlitePath} to PostgreSQL database ${options.target.name} (Synapse's synapse_port_db)`);
    await runScript(script, ["--sqlite-database", options.sqlitePath, "--postgres-config", postgresConfig], progress);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Sets `database:` in the neighborhood file, keeping its comments and other keys, so the next start uses
 * PostgreSQL. (Needs the `database` key in neighborhoodSchema.ts.)
 */
export function switchNeighborhoodToPostgres(neighborhoodFile: string, target: DatabaseSettings): void {
  const document = parseDocument(readFileSync(neighborhoodFile, "utf8"));
  const { engine, host, port, name, user, password_file } = target;
  document.set("database", { engine, host, port, name, user, ...(password_file ? { password_file } : {}) });
  writeFileSync(neighborhoodFile, document.toString());
}

function runScript(script: string, args: string[], progress: (line: string) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(dirname(script) + "/python", [script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let tail = "";
    const collect = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-4000);
      for (const line of chunk.toString().split("\n").filter(Boolean))
        if (/^(Porting|Finished|Completed|Error)/i.test(line.trim())) progress(`  ${line.trim()}`);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 && !/Traceback|Please start Synapse again/.test(tail) ? resolve() : reject(new Error(`${script} failed (exit ${code}):\n${tail.trim()}`)),
    );
  });
}
