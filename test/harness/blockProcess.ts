// A whole block as a user runs it: `deploy/blockshare`'s CLI in its own network namespace, as a
// separate process, with the operator commands run the same way.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { stringify } from "yaml";

const cli = join(import.meta.dirname, "..", "..", "deploy", "src", "cli.ts");

export interface BlockSpec {
  dir: string;
  name: string;
  serverName: string;
  namespace: string;
  /** Its mesh address (federation). */
  address: string;
  /** Where this machine's test clients reach it (not through the mesh link). */
  clientAddress: string;
  hostsFile: string;
}

export interface BlockProcess {
  spec: BlockSpec;
  file: string;
  clientUrl: string;
  /** Runs an operator command (`neighbor add …`) in the block's namespace; resolves to its stdout. */
  command(...args: string[]): Promise<string>;
  start(): Promise<void>;
  stop(): Promise<void>;
  log(): string;
}

export function defineBlock(spec: BlockSpec): BlockProcess {
  mkdirSync(spec.dir, { recursive: true });
  const file = join(spec.dir, "neighborhood.yaml");
  writeFileSync(
    file,
    stringify({
      name: spec.name,
      server_name: spec.serverName,
      public_url: `http://${spec.clientAddress}:8008`,
      bind_address: "0.0.0.0",
      hosts_file: spec.hostsFile,
    }),
  );
  const logFile = join(spec.dir, "run.log");
  let child: ChildProcess | undefined;
  const inNamespace = (args: string[]) => ["netns", "exec", spec.namespace, process.execPath, cli, ...args];
  return {
    spec,
    file,
    clientUrl: `http://${spec.clientAddress}:8008`,
    async command(...args) {
      const { stdout } = await promisify(execFile)("ip", inNamespace([...args, "--config", file]), { timeout: 60_000 });
      return stdout;
    },
    async start() {
      const out = createWriteStream(logFile, { flags: "a" });
      // Its own process group, so stopping it also stops a Synapse it started, even mid-start.
      child = spawn("ip", inNamespace(["run", "--config", file]), { stdio: ["ignore", "pipe", "pipe"], detached: true });
      child.stdout?.pipe(out);
      child.stderr?.pipe(out);
      const exited = new Promise<never>((_, reject) => child!.once("exit", (code) => reject(new Error(`${spec.name} exited (${code}); see ${logFile}`))));
      const running = new Promise<void>((resolve) => {
        let seen = "";
        child!.stdout?.on("data", (chunk: Buffer) => {
          seen += chunk.toString();
          if (seen.includes("is running.")) resolve();
        });
      });
      const timeout = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`${spec.name} did not start within 180 s; see ${logFile}`)), 180_000).unref(),
      );
      await Promise.race([running, exited, timeout]);
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      const done = new Promise((resolve) => child!.once("exit", resolve));
      process.kill(-child.pid!, "SIGTERM");
      const force = setTimeout(() => process.kill(-child!.pid!, "SIGKILL"), 20_000);
      await done;
      clearTimeout(force);
    },
    log: () => readFileSync(logFile, "utf8"),
  };
}

/** The community CA on `caHolder`, which issues every other block's certificate; each of those trusts it. */
export async function shareCommunityCa(caHolder: BlockProcess, others: readonly BlockProcess[]): Promise<void> {
  await caHolder.command("ca", "create", "--name", "Test mesh");
  await caHolder.command("cert", "issue");
  for (const other of others) {
    const out = join(other.spec.dir, "issued");
    await caHolder.command("cert", "issue", "--server", other.spec.serverName, "--out", out);
    await other.command("cert", "install", join(out, "tls.crt"), join(out, "tls.key"));
    await other.command("ca", "trust", join(caHolder.spec.dir, "data", "ca", "ca.crt"));
  }
}
