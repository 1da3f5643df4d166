// `deploy/blockshare run`: the neighborhood in one command, stopped cleanly by Ctrl-C. Before anything
// starts: the first run's server-name choice, "already running", and every port it needs. Then `run`
// supervises the parts as child processes (superviseBlock.ts) until it is stopped.
import { existsSync } from "node:fs";
import { relative } from "node:path";
import { loadNeighborhood, type LoadedNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { synapsePaths } from "../../homeserver-config/synapseConfig.ts";
import { keepServerName, ServerNameChanged } from "../../homeserver-config/recordedServerName.ts";
import { writeDefaultNeighborhood } from "./defaultNeighborhood.ts";
import { describeToken, firstNeighborsToken } from "./firstNeighborsToken.ts";
import { secretPath } from "../../homeserver-config/secrets.ts";
import { listenForStop } from "./untilStopped.ts";
import { servedElementDir } from "../production/element/elementWebRoot.ts";
import { ensureElementWeb, planElementWeb } from "./elementWebDownload.ts";
import { publicMapUrl } from "./meshMonitorService.ts";
import { chooseServerName, describeDefaultServerName } from "./serverNameChoice.ts";
import { runningBlockPid } from "./processRecord.ts";
import { describeTakenPorts, takenListeners } from "./portsInUse.ts";
import { StartFailed, superviseBlock, type SupervisedBlock } from "./superviseBlock.ts";
import { localClientUrl } from "./synapseProcess.ts";
import { UsageError } from "./usageError.ts";
import { describeRunHttps } from "./blockCertificate.ts";

const say = (line: string) => process.stderr.write(`\u001b[1m==> ${line}\u001b[0m\n`);

/** The first run writes the file, with the one permanent choice (the server name) made explicit. */
async function firstRun(file: string): Promise<void> {
  if (existsSync(file)) return;
  const choice = await chooseServerName();
  writeDefaultNeighborhood(file, choice.serverName);
  say(`First run: wrote ${relative(process.cwd(), file) || file} with default settings (edit it to name your block)`);
  if (!choice.asked) say(describeDefaultServerName(choice.serverName, file, loadNeighborhood(file).dataDir));
}

export async function runNeighborhood(file: string): Promise<void> {
  const stop = listenForStop(say);
  await firstRun(file);
  const neighborhood = loadNeighborhood(file);
  const running = runningBlockPid(neighborhood.dataDir);
  if (running !== undefined) {
    throw new UsageError(`This block is already running (pid ${running}). Stop it with Ctrl-C in its terminal (or kill ${running}) before starting it again.`);
  }
  const taken = await takenListeners(neighborhood);
  if (taken.length > 0) throw new UsageError(describeTakenPorts(taken, file));
  // Before anything is written: a changed server name is refused with what to do.
  try {
    keepServerName(neighborhood);
  } catch (error) {
    throw error instanceof ServerNameChanged ? new UsageError(error.message) : error;
  }

  let block: SupervisedBlock;
  try {
    if (stop.signal.aborted) throw new StartFailed("stopped before starting");
    block = await superviseBlock(neighborhood, say, stop.signal);
  } catch (error) {
    if (stop.signal.aborted) {
      say("Stopped.");
      return;
    }
    throw error instanceof StartFailed ? new UsageError(`${error.message}\nNothing is left running.`) : error;
  }
  // Element Web in the background (element_web_release): the block is already up; a stop aborts it.
  const elementDownload = new AbortController();
  let element: Promise<unknown> = Promise.resolve();
  try {
    await printSummary(neighborhood, block);
    element = ensureElementWeb(neighborhood, block.bots.info.elementUrl, elementDownload.signal, (line) => {
      if (!line.startsWith("  ") || line.endsWith("done")) say(line.trim());
    }).then((outcome) => outcome && say(outcome.line));
    await stop.until(
      block.failed.then((why) => {
        process.exitCode = 1;
        return `${why.split(";")[0]}: nothing works without it, so the whole block stops.`;
      }),
    );
  } finally {
    elementDownload.abort(new Error("the block is stopping"));
    await element;
    await block.stop();
  }
  say(
    process.exitCode ? "Stopped everything (see above why). Run deploy/blockshare run to start again." : "Stopped. Run deploy/blockshare run to start again.",
  );
}

function describeElementWeb(neighborhood: LoadedNeighborhood, elementUrl: string): string {
  const plan = planElementWeb(neighborhood);
  if (plan.kind === "none") return `Element Web is not on this box yet: any Element app works with the server URL above.\n  ${plan.why}`;
  if (servedElementDir(neighborhood)) return `Element Web:  ${elementUrl}/`;
  return plan.kind === "install"
    ? `Element Web:  ${elementUrl}/ once downloaded (element_web_release; see below)`
    : `Element Web:  ${elementUrl}/ (element_web_dir ${plan.dir} has no index.html yet)`;
}

async function printSummary(neighborhood: LoadedNeighborhood, block: SupervisedBlock): Promise<void> {
  const { operatorUserId, operatorToken, elementUrl } = block.bots.info;
  const secrets = { dir: synapsePaths(neighborhood.dataDir).secrets };
  const token = await firstNeighborsToken(localClientUrl(neighborhood), operatorToken);
  console.log(`
${neighborhood.name} is running.

  Server URL for Element:  ${neighborhood.public_url}
  ${describeRunHttps(neighborhood).join("\n  ")}
  Element config and .well-known:  ${elementUrl}/config.json
  ${describeElementWeb(neighborhood, elementUrl)}

  Mesh map:  ${publicMapUrl(neighborhood)}${
    neighborhood.mesh_monitor.config
      ? ""
      : `
  It shows a simulated mesh until mesh_monitor.config names your routers. Its alerts say "Simulation" and ${neighborhood.mesh_monitor.simulated_alerts === "room" ? "go to the Mesh alerts room, as mesh_monitor.simulated_alerts asks" : "go to you, the operator, in a private chat — not to the neighbors' Mesh alerts room"}.`
  }

  Operator account:  ${operatorUserId}
  Its password is in ${secretPath(secrets.dir, "operator_password")} (readable by this user only).

  Registration token for your first neighbors:
    ${describeToken(token)}
  More tokens: deploy/blockshare token create --uses 5

  Data lives in ${neighborhood.dataDir}; each part's log in ${block.logDir}
  Press Ctrl-C to stop; running again keeps everything.
`);
}
