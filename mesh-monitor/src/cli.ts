#!/usr/bin/env node
// mesh-monitor: collect router telemetry, evaluate the alert rules, serve the map and /metrics, and
// send alerts to the appservice host. `node mesh-monitor/src/cli.ts --help` for the options.
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { BabelDumpSource, BabelMonitorSource, type BabelAddress } from "./collectors/babelSocketSource.ts";
import { isFormatName, formatNames } from "./collectors/formats.ts";
import { HttpPollSource } from "./collectors/httpPollSource.ts";
import { RejectionCounter } from "./collectors/rejectionCounter.ts";
import { TelemetryError } from "./collectors/telemetryError.ts";
import { MeshMetrics } from "./metrics/meshMetrics.ts";
import { WebhookSender } from "./alerts/webhookSender.ts";
import { MeshMonitor, type PolledSource } from "./monitor.ts";
import { memoryReleaser } from "./monitorRuntime.ts";
import { parseRulesConfig, RulesConfigError, type RulesConfig } from "./rules/config.ts";
import { startMonitorServer } from "./server/httpServer.ts";
import { parseSimulationConfig, SimulatedMesh } from "./simulation/simulatedMesh.ts";
import { isJsonObject } from "../../common/jsonObject.ts";

const help = `mesh-monitor — watches the block's mesh and tells neighbors when it breaks

Usage:
  node mesh-monitor/src/cli.ts --config mesh-monitor.yaml
  node mesh-monitor/src/cli.ts --simulate            a pretend 7-node mesh, no routers needed

Options:
  --config <file>    YAML configuration (see mesh-monitor/README.md, "Pointing it at real routers")
  --simulate         add the simulated mesh as a source (alone when there is no --config), with
                     demo timings: 10 s collections, a link that degrades after 60 s and recovers
  --host <address>   listen address (default 127.0.0.1, or listen.host from the config)
  --port <number>    listen port (default 9464, or listen.port from the config)
  --check            validate the configuration, print it, and exit
  --help             this text

Serves: / (the map), /api/state, /metrics, /health, POST /api/push/netjson.
For a large mesh (thousands of nodes) start it as
  MALLOC_ARENA_MAX=2 node --expose-gc mesh-monitor/src/cli.ts …
so it hands memory back after each poll (see mesh-monitor/src/monitorRuntime.ts).
Alerts go to alerts.url in Alertmanager's webhook format (Authorization: Bearer from alerts.tokenFile);
they link to externalURL#alert=<id> (set it to the map's address as neighbors open it). The simulated
mesh's alerts say "Simulation" and are for the operator (simulatedAlerts: operator, or room).`;

export class ConfigError extends Error {
  override name = "ConfigError";
}

interface SourceConfig {
  type: string;
  [key: string]: unknown;
}

export interface MonitorConfig {
  listen: { host: string; port: number };
  /** The block's name for the map; without it the map is called "Mesh map" in each language. */
  title?: string;
  /** The block's name: the map is called "<name> mesh" / "Red de <name>" in each language (a `title` wins). */
  blockName?: string;
  externalURL?: string;
  intervalSeconds: number;
  sources: SourceConfig[];
  push: { token?: string; maxBytes: number };
  alerts?: { url: string; token?: string; queueLimit: number };
  rules: RulesConfig;
  simulation?: unknown;
  /** Where the rule state is kept across restarts (a JSON file), when set; the map's recent alerts
   * are kept beside it (recent-alerts.json). */
  stateFile?: string;
  /** Who the simulated mesh's alerts are for: "operator" (default) or "room". */
  simulatedAlerts: "operator" | "room";
}

type Raw = Record<string, unknown>;

function readToken(file: unknown, key: string): string | undefined {
  if (file === undefined) return undefined;
  if (typeof file !== "string") throw new ConfigError(`${key} must be a file path`);
  try {
    const token = readFileSync(file, "utf8").trim();
    if (token === "") throw new ConfigError(`${key}: ${file} is empty`);
    return token;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`${key}: cannot read ${file} (${(error as Error).message})`);
  }
}

function port(value: unknown, key: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 65535)
    throw new ConfigError(`${key} is ${JSON.stringify(value)}; expected a port number 0–65535`);
  return value;
}

const knownTopKeys = [
  "listen",
  "title",
  "blockName",
  "externalURL",
  "intervalSeconds",
  "sources",
  "push",
  "alerts",
  "rules",
  "simulation",
  "stateFile",
  "simulatedAlerts",
];

