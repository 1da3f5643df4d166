// A neighborhood's worker layout and the homeserver.yaml settings that turn its Synapse into a main
// process with workers. Pure; the files are written by writeWorkerConfigs.
import type { LoadedNeighborhood } from "../loadNeighborhood.ts";
import { synapsePaths, type SynapsePaths } from "../synapseConfig.ts";
import type { DatabaseSettings } from "../database/databaseSchema.ts";
import { synapseDatabaseConfig } from "../database/synapseDatabase.ts";
import type { WorkerSettings } from "./workersSchema.ts";
import { workerLayout, type WorkerLayout } from "./workerLayout.ts";

export function layoutFor(neighborhood: LoadedNeighborhood, workers: WorkerSettings): WorkerLayout {
  const paths = synapsePaths(neighborhood.dataDir);
  return workerLayout(workers, { synapseDir: paths.dir, secretsDir: paths.secrets }, neighborhood.ports.synapse_metrics);
}

/** The homeserver.yaml overrides that turn a neighborhood into a main process with workers. */
export function workerOverrides(layout: WorkerLayout, database: DatabaseSettings, paths: SynapsePaths): Record<string, unknown> {
  if (database.engine !== "postgresql")
    throw new Error('Synapse workers need PostgreSQL: set database.engine to "postgresql" (and port an existing block with `port-db`)');
  return { ...layout.sharedConfig, database: synapseDatabaseConfig(database, paths.database) };
}
