// The worker deployment as data: which workers exist, what each listens on, the settings the main
// process shares with all of them, and which upstream each request path goes to. Pure: files and
// processes are elsewhere.
import { join } from "node:path";
import type { WorkerPorts, WorkerSettings } from "./workersSchema.ts";
import { CLIENT_READER_ROUTES, FEDERATION_READER_ROUTES } from "./workerRoutes.ts";

export type WorkerName = "client_reader" | "federation_reader" | "event_persister" | "federation_sender" | "appservice_notifier";
type ListenerResource = "client" | "federation" | "replication" | "health";

interface WorkerRole {
  name: WorkerName;
  resources: ListenerResource[];
  /** Request paths the reverse proxy sends to this worker. */
  routes: readonly string[];
  /** Why this worker exists, for the generated file's header and the README. */
  purpose: string;
}

const ROLES: readonly WorkerRole[] = [
  { name: "client_reader", resources: ["client"], routes: CLIENT_READER_ROUTES, purpose: "sync, reads, registration and event creation for clients" },
  { name: "federation_reader", resources: ["federation"], routes: FEDERATION_READER_ROUTES, purpose: "inbound federation requests from neighboring blocks" },
  { name: "event_persister", resources: ["replication"], routes: [], purpose: "writes the events stream (stream_writers.events)" },
  { name: "federation_sender", resources: ["health"], routes: [], purpose: "sends events to neighboring blocks (federation_sender_instances)" },
  { name: "appservice_notifier", resources: ["health"], routes: [], purpose: "pushes transactions to the bots (notify_appservices_from_worker)" },
];

export interface WorkerProcess {
  name: WorkerName;
  purpose: string;
  port: number;
  metricsPort: number;
  routes: readonly string[];
  /** The worker's own file, passed after homeserver.yaml: `-c homeserver.yaml -c workers/NAME.yaml`. */
  config: Record<string, unknown>;
  configPath: string;
  logConfigPath: string;
  logPath: string;
}

export interface WorkerLayout {
  workers: WorkerProcess[];
  /** Layered over the generated homeserver.yaml (writeHomeserverConfig's extraConfig). */
  sharedConfig: Record<string, unknown>;
  mainHttpPort: number;
  mainHealthUrl: string;
}

export const REPLICATION_SECRET = "worker_replication_secret";

/**
 * `synapseDir` is DATA_DIR/synapse; `secretsDir` holds worker_replication_secret (writeWorkerConfigs
 * creates it). `metricsPort` is the main process's own metrics port, kept from the neighborhood.
 */
export function workerLayout(settings: WorkerSettings, dirs: { synapseDir: string; secretsDir: string }, metricsPort: number): WorkerLayout {
  const ports: WorkerPorts = settings.ports;
  const workers = ROLES.map((role, index): WorkerProcess => {
    const port = ports[role.name];
    const metricsPortOfWorker = ports.metrics_base + index;
    const logPath = join(dirs.synapseDir, "workers", `${role.name}.log`);
    return {
      name: role.name,
      purpose: role.purpose,
      port,
      metricsPort: metricsPortOfWorker,
      routes: role.routes,
      configPath: join(dirs.synapseDir, "workers", `${role.name}.yaml`),
      logConfigPath: join(dirs.synapseDir, "workers", `${role.name}.log.config.yaml`),
      logPath,
      config: {
        worker_app: "synapse.app.generic_worker",
        worker_name: role.name,
        worker_listeners: [
          // Everything binds 127.0.0.1: only the reverse proxy reaches workers; replication is never exposed.
          { type: "http", port, bind_addresses: ["127.0.0.1"], x_forwarded: true, resources: [{ names: role.resources }] },
          { type: "metrics", port: metricsPortOfWorker, bind_addresses: ["127.0.0.1"] },
        ],
        worker_log_config: join(dirs.synapseDir, "workers", `${role.name}.log.config.yaml`),
      },
    };
  });
  const replicationHost = "127.0.0.1";
  const sharedConfig: Record<string, unknown> = {
    listeners: [
      {
        port: ports.main_http,
        bind_addresses: ["127.0.0.1"],
        type: "http",
        tls: false,
        x_forwarded: true,
        resources: [{ names: ["client", "federation"], compress: false }],
      },
      { port: ports.main_replication, bind_addresses: ["127.0.0.1"], type: "http", tls: false, resources: [{ names: ["replication"] }] },
      { port: metricsPort, bind_addresses: ["127.0.0.1"], type: "metrics" },
    ],
    instance_map: {
      main: { host: replicationHost, port: ports.main_replication },
      event_persister: { host: replicationHost, port: ports.event_persister },
    },
    stream_writers: { events: ["event_persister"] },
    federation_sender_instances: ["federation_sender"],
    notify_appservices_from_worker: "appservice_notifier",
    redis: { enabled: true, host: settings.redis_host, port: settings.redis_port },
    // Replication is plain HTTP on loopback; the secret stops other local users from speaking it.
    worker_replication_secret_path: join(dirs.secretsDir, REPLICATION_SECRET),
  };
  return { workers, sharedConfig, mainHttpPort: ports.main_http, mainHealthUrl: `http://127.0.0.1:${ports.main_http}` };
}

/** Upstream name → backend address, and path regex → upstream, in the order the proxy must try them. */
export function workerRouting(layout: WorkerLayout): { upstreams: Record<string, string>; routes: Array<{ regex: string; upstream: string }> } {
  const upstreams: Record<string, string> = { synapse_main: `127.0.0.1:${layout.mainHttpPort}` };
  const routes: Array<{ regex: string; upstream: string }> = [];
  for (const worker of layout.workers) {
    if (worker.routes.length === 0) continue;
    upstreams[`synapse_${worker.name}`] = `127.0.0.1:${worker.port}`;
    for (const regex of worker.routes) routes.push({ regex, upstream: `synapse_${worker.name}` });
  }
  return { upstreams, routes };
}