/** The YAML document (already parsed) → checked configuration, with errors naming the key. */
export function parseMonitorConfig(raw: unknown, simulate: boolean): MonitorConfig {
  const doc: Raw =
    raw === undefined || raw === null
      ? {}
      : isJsonObject(raw)
        ? raw
        : (() => {
            throw new ConfigError("the configuration must be a YAML mapping");
          })();
  for (const key of Object.keys(doc)) if (!knownTopKeys.includes(key)) throw new ConfigError(`unknown setting "${key}"; known: ${knownTopKeys.join(", ")}`);
  const listen = isJsonObject(doc.listen) ? doc.listen : {};
  const intervalSeconds = doc.intervalSeconds ?? (simulate ? 10 : 60);
  if (typeof intervalSeconds !== "number" || !(intervalSeconds > 0))
    throw new ConfigError(`intervalSeconds is ${JSON.stringify(intervalSeconds)}; expected seconds > 0`);
  const rulesRaw: Raw = isJsonObject(doc.rules)
    ? { ...doc.rules }
    : doc.rules === undefined
      ? {}
      : (() => {
          throw new ConfigError("rules must be a mapping");
        })();
  rulesRaw.collectionIntervalSeconds ??= intervalSeconds;
  if (simulate && doc.rules === undefined) {
    // Demo timings: the neighbours should see an alert within minutes, not after the real hold times.
    Object.assign(rulesRaw, {
      linkDegraded: { enterForSeconds: 30, leaveForSeconds: 30 },
      nodeDown: { silenceSeconds: 60, resolveAfterSeconds: 20 },
      linkLost: { forSeconds: 20, resolveAfterSeconds: 60 },
    });
  }
  let rules: RulesConfig;
  try {
    rules = parseRulesConfig(rulesRaw);
  } catch (error) {
    if (error instanceof RulesConfigError) throw new ConfigError(error.message);
    throw error;
  }
  const sources = doc.sources ?? [];
  if (!Array.isArray(sources) || !sources.every((source) => isJsonObject(source) && typeof source.type === "string")) {
    throw new ConfigError(`sources must be a list of mappings, each with a type (${Object.keys(sourceBuilders).join(", ")})`);
  }
  sources.forEach((source, i) => {
    if (!Object.hasOwn(sourceBuilders, source.type as string))
      throw new ConfigError(`sources[${i}].type is "${String(source.type)}"; known: ${Object.keys(sourceBuilders).join(", ")}`);
  });
  const push = isJsonObject(doc.push) ? doc.push : {};
  const alerts =
    doc.alerts === undefined
      ? undefined
      : isJsonObject(doc.alerts)
        ? doc.alerts
        : (() => {
            throw new ConfigError("alerts must be a mapping with url and tokenFile");
          })();
  if (alerts !== undefined && (typeof alerts.url !== "string" || !/^https?:\/\//.test(alerts.url)))
    throw new ConfigError(`alerts.url is ${JSON.stringify(alerts.url)}; expected http(s)://…/_blockshare/webhooks/mesh/alerts`);
  const listenConfig = {
    host: typeof listen.host === "string" ? listen.host : "127.0.0.1",
    port: listen.port === undefined ? 9464 : port(listen.port, "listen.port"),
  };
  if (doc.stateFile !== undefined && (typeof doc.stateFile !== "string" || doc.stateFile === ""))
    throw new ConfigError(`stateFile is ${JSON.stringify(doc.stateFile)}; expected a file path such as data/mesh-monitor/rule-state.json`);
  if (doc.externalURL !== undefined && (typeof doc.externalURL !== "string" || !/^https?:\/\/[^\s/]+/.test(doc.externalURL))) {
    throw new ConfigError(`externalURL is ${JSON.stringify(doc.externalURL)}; expected the map's address as neighbors open it, e.g. http://10.0.0.5:9464/`);
  }
  const simulatedAlerts = doc.simulatedAlerts ?? "operator";
  if (simulatedAlerts !== "operator" && simulatedAlerts !== "room")
    throw new ConfigError(`simulatedAlerts is ${JSON.stringify(simulatedAlerts)}; expected operator or room`);
  const pushToken = readToken(push.tokenFile, "push.tokenFile");
  const alertToken = alerts === undefined ? undefined : readToken(alerts.tokenFile, "alerts.tokenFile");
  return {
    listen: listenConfig,
    ...(typeof doc.title === "string" ? { title: doc.title } : {}),
    ...(typeof doc.blockName === "string" ? { blockName: doc.blockName } : {}),
    ...(typeof doc.externalURL === "string" ? { externalURL: doc.externalURL } : {}),
    intervalSeconds,
    sources: sources as SourceConfig[],
    push: { ...(pushToken !== undefined ? { token: pushToken } : {}), maxBytes: typeof push.maxBytes === "number" ? push.maxBytes : 1024 * 1024 },
    ...(alerts !== undefined
      ? {
          alerts: {
            url: alerts.url as string,
            ...(alertToken !== undefined ? { token: alertToken } : {}),
            queueLimit: typeof alerts.queueLimit === "number" ? alerts.queueLimit : 1000,
          },
        }
      : {}),
    rules,
    ...(doc.simulation !== undefined ? { simulation: doc.simulation } : {}),
    ...(typeof doc.stateFile === "string" ? { stateFile: doc.stateFile } : {}),
    simulatedAlerts,
  };
}

interface BuildContext {
  rejections: RejectionCounter;
  index: number;
  /** An event-fed source saw a change: evaluate now rather than at the next poll. */
  changed: () => void;
}

const optionalString = (source: SourceConfig, key: string, where: string): string | undefined => {
  const value = source[key];
  if (value !== undefined && typeof value !== "string") throw new ConfigError(`${where}.${key} must be text`);
  return value;
};

const timeoutMs = (source: SourceConfig, where: string): number | undefined => {
  const value = source.timeoutSeconds;
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !(value > 0)) throw new ConfigError(`${where}.timeoutSeconds must be seconds > 0`);
  return value * 1000;
};

function babelAddress(source: SourceConfig, where: string): BabelAddress {
  if (typeof source.socket === "string") return { path: source.socket };
  if (typeof source.port === "number") return { port: source.port, ...(typeof source.host === "string" ? { host: source.host } : {}) };
  throw new ConfigError(`${where} needs socket: <unix socket path> (babeld local-path-readwrite) or port: <n> (babeld -G/-g port)`);
}

/** Source type → how to build it. Adding a source type is adding an entry. */
const sourceBuilders: Record<string, (source: SourceConfig, context: BuildContext) => PolledSource> = {
  simulated: (source) => new SimulatedMesh(parseSimulationConfig(Object.fromEntries(Object.entries(source).filter(([key]) => key !== "type")))),
  babeld: (source, { rejections, index, changed }) => {
    const where = `sources[${index}]`;
    const name = optionalString(source, "name", where);
    const options = {
      address: babelAddress(source, where),
      rejections,
      ...(name !== undefined ? { source: name } : {}),
      ...(timeoutMs(source, where) !== undefined ? { timeoutMs: timeoutMs(source, where) } : {}),
    };
    if (source.stream === true) {
      // `monitor` stream: changes arrive as they happen and trigger an evaluation at once (debounced);
      // each cycle reads the current view.
      const stream = new BabelMonitorSource({ ...options, onChange: changed, onConnection: changed });
      stream.start();
      return { source: stream.source, poll: () => Promise.resolve(stream.report()), current: () => stream.report(), stop: () => stream.stop() };
    }
    const dump = new BabelDumpSource(options);
    return { source: dump.source, poll: () => dump.poll() };
  },
  http: (source, { rejections, index }) => {
    const where = `sources[${index}]`;
    const format = source.format;
    if (typeof format !== "string" || !isFormatName(format))
      throw new ConfigError(`${where}.format is ${JSON.stringify(format)}; known: ${formatNames.join(", ")}`);
    const url = source.url;
    if (typeof url !== "string" || !/^https?:\/\//.test(url)) throw new ConfigError(`${where}.url must be an http(s) URL`);
    const name = optionalString(source, "name", where);
    const nodeId = optionalString(source, "nodeId", where);
    const poller = new HttpPollSource({
      url,
      format,
      rejections,
      ...(name !== undefined ? { source: name } : {}),
      ...(nodeId !== undefined ? { formatOptions: { nodeId }, reporterNodeId: nodeId } : {}),
      ...(timeoutMs(source, where) !== undefined ? { timeoutMs: timeoutMs(source, where) } : {}),
    });
    return { source: poller.source, poll: () => poller.poll() };
  },
};

export function buildSources(config: MonitorConfig, simulate: boolean, rejections: RejectionCounter, changed: () => void = () => {}): PolledSource[] {
  const sources = config.sources.map((source, index) => sourceBuilders[source.type]!(source, { rejections, index, changed }));
  if (simulate && !sources.some((source) => source.source === "simulation")) sources.push(new SimulatedMesh(parseSimulationConfig(config.simulation)));
  return sources;
}

/** Without externalURL, alerts link to where the map listens — unless that is every address
 * (0.0.0.0, ::), which no browser opens: then this machine's host name, with a hint. */
function reachableUrl(serverUrl: string, host: string, log: (message: string) => void): string {
  if (host !== "0.0.0.0" && host !== "::") return `${serverUrl}/`;
  const url = new URL(serverUrl);
  url.hostname = hostname();
  log(`mesh-monitor: alerts link to ${url.href}; set externalURL to the address neighbors open the map at if that is not it`);
  return url.href;
}

export interface RunningMonitor {
  /** Where it listens. */
  url: string;
  /** The map as neighbors open it: what alert messages link to. */
  mapUrl: string;
  monitor: MeshMonitor;
  stop(): Promise<void>;
}

/** Starts everything; used by the CLI and by tests that want the real assembly. */
export async function runMonitor(
  config: MonitorConfig,
  simulate: boolean,
  log: (message: string) => void = (message) => console.log(message),
): Promise<RunningMonitor> {
  const rejections = new RejectionCounter();
  const metrics = new MeshMetrics(() => rejections.entries());
  const sender =
    config.alerts === undefined
      ? undefined
      : new WebhookSender({
          url: config.alerts.url,
          ...(config.alerts.token !== undefined ? { token: config.alerts.token } : {}),
          queueLimit: config.alerts.queueLimit,
          log,
        });
  let monitor: MeshMonitor | undefined;
  const release = memoryReleaser();
  const sources = buildSources(config, simulate, rejections, () => monitor?.requestEvaluation());
  let externalURL = config.externalURL ?? `http://${config.listen.host}:${config.listen.port}/`;
  monitor = new MeshMonitor({
    sources,
    rules: config.rules,
    ...(config.stateFile !== undefined ? { stateFile: config.stateFile, recentAlertsFile: join(dirname(config.stateFile), "recent-alerts.json") } : {}),
    simulatedAlertsTo: config.simulatedAlerts,
    ...(sender !== undefined ? { sender } : {}),
    get externalURL() {
      return externalURL;
    },
    receiver: "blockshare-mesh",
    log,
    // The view's nodes carry the rules' verdict (status), which mesh_node_up reports.
    onCycle: (cycle) => metrics.update({ state: cycle.view }),
    ...(release !== undefined ? { releaseMemory: release } : {}),
  });
  const server = await startMonitorServer({
    monitor,
    metrics,
    host: config.listen.host,
    port: config.listen.port,
    ...(config.push.token !== undefined ? { pushToken: config.push.token } : {}),
    maxPushBytes: config.push.maxBytes,
    ...(config.title !== undefined ? { title: config.title } : {}),
    ...(config.blockName !== undefined ? { blockName: config.blockName } : {}),
    onPushRejected: (reason, message) =>
      rejections.record("push:netjson", new TelemetryError(reason === "unauthorized" ? "protocol" : reason, message, "see POST /api/push/netjson")),
  });
  externalURL = config.externalURL ?? reachableUrl(server.url, config.listen.host, log);
  monitor.start(config.intervalSeconds * 1000);
  log(
    `mesh-monitor: map and /metrics at ${server.url}/ — ${sources.length} source(s): ${sources.map((source) => source.source).join(", ") || "none (push only)"}`,
  );
  if (sender === undefined) log("mesh-monitor: no alerts.url configured; alerts show on the map only");
  return {
    url: server.url,
    mapUrl: externalURL,
    monitor,
    stop: async () => {
      await monitor.stop();
      await server.close();
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: "string" },
      simulate: { type: "boolean", default: false },
      host: { type: "string" },
      port: { type: "string" },
      check: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(help);
    return;
  }
  if (values.config === undefined && !values.simulate) {
    console.error("mesh-monitor: give --config <file> or --simulate (see --help)");
    process.exitCode = 2;
    return;
  }
  let config: MonitorConfig;
  try {
    const raw = values.config === undefined ? undefined : parseYaml(readFileSync(values.config, "utf8"));
    config = parseMonitorConfig(raw, values.simulate);
    if (values.host !== undefined) config.listen.host = values.host;
    if (values.port !== undefined) config.listen.port = port(Number(values.port), "--port");
  } catch (error) {
    console.error(`mesh-monitor: configuration problem: ${(error as Error).message}`);
    process.exitCode = 2;
    return;
  }
  if (values.check) {
    console.log(
      JSON.stringify(
        {
          ...config,
          push: { ...config.push, token: config.push.token ? "(set)" : undefined },
          alerts: config.alerts ? { ...config.alerts, token: config.alerts.token ? "(set)" : undefined } : undefined,
        },
        null,
        2,
      ),
    );
    return;
  }
  const running = await runMonitor(config, values.simulate);
  const shutdown = (): void => {
    void running.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

if (import.meta.main) await main();
