// A whole block as `deploy/blockshare run` runs it (the supervisor and its children), with its data
// directory on a small filesystem the test can fill, and its clock under the test's control: what the
// chaos test injects faults into.
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { stringify } from "yaml";
import { freePort } from "./freePort.ts";
import { mountSmallFilesystem, type SmallFilesystem } from "./smallFilesystem.ts";

const cli = join(import.meta.dirname, "..", "..", "deploy", "src", "cli.ts");

/** Debian's libfaketime (package faketime). */
export const libfaketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

export type BlockPart = "synapse" | "bots" | "monitor";

export interface ChaosBlock {
  dir: string;
  dataDir: string;
  file: string;
  serverName: string;
  ports: { client: number; appservice: number; mesh_map: number };
  clientUrl: string;
  data: SmallFilesystem;
  /** DATA_DIR/run/processes.json as it is now. */
  processes(): Record<string, number>;
  /** Sets the block's wall clock offset (libfaketime syntax: "+0", "+1d"); monotonic clocks stay real. */
  setClockOffset(offset: string): void;
  /** What `run` printed so far (its terminal). */
  terminal(): string;
  /** A part's own log (DATA_DIR/run/<part>.log). */
  partLog(part: BlockPart): string;
  /** Bounded wait until `part` runs under a pid other than `oldPid` and answers its health check. */
  waitForRestart(part: BlockPart, oldPid: number, timeoutMs: number): Promise<number>;
  healthy(part: BlockPart): Promise<boolean>;
  stop(): Promise<void>;
}

export interface ChaosBlockOptions {
  dir: string;
  /** Size of the data directory's filesystem. */
  dataSizeMiB: number;
  /** Run the block's processes under libfaketime (wall clock only). */
  fakeClock: boolean;
  startTimeoutMs: number;
}

export async function startChaosBlock(options: ChaosBlockOptions): Promise<ChaosBlock> {
  const { dir } = options;
  const dataDir = join(dir, "data");
  const data = mountSmallFilesystem(dataDir, options.dataSizeMiB);
  const serverName = "chaos.localhost";
  const ports = {
    client: await freePort(),
    appservice: await freePort(),
    element: await freePort(),
    synapse_metrics: await freePort(),
    mesh_map: await freePort(),
  };
  const file = join(dir, "neighborhood.yaml");
  writeFileSync(
    file,
    stringify({
      name: "Chaos Block",
      server_name: serverName,
      public_url: `http://127.0.0.1:${ports.client}`,
      bind_address: "127.0.0.1",
      ports,
      data_dir: "./data",
    }),
  );
  const clockFile = join(dir, "clock-offset");
  writeFileSync(clockFile, "+0\n");
  const clockEnv = options.fakeClock
    ? {
        LD_PRELOAD: libfaketime,
        FAKETIME_TIMESTAMP_FILE: clockFile,
        // Re-read at most once a second: reading it on every clock call would slow every process down.
        FAKETIME_CACHE_DURATION: "1",
        // Only the wall clock jumps, as when NTP steps a box's clock; monotonic clocks never do.
        FAKETIME_DONT_FAKE_MONOTONIC: "1",
      }
    : {};

  // The terminal's output lives outside the data directory, which the test fills.
  const terminalFile = join(dir, "run.out");
  const out = createWriteStream(terminalFile, { flags: "a" });
  let printed = "";
  const child: ChildProcess = spawn(process.execPath, [cli, "run", "--config", file], {
    cwd: dir,
    env: { ...process.env, ...clockEnv },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: stopping the test stops everything it started, whatever state it is in.
    detached: true,
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on("data", (chunk: Buffer) => {
      printed += chunk.toString();
      out.write(chunk);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const clientUrl = `http://127.0.0.1:${ports.client}`;
  const healthUrl: Record<BlockPart, string> = {
    synapse: `${clientUrl}/health`,
    bots: `http://127.0.0.1:${ports.appservice}/health`,
    monitor: `http://127.0.0.1:${ports.mesh_map}/metrics`,
  };
  const processes = () => {
    try {
      return JSON.parse(readFileSync(join(dataDir, "run", "processes.json"), "utf8")) as Record<string, number>;
    } catch {
      return {};
    }
  };
  const healthy = (part: BlockPart) =>
    fetch(healthUrl[part], { signal: AbortSignal.timeout(3_000) }).then(
      (response) => response.ok,
      () => false,
    );

  const block: ChaosBlock = {
    dir,
    dataDir,
    file,
    serverName,
    ports,
    clientUrl,
    data,
    processes,
    setClockOffset(offset) {
      writeFileSync(clockFile, `${offset}\n`);
    },
    terminal: () => printed,
    partLog(part) {
      const path = join(dataDir, "run", `${part}.log`);
      return existsSync(path) ? readFileSync(path, "utf8") : "";
    },
    healthy,
    async waitForRestart(part, oldPid, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const pid = processes()[part];
        if (pid !== undefined && pid !== oldPid && (await healthy(part))) return pid;
        await sleep(250);
      }
      throw new Error(`${part} was not running again within ${timeoutMs / 1000} s of its fault; see ${terminalFile} and ${join(dataDir, "run")}`);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(-child.pid!, "SIGTERM");
        const forced = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 20_000);
        await exited;
        clearTimeout(forced);
      }
      // Anything left in the group (a child that outlived run) goes too.
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // The group is already empty.
      }
      out.end();
      data.free();
      keepLogs(dataDir, join(dir, "logs"));
      data.unmount();
    },
  };

  const deadline = Date.now() + options.startTimeoutMs;
  while (!printed.includes("is running.")) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await block.stop();
      throw new Error(`the block did not start (${child.exitCode === null ? "timed out" : `exit ${child.exitCode}`}); it printed:\n${printed.slice(-3000)}`);
    }
    await sleep(250);
  }
  return block;
}

/** The parts' logs and the store folder's listing, copied out before the data filesystem goes away. */
function keepLogs(dataDir: string, into: string): void {
  mkdirSync(into, { recursive: true });
  const copies: Array<[string, string]> = [
    ...["synapse.log", "bots.log", "monitor.log"].map((file): [string, string] => [join(dataDir, "run", file), file]),
    [join(dataDir, "synapse", "homeserver.log"), "homeserver.log"],
  ];
  for (const [from, name] of copies) if (existsSync(from)) copyFileSync(from, join(into, name));
  const appservice = join(dataDir, "appservice");
  if (existsSync(appservice)) writeFileSync(join(into, "appservice-files.txt"), readdirSync(appservice).join("\n"));
}
