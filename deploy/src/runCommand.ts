// `deploy/blockshare run`: the neighborhood in one command, stopped cleanly by Ctrl-C.
import { join, relative } from "node:path";
import { loadNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { startWorkerNeighborhood } from "../production/workerDeployment.ts";
import { writeDefaultNeighborhood } from "./defaultNeighborhood.ts";
import { startNeighborhood, type RunningNeighborhood } from "./startNeighborhood.ts";
import { describeToken, firstNeighborsToken } from "./firstNeighborsToken.ts";
import { secretPath } from "../../homeserver-config/secrets.ts";
import { startMeshMonitor } from "./meshMonitorService.ts";
import { untilStopped } from "./untilStopped.ts";
import { servedElementDir } from "../production/element/elementWebRoot.ts";

const say = (line: string) => process.stderr.write(`\u001b[1m==> ${line}\u001b[0m\n`);

/** One Synapse process, or (with `workers.enabled`) the main process and its workers behind a local nginx. */
async function startNeighborhoodOrWorkers(file: string): Promise<{ running: RunningNeighborhood; stop(): Promise<void> }> {
  const neighborhood = loadNeighborhood(file);
  if (!neighborhood.workers.enabled) {
    const running = await startNeighborhood(file, { progress: say });
    return { running, stop: () => running.stop() };
  }
  say("Starting Synapse with workers (PostgreSQL and Redis must be running: deploy/production/ensureServices.sh)");
  const deployment = await startWorkerNeighborhood(file, {
    progress: say,
    database: neighborhood.database,
    workers: neighborhood.workers,
    runDir: join(neighborhood.dataDir, "run"),
    privateRedis: false,
  });
  return deployment;
}

export async function runNeighborhood(file: string): Promise<void> {
  if (writeDefaultNeighborhood(file)) {
    say(`First run: wrote ${relative(process.cwd(), file) || file} with default settings (edit it to name your block)`);
  }
  const started = await startNeighborhoodOrWorkers(file);
  const { running } = started;
  const { neighborhood, secrets } = running;
  say(neighborhood.mesh_monitor.config ? "Starting the mesh monitor" : "Starting the mesh monitor on a simulated mesh (set mesh_monitor.config for real routers)");
  const monitor = await startMeshMonitor(neighborhood, running.host.url, secrets.dir);
  const token = await firstNeighborsToken(running.clientUrl, running.operatorToken);
  console.log(`
${neighborhood.name} is running.

  Server URL for Element:  ${neighborhood.public_url}
  Element config and .well-known:  ${running.element.url}/config.json
  ${servedElementDir(neighborhood) ? `Element Web:  ${running.element.url}/` : `Element Web is not on this box yet: any Element app works with the server URL above.
  To serve Element Web here, set element_web_dir in ${file} to an unpacked release
  (deploy/blockshare install puts the pinned release in place on a production box).`}

  Mesh map:  ${monitor.url.replace("0.0.0.0", "127.0.0.1")}/${neighborhood.mesh_monitor.config ? "" : "  (a simulated mesh: an alert shows in Mesh alerts within a few minutes)"}

  Operator account:  ${running.operatorUserId}
  Its password is in ${secretPath(secrets.dir, "operator_password")} (readable by this user only).

  Registration token for your first neighbors:
    ${describeToken(token)}
  More tokens: deploy/blockshare token create --uses 5

  Data lives in ${neighborhood.dataDir}
  Press Ctrl-C to stop; running again keeps everything.
`);
  await untilStopped(
    say,
    running.synapseFailed.then((code) => `Synapse stopped unexpectedly (exit code ${code}); see ${running.paths.log}`),
  );
  await monitor.stop();
  await started.stop();
  say("Stopped. Run deploy/blockshare run to start again.");
}
