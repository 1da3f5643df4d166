// The block's long-running services as data: the ONE description both the systemd units and the compose
// file are rendered from, so the two cannot drift.
import { HOST_NODE_FLAGS } from "../../appservices/src/hostRuntime.ts";
import { join } from "node:path";
import type { LoadedNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { synapsePaths } from "../../homeserver-config/synapseConfig.ts";
import type { WorkerLayout } from "../../homeserver-config/workers/workerLayout.ts";

export interface InstallLayout {
  /** Where BlockShare's code is installed, e.g. /opt/blockshare. */
  prefix: string;
  /** The system user every service runs as. */
  user: string;
  node: string;
  synapsePython: string;
  neighborhoodFile: string;
}

export type ServiceKind = "synapse" | "appservices" | "mesh-monitor";

export interface ServiceSpec {
  name: string;
  kind: ServiceKind;
  description: string;
  command: string[];
  workingDirectory: string;
  /** The only paths the service may write. */
  writablePaths: string[];
  /** Other services (by name) to start first. */
  after: string[];
  /** 127.0.0.1 ports it listens on, for health checks and Prometheus. */
  ports: number[];
  /** Extra environment variables (systemd `Environment=`, compose `environment:`). */
  environment?: Record<string, string>;
  /** The container image for the compose file. */
  image: string;
  /**
   * Restart the service when this file changes: Synapse reads its configuration (the pact's federation
   * whitelist) only at start, and serve-bots rewrites it when the pact changes. systemd only; with
   * compose, restart by hand.
   */
  restartWhenChanged?: string;
}

export function productionServices(neighborhood: LoadedNeighborhood, install: InstallLayout, synapseVersion: string, workers?: WorkerLayout): ServiceSpec[] {
  const paths = synapsePaths(neighborhood.dataDir);
  const nodeImage = "node:24-bookworm-slim";
  const synapseImage = `matrixdotorg/synapse:v${synapseVersion}`;
  const synapse: ServiceSpec = {
    name: "blockshare-synapse",
    kind: "synapse",
    description: `Synapse homeserver for ${neighborhood.name}`,
    command: [install.synapsePython, "-m", "synapse.app.homeserver", "--config-path", paths.config],
    workingDirectory: paths.dir,
    writablePaths: [neighborhood.dataDir],
    after: ["blockshare-appservices"],
    ports: workers ? [workers.mainHttpPort] : [neighborhood.ports.client],
    image: synapseImage,
    restartWhenChanged: paths.config,
  };
  const workerServices: ServiceSpec[] = (workers?.workers ?? []).map((worker) => ({
    name: `blockshare-synapse-${worker.name.replaceAll("_", "-")}`,
    kind: "synapse",
    description: `Synapse worker ${worker.name}: ${worker.purpose}`,
    command: [install.synapsePython, "-m", "synapse.app.generic_worker", "--config-path", paths.config, "--config-path", worker.configPath],
    workingDirectory: paths.dir,
    writablePaths: [neighborhood.dataDir],
    after: ["blockshare-synapse"],
    ports: [worker.port],
    image: synapseImage,
    restartWhenChanged: paths.config,
  }));
  return [
    {
      name: "blockshare-appservices",
      kind: "appservices",
      description: `BlockShare bots for ${neighborhood.name}`,
      command: [install.node, ...HOST_NODE_FLAGS, join(install.prefix, "deploy", "src", "cli.ts"), "serve-bots", "--config", install.neighborhoodFile],
      workingDirectory: install.prefix,
      writablePaths: [neighborhood.dataDir],
      after: [],
      ports: [neighborhood.ports.appservice],
      image: nodeImage,
    },
    synapse,
    ...workerServices,
    {
      name: "blockshare-mesh-monitor",
      kind: "mesh-monitor",
      description: `Mesh monitor for ${neighborhood.name}`,
      // --expose-gc: after a large poll the monitor hands freed memory back (mesh-monitor/src/monitorRuntime.ts).
      command: [install.node, "--expose-gc", join(install.prefix, "deploy", "src", "cli.ts"), "serve-monitor", "--config", install.neighborhoodFile],
      workingDirectory: install.prefix,
      writablePaths: [join(neighborhood.dataDir, "mesh-monitor")],
      after: ["blockshare-appservices"],
      ports: [neighborhood.ports.mesh_map],
      // Two malloc arenas instead of one per thread: ~10 MB less resident on a small box (bench: monitor_rss_mb_10k).
      environment: { MALLOC_ARENA_MAX: "2" },
      image: nodeImage,
    },
  ];
}
