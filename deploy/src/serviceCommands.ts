// The commands a production box's services run (deploy/production/serviceDescription.ts): systemd or
// compose runs Synapse and its workers; these run BlockShare's own parts in the foreground.
//   configure     write Synapse's configuration (and the workers') from the neighborhood file, then exit
//   serve-bots    the appservice host: provisions bots and rooms once Synapse answers, follows the pact
//   serve-monitor the mesh monitor, alerting into the bots' webhook on this box
// `deploy/blockshare run` runs serve-bots and serve-monitor as its children too (superviseBlock.ts): with
// an IPC channel, they say when they are ready over it, and stop when it closes (their parent is gone).
import { loadNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { synapsePaths } from "../../homeserver-config/synapseConfig.ts";
import { ensureSigningKey, synapsePython } from "./synapseProcess.ts";
// Loaded by the command that needs it: the monitor's process does not carry the bots, nor the reverse.
const neighborhoodStarter = () => import("./startNeighborhood.ts");
const meshMonitor = () => import("./meshMonitorService.ts");
import { untilStopped } from "./untilStopped.ts";

const say = (line: string) => process.stderr.write(`${line}\n`);

/** What serve-bots tells the `run` that started it once it serves (the summary needs it). */
export interface BotsReady {
  ready: "bots";
  operatorUserId: string;
  operatorToken: string;
  elementUrl: string;
}

export interface MonitorReady {
  ready: "monitor";
  url: string;
}

/** Under `run`: resolves when the IPC channel to it closes, i.e. `run` is gone (never otherwise). */
function parentGone(): Promise<string> {
  if (!process.connected) return new Promise(() => {});
  return new Promise((resolve) => process.once("disconnect", () => resolve("The blockshare run that started this process is gone; stopping.")));
}

export async function configureCommand(file: string): Promise<void> {
  const neighborhood = loadNeighborhood(file);
  const { paths } = (await neighborhoodStarter()).writeBlockConfig(neighborhood);
  ensureSigningKey(synapsePython(), paths);
  console.log(`Wrote ${paths.config}${neighborhood.workers.enabled ? " and the workers' configurations" : ""}.`);
}

export async function serveBotsCommand(file: string): Promise<void> {
  const running = await (await neighborhoodStarter()).startNeighborhood(file, { progress: say, synapse: "external" });
  say(`Bots are serving ${running.neighborhood.server_name} on 127.0.0.1:${running.neighborhood.ports.appservice}`);
  const ready: BotsReady = { ready: "bots", operatorUserId: running.operatorUserId, operatorToken: running.operatorToken, elementUrl: running.element.url };
  process.send?.(ready);
  await untilStopped(say, parentGone());
  await running.stop();
}

export async function serveMonitorCommand(file: string): Promise<void> {
  const neighborhood = loadNeighborhood(file);
  const monitor = await (await meshMonitor()).startMeshMonitor(
    neighborhood,
    `http://127.0.0.1:${neighborhood.ports.appservice}`,
    synapsePaths(neighborhood.dataDir).secrets,
  );
  say(`Mesh monitor: map and /metrics on ${monitor.url}`);
  const ready: MonitorReady = { ready: "monitor", url: monitor.url };
  process.send?.(ready);
  await untilStopped(say, parentGone());
  await monitor.stop();
}
