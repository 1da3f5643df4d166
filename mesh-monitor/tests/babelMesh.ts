// A real babeld mesh in network namespaces, for tests and the alert-latency benchmark: N nodes
// (`<prefix>-<run>-<i>`; prefix `bsmesh` unless given, so concurrent users never collide), veth links
// between them, babeld with 1 s hellos on each, node 1 the gateway redistributing a kernel default
// route. Each babeld listens on a UNIX socket in a temp dir, readable from the root namespace without
// any IP traffic. Everything is torn down on teardown() and, as a last resort, on process exit.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface BabelMeshNode {
  index: number;
  namespace: string;
  hostname: string;
  socket: string;
  /** babeld's my-id, known once started. */
  routerId: string;
}

export interface BabelMeshOptions {
  /** Number of nodes (≥ 2); default 4. */
  size?: number;
  /** Links as pairs of 1-based node indexes; default a ring plus the 1–3 chord, so any one cut leaves the mesh connected. */
  links?: [number, number][];
  helloInterval?: number;
  /** Namespace, host name and temp dir prefix (default "bsmesh"); give each user of meshes its own. */
  prefix?: string;
}

export interface BabelMesh {
  nodes: BabelMeshNode[];
  links: [number, number][];
  dir: string;
  /** Takes the link down on both ends (as a radio link that dies). */
  cutLink(a: number, b: number): void;
  restoreLink(a: number, b: number): void;
  stopNode(index: number): Promise<void>;
  startNode(index: number): Promise<void>;
  /** The gateway (node 1) loses / regains its kernel default route, so babeld stops / resumes announcing it. */
  withdrawDefault(): void;
  restoreDefault(): void;
  /** Sends `dump` to a node's socket and returns the reply. */
  dump(index: number): Promise<string>;
  teardown(): Promise<void>;
}

/** Why the mesh cannot be built here, or undefined when it can. */
export function babelMeshUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root (network namespaces)";
  for (const [binary, hint] of [
    ["ip", "iproute2"],
    ["babeld", "apt-get install babeld"],
    ["unshare", "util-linux"],
  ] as const) {
    try {
      execFileSync("sh", ["-c", `command -v ${binary}`], { stdio: "ignore" });
    } catch {
      return `${binary} is not installed (${hint})`;
    }
  }
  try {
    execFileSync("ip", ["netns", "list"], { stdio: "ignore" });
  } catch {
    return "`ip netns` is unavailable";
  }
  return undefined;
}

const run = (args: string[]): void => {
  execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
};

const ifname = (a: number, b: number): string => `e${a}${b}`;

