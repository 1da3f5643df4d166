// The server name a data directory was created with, recorded in DATA_DIR/server_name and compared on
// every start: Synapse cannot change it once accounts exist, and says so only with a traceback
// ("Found users in database not native to …"). BlockShare refuses first, saying what to do.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import type { LoadedNeighborhood } from "./loadNeighborhood.ts";
import { synapsePaths } from "./synapseConfig.ts";

export class ServerNameChanged extends Error {
  constructor(neighborhood: LoadedNeighborhood, recorded: string) {
    super(
      `The data in ${neighborhood.dataDir} belongs to server name "${recorded}", but ${neighborhood.file} now says "${neighborhood.server_name}".
A block's server name is part of every account and room and cannot change once they exist. Either:
  - put "server_name: ${recorded}" back in ${neighborhood.file} and run again (nothing is lost), or
  - start over as "${neighborhood.server_name}": move ${neighborhood.dataDir} away (every account, room and message in it stays with "${recorded}") and run again.
Nothing was started.`,
    );
    this.name = "ServerNameChanged";
  }
}

export function serverNameRecord(dataDir: string): string {
  return join(dataDir, "server_name");
}

/**
 * The name this data directory belongs to: the record, or for a directory from before the record
 * existed, the name in the homeserver.yaml BlockShare last wrote there. Undefined for new data.
 */
export function recordedServerName(dataDir: string): string | undefined {
  const record = serverNameRecord(dataDir);
  if (existsSync(record)) return readFileSync(record, "utf8").trim() || undefined;
  const config = synapsePaths(dataDir).config;
  if (!existsSync(config)) return undefined;
  const name = (parseYaml(readFileSync(config, "utf8")) as { server_name?: unknown } | null)?.server_name;
  return typeof name === "string" ? name : undefined;
}

/** Refuses a changed server name; records the name of new (or not yet recorded) data. */
export function keepServerName(neighborhood: LoadedNeighborhood): void {
  const recorded = recordedServerName(neighborhood.dataDir);
  if (recorded !== undefined && recorded !== neighborhood.server_name) throw new ServerNameChanged(neighborhood, recorded);
  const record = serverNameRecord(neighborhood.dataDir);
  if (existsSync(record)) return;
  mkdirSync(neighborhood.dataDir, { recursive: true });
  writeFileSync(record, `${neighborhood.server_name}\n`, { mode: 0o644 });
}
