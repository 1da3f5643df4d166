// `run` as a small supervisor, like systemd on a production box: Synapse (with its workers and a local
// nginx when workers are on), the bots (`serve-bots`) and the mesh monitor (`serve-monitor`) each run as
// a child process, restarted when it dies unexpectedly; Synapse is restarted when its configuration
// changes (a pact change rewrites homeserver.yaml, as the path unit does in production). Every child
// ends with `run`, even when `run` is SIGKILLed (diesWithParent.ts). DATA_DIR/run/processes.json says
// who is running.
import { performance } from "node:perf_hooks";
import { execFile, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { readFileSync, unwatchFile, watchFile } from "node:fs";
import { join } from "node:path";
import type { LoadedNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { MONITOR_NODE_FLAGS } from "../../mesh-monitor/src/monitorRuntime.ts";
import { HOST_NODE_FLAGS } from "../../appservices/src/hostRuntime.ts";
import { layoutFor } from "../../homeserver-config/workers/neighborhoodWorkers.ts";
import { startPrivateNginx } from "../production/childProcesses.ts";
import { localProxyNginxConfig } from "../production/nginxConfig.ts";
import { watchClockSteps } from "./clockSteps.ts";
import { httpsChangedSinceStart } from "./blockCertificate.ts";
import { removeProcessRecord, writeProcessRecord, type ProcessIds } from "./processRecord.ts";
import type { BotsReady, MonitorReady } from "./serviceCommands.ts";
import { synapsePaths } from "../../homeserver-config/synapseConfig.ts";
import { localClientUrl, synapsePython } from "./synapseProcess.ts";
import { describeExit, logTail, superviseProcess, type ExitInfo, type SupervisedProcess, type SupervisedSpec } from "./supervisedProcess.ts";
import { lowerAppserviceToDevicePosition } from "./appserviceStreamRepair.ts";

const cli = join(import.meta.dirname, "cli.ts");

export interface SupervisedBlock {
  synapse: SupervisedProcess<void>;
  bots: SupervisedProcess<BotsReady>;
  monitor: SupervisedProcess<MonitorReady>;
  /** Where each part's output goes. */
  logDir: string;
  /** Resolves when Synapse kept dying: nothing works without it, so `run` stops. */
  failed: Promise<string>;
  stop(): Promise<void>;
}

export class StartFailed extends Error {}

/**
 * Starts the parts in order (Synapse, bots, monitor), each once it can work. A part that fails to start
 * stops those already started and rejects with what it said; so does a stop request (Ctrl-C) mid-start.
 */
export async function superviseBlock(neighborhood: LoadedNeighborhood, say: (line: string) => void, stopRequested: AbortSignal): Promise<SupervisedBlock> {
  const logDir = join(neighborhood.dataDir, "run");
  const pids: ProcessIds = { run: process.pid };
  const record = (name: string) => (pid: number) => {
    pids[name] = pid;
    writeProcessRecord(neighborhood.dataDir, pids);
  };
  record("run")(process.pid);
  const hooks = (name: string) => ({ onStart: record(name), report: say, stopping: stopRequested });
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error) => console.error(`while stopping: ${error}`));
    removeProcessRecord(neighborhood.dataDir);
  };
  const started = <T extends { stop(): Promise<void> }>(part: T): T => {
    stops.push(() => part.stop());
    return part;
  };

  try {
    // Synapse's configuration and signing key, written by `configure` in a process of its own (as `install`
    // does): what writes it carries the bots' libraries, which this process, only supervising, does not.
    await promisify(execFile)(process.execPath, [cli, "configure", "--config", neighborhood.file], { timeout: 120_000 }).catch(
      (error: { stderr?: string; message: string }) => {
        throw new StartFailed(`Synapse's configuration could not be written: ${error.stderr?.trim() || error.message}`);
      },
    );
    const paths = synapsePaths(neighborhood.dataDir);
    const synapseStderr = join(logDir, "synapse.log");
    const synapseSpec = (label: string, module: string, args: string[], healthUrl: string, logFile: string): SupervisedSpec<void> => ({
      label,
      command: synapsePython(),
      args: ["-m", module, ...args],
      cwd: paths.dir,
      logFile,
      logsToRead: `${paths.log} and ${logFile}`,
      ready: (child, exited) => httpReady(label, `${healthUrl}/health`, child, exited, logFile, 180_000, stopRequested),
    });

    let workerParts: SupervisedProcess<void>[] = [];
    let synapse: SupervisedProcess<void>;
    if (!neighborhood.workers.enabled) {
      say("Starting Synapse");
      lowerAppserviceToDevicePosition(paths.database);
      synapse = started(
        await superviseProcess(
          synapseSpec("Synapse", "synapse.app.homeserver", ["--config-path", paths.config], localClientUrl(neighborhood), synapseStderr),
          hooks("synapse"),
        ),
      );
    } else {
      say("Starting Synapse with workers (PostgreSQL and Redis must be running: deploy/production/ensureServices.sh)");
      const layout = layoutFor(neighborhood, neighborhood.workers);
      const prefix = join(logDir, "nginx");
      const nginx = started(
        await startPrivateNginx(
          prefix,
          localProxyNginxConfig({ prefix, listen: `127.0.0.1:${neighborhood.ports.client}`, layout, accessLog: join(prefix, "logs", "access.log") }),
          `http://127.0.0.1:${neighborhood.ports.client}/nginx-ready`,
        ),
      );
      record("nginx")(nginx.pid);
      synapse = started(
        await superviseProcess(
          synapseSpec("Synapse", "synapse.app.homeserver", ["--config-path", paths.config], layout.mainHealthUrl, synapseStderr),
          hooks("synapse"),
        ),
      );
      say(`Starting ${layout.workers.length} Synapse workers: ${layout.workers.map((worker) => worker.name).join(", ")}`);
      workerParts = await Promise.all(
        layout.workers.map(async (worker) =>
          started(
            await superviseProcess(
              synapseSpec(
                `the Synapse worker ${worker.name}`,
                "synapse.app.generic_worker",
                ["--config-path", paths.config, "--config-path", worker.configPath],
                `http://127.0.0.1:${worker.port}`,
                join(logDir, `synapse-${worker.name}.log`),
              ),
              hooks(`synapse-${worker.name}`),
            ),
          ),
        ),
      );
    }
    stops.push(restartOnConfigChange(paths.config, [synapse, ...workerParts], say, () => httpsChangedSinceStart(neighborhood)));
    stops.push(restartOnClockStepBack([synapse, ...workerParts], say).stop);

    say(`Starting the bots (log: ${join(logDir, "bots.log")})`);
    const bots = started(
      await superviseProcess<BotsReady>(
        {
          label: "the bots",
          command: process.execPath,
          args: [...HOST_NODE_FLAGS, cli, "serve-bots", "--config", neighborhood.file],
          logFile: join(logDir, "bots.log"),
          ipc: true,
          ready: (child, exited) => ipcReady<BotsReady>("the bots", "bots", child, exited, join(logDir, "bots.log"), 300_000, stopRequested),
        },
        hooks("bots"),
      ),
    );

    say(
      neighborhood.mesh_monitor.config
        ? "Starting the mesh monitor"
        : "Starting the mesh monitor on a simulated mesh (set mesh_monitor.config for real routers)",
    );
    const monitor = started(
      await superviseProcess<MonitorReady>(
        {
          label: "the mesh monitor",
          command: process.execPath,
          args: [...MONITOR_NODE_FLAGS, cli, "serve-monitor", "--config", neighborhood.file],
          // Two malloc arenas instead of one per thread, as under systemd (serviceDescription.ts).
          env: { ...process.env, MALLOC_ARENA_MAX: "2" },
          logFile: join(logDir, "monitor.log"),
          ipc: true,
          ready: (child, exited) => ipcReady<MonitorReady>("the mesh monitor", "monitor", child, exited, join(logDir, "monitor.log"), 120_000, stopRequested),
        },
        hooks("monitor"),
      ),
    );

    return { synapse, bots, monitor, logDir, failed: Promise.race([synapse.gaveUp, ...workerParts.map((part) => part.gaveUp)]), stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Synapse reads homeserver.yaml only at start: a rewritten one (the pact changed) restarts it. */
function restartOnConfigChange(
  config: string,
  readers: SupervisedProcess<void>[],
  say: (line: string) => void,
  afterRestart?: () => string | undefined,
): () => Promise<void> {
  let applied = readFileSync(config, "utf8");
  let restarts = Promise.resolve();
  const onChange = () => {
    restarts = restarts.then(async () => {
      const now = readFileSync(config, "utf8");
      if (now === applied) return;
      applied = now;
      say("Synapse's configuration changed (homeserver.yaml rewritten, e.g. for a pact change); restarting Synapse");
      for (const reader of readers)
        await reader.restart().catch((error) => say(`Restarting ${reader.label} failed: ${(error as Error).message.split("\n")[0]}`));
      const note = afterRestart?.();
      if (note) say(note);
    });
  };
  watchFile(config, { interval: 500 }, onChange);
  return async () => {
    unwatchFile(config, onChange);
    await restarts;
  };
}

/** Synapse's timers follow the wall clock (clockSteps.ts): after a step back, a restart reschedules them. */
function restartOnClockStepBack(synapseParts: SupervisedProcess<void>[], say: (line: string) => void) {
  let restarts = Promise.resolve();
  const watch = watchClockSteps((stepMs) => {
    restarts = restarts.then(async () => {
      say(`The clock went back ${describeStep(stepMs)}; restarting Synapse so that its retries and timers are not put off by as much`);
      for (const part of synapseParts)
        await part.restart().catch((error) => say(`Restarting ${part.label} failed: ${(error as Error).message.split("\n")[0]}`));
    });
  });
  return { stop: async () => (await watch.stop(), await restarts) };
}

function describeStep(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes < 120 ? `${minutes} minutes` : `${Math.round(minutes / 60)} hours`;
}

function failedToStart(label: string, why: string, logFile: string): StartFailed {
  const tail = logTail(logFile);
  return new StartFailed(`${label} did not start: ${why}.\n${tail ? `It said (from ${logFile}):\n${tail}` : `See ${logFile}.`}`);
}

/** Ready once `url` answers 200; fails if the child exits first, takes longer than `timeoutMs`, or a stop is requested. */
async function httpReady(
  label: string,
  url: string,
  child: ChildProcess,
  exited: Promise<ExitInfo>,
  logFile: string,
  timeoutMs: number,
  stop: AbortSignal,
): Promise<void> {
  let exit: ExitInfo | undefined;
  void exited.then((info) => (exit = info));
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (stop.aborted) throw new StartFailed("stopped while starting");
    if (exit) throw failedToStart(label, `it stopped while starting (${describeExit(exit)})`, logFile);
    const up = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (up && child.exitCode === null) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw failedToStart(label, `it did not answer on ${url} within ${Math.round(timeoutMs / 1000)} s`, logFile);
}

/** Ready when the Node child sends `{ ready: kind, … }` over its IPC channel. */
function ipcReady<Info>(
  label: string,
  kind: string,
  child: ChildProcess,
  exited: Promise<ExitInfo>,
  logFile: string,
  timeoutMs: number,
  stop: AbortSignal,
): Promise<Info> {
  return new Promise<Info>((resolve, reject) => {
    const timer = setTimeout(() => reject(failedToStart(label, `it was not ready within ${Math.round(timeoutMs / 1000)} s`, logFile)), timeoutMs);
    const onStop = () => reject(new StartFailed("stopped while starting"));
    stop.addEventListener("abort", onStop, { once: true });
    const done = () => (clearTimeout(timer), stop.removeEventListener("abort", onStop));
    child.on("message", (message: { ready?: string }) => {
      if (message?.ready === kind) done(), resolve(message as Info);
    });
    void exited.then((exit) => (done(), reject(failedToStart(label, `it stopped while starting (${describeExit(exit)})`, logFile))));
  });
}
