// The worker deployment in the foreground: Redis, nginx routing each endpoint to its worker, Synapse's
// main process and workers on PostgreSQL, and the neighborhood itself brought up through the same
// startNeighborhood path as the single-process stack (the worker layout arrives as config overrides,
// and nginx listens on the neighborhood's client port where Synapse would otherwise).
import { join } from "node:path";
import { loadNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { synapsePaths, type SynapsePaths } from "../../homeserver-config/synapseConfig.ts";
import type { DatabaseSettings } from "../../homeserver-config/database/databaseSchema.ts";
import type { WorkerSettings } from "../../homeserver-config/workers/workersSchema.ts";
import type { WorkerLayout, WorkerProcess } from "../../homeserver-config/workers/workerLayout.ts";
import { layoutFor, workerOverrides } from "../../homeserver-config/workers/neighborhoodWorkers.ts";
import { writeWorkerConfigs } from "../../homeserver-config/workers/writeWorkerConfigs.ts";
import { startNeighborhood, type RunningNeighborhood, type StartOptions } from "../src/startNeighborhood.ts";
import { synapsePython } from "../src/synapseProcess.ts";
import { httpOk, startPrivateNginx, startPrivateRedis, startProcess, waitUntil, type RunningProcess } from "./childProcesses.ts";
import { localProxyNginxConfig } from "./nginxConfig.ts";

export interface WorkerDeploymentOptions extends StartOptions {
  database: DatabaseSettings;
  workers: WorkerSettings;
  /** Where the private nginx (and Redis, when `privateRedis`) keep their files. */
  runDir: string;
  /** Start a Redis for this stack on workers.redis_port instead of using the box's. */
  privateRedis: boolean;
}

export interface RunningWorkerNeighborhood {
  running: RunningNeighborhood;
  layout: WorkerLayout;
  workers: Map<string, RunningProcess>;
  /** The proxy's access log: one line per request, "path upstream_address". */
  accessLog: string;
  stop(): Promise<void>;
}

export async function startWorkerNeighborhood(file: string, options: WorkerDeploymentOptions): Promise<RunningWorkerNeighborhood> {
  const progress = options.progress ?? (() => {});
  const neighborhood = loadNeighborhood(file);
  const paths = synapsePaths(neighborhood.dataDir);
  const layout = layoutFor(neighborhood, options.workers);
  const overrides = workerOverrides(layout, options.database, paths);
  writeWorkerConfigs(layout, paths);

  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error) => console.error(`while stopping: ${error}`));
  };
  const workers = new Map<string, RunningProcess>();
  try {
    if (options.privateRedis) {
      progress(`Starting Redis on 127.0.0.1:${options.workers.redis_port}`);
      const redis = await startPrivateRedis(options.workers.redis_port, join(options.runDir, "redis"));
      stops.push(() => redis.stop());
    }
    progress(`Starting nginx on 127.0.0.1:${neighborhood.ports.client}, routing to the workers`);
    const accessLog = join(options.runDir, "nginx", "logs", "access.log");
    const nginx = await startPrivateNginx(
      join(options.runDir, "nginx"),
      localProxyNginxConfig({ prefix: join(options.runDir, "nginx"), listen: `127.0.0.1:${neighborhood.ports.client}`, layout, accessLog }),
      `http://127.0.0.1:${neighborhood.ports.client}/nginx-ready`,
    );
    stops.push(() => nginx.stop());

    // Workers start once the main process has prepared the database; until each is up, nginx sends its
    // requests to the main process (a `backup` upstream), and the main process retries replication calls.
    const abort = new AbortController();
    const launched = launchWorkersWhenMainIsUp(layout, paths, workers, progress, abort.signal);
    stops.push(async () => {
      abort.abort();
      await launched.catch(() => {});
      await Promise.all([...workers.values()].map((worker) => worker.stop()));
    });
    const running = await startNeighborhood(file, { ...options, synapseOverrides: { ...options.synapseOverrides, ...overrides } });
    stops.push(() => running.stop());
    await launched;
    return { running, layout, workers, accessLog, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function launchWorkersWhenMainIsUp(
  layout: WorkerLayout,
  paths: SynapsePaths,
  into: Map<string, RunningProcess>,
  progress: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (!(await httpOk(`${layout.mainHealthUrl}/health`).catch(() => false))) {
    if (signal.aborted) return;
    if (Date.now() > deadline) throw new Error("the main Synapse process never became healthy; workers not started");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  progress(`Starting ${layout.workers.length} Synapse workers: ${layout.workers.map((w) => w.name).join(", ")}`);
  await Promise.all(layout.workers.map(async (worker) => into.set(worker.name, await startWorker(worker, paths))));
}

export async function startWorker(worker: WorkerProcess, paths: SynapsePaths): Promise<RunningProcess> {
  const { running, stderrTail } = startProcess(
    worker.name,
    synapsePython(),
    ["-m", "synapse.app.generic_worker", "--config-path", paths.config, "--config-path", worker.configPath],
    { cwd: paths.dir },
  );
  await waitUntil(
    `the ${worker.name} worker`,
    () => httpOk(`http://127.0.0.1:${worker.port}/health`),
    running.exited,
    () => `${stderrTail()}\n(see ${worker.logPath})`,
  );
  return running;
}