export function dumpSocket(path: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path });
    let text = "";
    let oks = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no dump from ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk;
      const count = text.split("\n").filter((line) => line.trim() === "ok").length;
      if (count >= 1 && oks === 0) {
        oks = 1;
        socket.write("dump\n");
      }
      if (count >= 2) {
        clearTimeout(timer);
        socket.destroy();
        resolve(text);
      }
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}${lastError instanceof Error ? ` (${lastError.message})` : ""}`);
}

export async function startBabelMesh(options: BabelMeshOptions = {}): Promise<BabelMesh> {
  const size = options.size ?? 4;
  const links = options.links ?? [
    ...Array.from({ length: size }, (_, i) => [i + 1, ((i + 1) % size) + 1] as [number, number]),
    ...(size >= 4 ? [[1, 3] as [number, number]] : []),
  ];
  const hello = options.helloInterval ?? 1;
  const prefix = options.prefix ?? "bsmesh";
  if (!/^[a-z][a-z0-9]{0,7}$/.test(prefix)) throw new Error(`prefix "${prefix}": expected 1–8 lower-case letters and digits, starting with a letter`);
  const runId = `${process.pid % 100000}${Math.floor(Math.random() * 100)}`;
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const nodes: BabelMeshNode[] = Array.from({ length: size }, (_, i) => ({
    index: i + 1,
    namespace: `${prefix}-${runId}-${i + 1}`,
    hostname: `${prefix}-n${i + 1}`,
    socket: join(dir, `n${i + 1}.sock`),
    routerId: "",
  }));
  const processes = new Map<number, ChildProcess>();
  const node = (index: number): BabelMeshNode => {
    const found = nodes[index - 1];
    if (found === undefined) throw new Error(`no node ${index}`);
    return found;
  };

  let tornDown = false;
  const teardownSync = (): void => {
    if (tornDown) return;
    tornDown = true;
    for (const child of processes.values()) if (child.exitCode === null) child.kill("SIGKILL");
    for (const each of nodes) {
      try {
        run(["netns", "del", each.namespace]);
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", teardownSync);

  const startBabeld = async (index: number): Promise<void> => {
    const each = node(index);
    const interfaces = links.filter(([a, b]) => a === index || b === index).map(([a, b]) => (a === index ? ifname(a, b) : ifname(b, a)));
    const config = [
      `local-path-readwrite ${each.socket}`,
      // Stable ids across restarts, as real routers have (veth MACs are not used by babeld here).
      `router-id 02:bb:00:00:00:${index.toString(16).padStart(2, "0")}`,
      `default type wireless hello-interval ${hello}`,
      ...interfaces.map((name) => `interface ${name}`),
      `redistribute local ip 10.77.0.${index}/32`,
      ...(index === 1 ? ["redistribute ip 0.0.0.0/0 eq 0 metric 128"] : []),
      "redistribute local deny",
      "redistribute deny",
    ].join("\n");
    const configFile = join(dir, `n${index}.conf`);
    writeFileSync(configFile, `${config}\n`);
    rmSync(each.socket, { force: true });
    const child = spawn(
      "ip",
      [
        "netns",
        "exec",
        each.namespace,
        "unshare",
        "--uts",
        "sh",
        "-c",
        `hostname ${each.hostname} && exec babeld -c ${configFile} -I ${join(dir, `n${index}.pid`)} -S ${join(dir, `n${index}.state`)} -d 0`,
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    processes.set(index, child);
    const dump = await waitFor(`babeld on ${each.namespace} to answer (${stderr.trim()})`, 10_000, async () =>
      existsSync(each.socket) ? dumpSocket(each.socket) : undefined,
    );
    const id = /^my-id (\S+)/m.exec(dump)?.[1];
    if (id === undefined) throw new Error(`babeld on ${each.namespace} sent no my-id`);
    each.routerId = id;
  };

  const stopBabeld = async (index: number): Promise<void> => {
    const child = processes.get(index);
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
    processes.delete(index);
  };

  try {
    for (const each of nodes) {
      run(["netns", "add", each.namespace]);
      run(["-n", each.namespace, "link", "set", "lo", "up"]);
      execFileSync("ip", ["netns", "exec", each.namespace, "sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"], {
        stdio: "ignore",
      });
      run(["-n", each.namespace, "addr", "add", `10.77.0.${each.index}/32`, "dev", "lo"]);
    }
    for (const [a, b] of links) {
      run(["link", "add", ifname(a, b), "netns", node(a).namespace, "type", "veth", "peer", "name", ifname(b, a), "netns", node(b).namespace]);
      run(["-n", node(a).namespace, "link", "set", ifname(a, b), "up"]);
      run(["-n", node(b).namespace, "link", "set", ifname(b, a), "up"]);
    }
    // The gateway's way out: a veth pair inside node 1 (no dummy module needed) with a default route.
    run(["-n", node(1).namespace, "link", "add", "up0", "type", "veth", "peer", "name", "up1"]);
    run(["-n", node(1).namespace, "addr", "add", "192.0.2.1/24", "dev", "up0"]);
    run(["-n", node(1).namespace, "link", "set", "up1", "up"]);
    run(["-n", node(1).namespace, "link", "set", "up0", "up"]);
    run(["-n", node(1).namespace, "route", "add", "default", "via", "192.0.2.2", "dev", "up0", "proto", "static"]);
    await Promise.all(nodes.map((each) => startBabeld(each.index)));
    // Converged: every node has an installed route to every other node and to the default route.
    await waitFor("the babel mesh to converge", 30_000, async () => {
      for (const each of nodes) {
        const dump = await dumpSocket(each.socket);
        for (const other of nodes) {
          if (other === each) continue;
          if (!new RegExp(`prefix 10\\.77\\.0\\.${other.index}/32 .*installed yes`).test(dump)) return undefined;
        }
        if (each.index !== 1 && !/prefix 0\.0\.0\.0\/0 .*installed yes/.test(dump)) return undefined;
      }
      return true;
    });
  } catch (error) {
    teardownSync();
    throw error;
  }

  const setLink = (a: number, b: number, state: "up" | "down"): void => {
    run(["-n", node(a).namespace, "link", "set", ifname(a, b), state]);
    run(["-n", node(b).namespace, "link", "set", ifname(b, a), state]);
  };

  return {
    nodes,
    links,
    dir,
    cutLink: (a, b) => setLink(a, b, "down"),
    restoreLink: (a, b) => setLink(a, b, "up"),
    stopNode: stopBabeld,
    startNode: startBabeld,
    withdrawDefault: () => run(["-n", node(1).namespace, "route", "del", "default"]),
    restoreDefault: () => run(["-n", node(1).namespace, "route", "add", "default", "via", "192.0.2.2", "dev", "up0", "proto", "static"]),
    dump: (index) => dumpSocket(node(index).socket),
    teardown: async () => {
      await Promise.all([...processes.keys()].map((index) => stopBabeld(index)));
      teardownSync();
      process.removeListener("exit", teardownSync);
    },
  };
}
