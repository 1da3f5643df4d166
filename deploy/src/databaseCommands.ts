// `port-db`: moves a stopped block from SQLite to PostgreSQL with Synapse's own port script, then points
// the neighborhood file at PostgreSQL. The SQLite file stays, so going back is switching the setting back.
import { existsSync } from "node:fs";
import { Value } from "@sinclair/typebox/value";
import { loadNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { DatabaseSchema, type DatabaseSettings } from "../../homeserver-config/database/databaseSchema.ts";
import { portSqliteToPostgres, switchNeighborhoodToPostgres } from "../../homeserver-config/database/portToPostgres.ts";
import { synapsePaths } from "../../homeserver-config/synapseConfig.ts";
import { localClientUrl } from "./startNeighborhood.ts";
import { synapsePython } from "./synapseProcess.ts";
import { UsageError } from "./usageError.ts";

export interface PortDbFlags {
  host?: string;
  port?: string;
  name?: string;
  user?: string;
  passwordFile?: string;
}

/** The target from the flags over the schema's defaults (the socket, `blockshare`/`blockshare`), validated. */
export function portTarget(flags: PortDbFlags): DatabaseSettings {
  const target = Value.Default(DatabaseSchema, {
    engine: "postgresql",
    ...(flags.host ? { host: flags.host } : {}),
    ...(flags.port ? { port: Number(flags.port) } : {}),
    ...(flags.name ? { name: flags.name } : {}),
    ...(flags.user ? { user: flags.user } : {}),
    ...(flags.passwordFile ? { password_file: flags.passwordFile } : {}),
  }) as DatabaseSettings;
  const problems = [...Value.Errors(DatabaseSchema, target)].map(
    (error) => `--${error.path.slice(1).replace("_file", "-file")} must be ${error.schema.description ?? error.message}`,
  );
  if (problems.length > 0) throw new UsageError(problems.join("\n"));
  return target;
}

export async function portDbCommand(file: string, flags: PortDbFlags): Promise<void> {
  const neighborhood = loadNeighborhood(file);
  if (neighborhood.database.engine === "postgresql")
    throw new UsageError(`${file} already uses PostgreSQL (database ${neighborhood.database.name}); nothing to port`);
  const target = portTarget(flags);
  const paths = synapsePaths(neighborhood.dataDir);
  if (!existsSync(paths.config)) throw new UsageError(`no homeserver configuration at ${paths.config}: start the block once before porting it`);
  if (await answers(`${localClientUrl(neighborhood)}/health`)) {
    throw new UsageError("the block is running: stop it first (Ctrl-C, or systemctl stop blockshare.target), then run port-db again");
  }
  const say = (line: string) => process.stderr.write(`==> ${line}\n`);
  await portSqliteToPostgres({ sqlitePath: paths.database, target, homeserverConfig: paths.config, synapsePython: synapsePython(), progress: say });
  switchNeighborhoodToPostgres(file, target);
  console.log(`Ported to PostgreSQL database ${target.name} on ${target.host}:${target.port}; ${file} now says database.engine: postgresql.`);
  console.log(`The SQLite file ${paths.database} is untouched: to go back, set database.engine: sqlite.`);
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}
