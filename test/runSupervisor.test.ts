// `deploy/blockshare run` as a volunteer meets it, driven as a child process on free ports in a temp
// dir: a second run, a taken port, a killed part, a killed run, a changed server name, and the first
// run's server-name choice without a terminal. One running block is shared by the cases that need one.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { alive, killAll, processesOf, startRun, writeBlockFile, type RunProcess } from "./harness/runProcess.ts";
import { registerNeighbor } from "./harness/testNeighborhood.ts";
import { NeighborClient } from "./harness/neighborClient.ts";
import { defaultServerName } from "../deploy/src/defaultNeighborhood.ts";

const cli = join(import.meta.dirname, "..", "deploy", "src", "cli.ts");

async function blockshare(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const processes = (dir: string): Record<string, number> => JSON.parse(readFileSync(join(dir, "data", "run", "processes.json"), "utf8"));

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Who holds a port, from ss, for the failure message. */
function holderOf(port: number): string {
  const lines = spawnSync("ss", ["-Htanp", `sport = :${port}`], { encoding: "utf8" }).stdout.trim();
  return lines ? `held: ${lines.replace(/\s+/g, " ")}` : "nothing listed by ss";
}

async function eventually(check: () => boolean | Promise<boolean>, what: string | (() => string), timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${typeof what === "string" ? what : what()}: not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("one running block", () => {
  const dir = mkdtempSync(join(tmpdir(), "blockshare-run-"));
  let file: string;
  let ports: Record<string, number>;
  let run: RunProcess;
  let neighbor: NeighborClient | undefined;

  before(async () => {
    ({ file, ports } = await writeBlockFile(dir, "runblock.localhost"));
    run = startRun(file);
    await run.waitFor(/is running\./);
  });
  after(async () => {
    neighbor?.stop();
    if (run.child.exitCode === null && run.child.signalCode === null) process.kill(run.child.pid!, "SIGTERM");
    await Promise.race([run.exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    killAll(processesOf(dir));
  });

  test("a second run says this block is already running, with its pid, and leaves the first alone", async () => {
    const second = await blockshare("run", "--config", file);
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`already running \\(pid ${run.child.pid}\\)`));
    assert.doesNotMatch(second.stderr, /EADDRINUSE/);
    assert.equal(run.child.exitCode, null, "the first run still runs");
  });

  test("the bots killed with SIGKILL are restarted, and a command sent while they were down is answered", async () => {
    const serverName = "runblock.localhost";
    const created = await blockshare("token", "create", "--uses", "1", "--config", file);
    assert.equal(created.code, 0, created.stderr);
    const token = /New registration token: (\S+)/.exec(created.stdout)![1]!;
    const clientUrl = `http://127.0.0.1:${ports.client}`;
    const account = await registerNeighbor(clientUrl, "dana", "correct horse battery", token);
    neighbor = new NeighborClient(clientUrl, account.user_id, account.access_token);
    await neighbor.start();
    const lobby = (
      (await (await fetch(`${clientUrl}/_matrix/client/v3/directory/room/${encodeURIComponent(`#lobby:${serverName}`)}`)).json()) as { room_id: string }
    ).room_id;
    await neighbor.waitForEvent(
      (event) => event.room_id === lobby && event.sender === `@porch:${serverName}` && String(event.content.body).includes(account.user_id),
      "the welcome",
      60_000,
    );

    const killed = processes(dir).bots!;
    process.kill(killed, "SIGKILL");
    const help = await neighbor.sendText(lobby, "!help");
    const restarted = await run.waitFor(/Restarted the bots \(pid (\d+)\) after an unexpected stop \(killed by SIGKILL\)/, 120_000);
    assert.notEqual(Number(restarted[1]), killed);
    assert.equal(processes(dir).bots, Number(restarted[1]), "processes.json names the new bots process");
    const reply = await neighbor.waitForReply(lobby, help, `@porch:${serverName}`, 120_000);
    assert.match(String(reply.content.body), /!about/);
  });

  test("SIGKILL of run ends Synapse, the bots and the monitor within seconds and frees the ports", async () => {
    neighbor?.stop();
    const pids = processes(dir);
    for (const part of ["run", "synapse", "bots", "monitor"]) assert.ok(alive(pids[part]!), `${part} runs before the kill`);
    process.kill(pids.run!, "SIGKILL");
    await eventually(() => !["synapse", "bots", "monitor"].some((part) => alive(pids[part]!)), "Synapse, the bots and the monitor end with run", 10_000);
    assert.deepEqual(processesOf(dir), [], "nothing of this block is left running");
    // The kernel frees a dead process's listening sockets at once, but a port in the ephemeral range can be
    // taken meanwhile by some outgoing connection's local end: "free again" means within seconds.
    for (const [setting, port] of Object.entries(ports)) {
      await eventually(
        () => portFree(port),
        () => `ports.${setting} (${port}) is free again (${holderOf(port)})`,
        10_000,
      );
    }
  });

  test("a changed server_name is refused by BlockShare with what to do, never Synapse's traceback", async () => {
    writeFileSync(file, readFileSync(file, "utf8").replace("server_name: runblock.localhost", "server_name: renamed.localhost"));
    const renamed = await blockshare("run", "--config", file);
    assert.equal(renamed.code, 1);
    assert.match(renamed.stderr, /belongs to server name "runblock\.localhost", but .* now says "renamed\.localhost"/);
    assert.match(renamed.stderr, /put "server_name: runblock\.localhost" back/);
    assert.doesNotMatch(renamed.stderr, /Traceback|not native to/);
    assert.deepEqual(processesOf(dir), [], "nothing was started");
  });
});

test("a port taken by another program is named with its setting, and nothing is left running", async () => {
  const dir = mkdtempSync(join(tmpdir(), "blockshare-port-"));
  const { file, ports } = await writeBlockFile(dir, "portblock.localhost");
  const squatter: Server = createServer();
  await new Promise<void>((resolve) => squatter.listen(ports.mesh_map, "127.0.0.1", resolve));
  try {
    const result = await blockshare("run", "--config", file);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`port ${ports.mesh_map} .*\\(ports\\.mesh_map\\)`));
    assert.match(result.stderr, /set ports\.mesh_map in/);
    assert.deepEqual(processesOf(dir), [], "no Synapse or other part of the block is left running");
  } finally {
    killAll(processesOf(dir));
    squatter.close();
  }
});

test("the first run without a terminal names its default server name and how to change it before any account exists", async () => {
  const dir = mkdtempSync(join(tmpdir(), "blockshare-first-"));
  const file = join(dir, "neighborhood.yaml");
  const run = startRun(file);
  try {
    await run.waitFor(/Server name:|Starting Synapse|is not valid|cannot start/, 120_000);
    process.kill(run.child.pid!, "SIGTERM");
    await run.exited;
    const output = run.output();
    const said = output.indexOf(`Server name: ${defaultServerName()}`);
    assert.ok(said >= 0, `the default server name is printed:\n${output}`);
    assert.match(output, new RegExp(`set server_name in ${file.replaceAll(".", "\\.")}`));
    const firstStart = output.indexOf("Starting Synapse");
    assert.ok(firstStart === -1 || firstStart > said, "said before Synapse starts, so before the first account exists");
    assert.match(readFileSync(file, "utf8"), new RegExp(`server_name: ${defaultServerName()}`));
  } finally {
    if (run.child.exitCode === null) process.kill(-run.child.pid!, "SIGKILL");
    killAll(processesOf(dir));
  }
});
