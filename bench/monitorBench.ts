// Mesh monitor figures (issue 6), each against a baseline measured in the same run:
// - monitor_cycle_ratio_10k: CPU time of one collect-and-evaluate cycle over a generated 10,000-node
//   meshviewer.json (parse + normalize + rules evaluation + metrics update) divided by JSON.parse of the
//   same bytes, in the same process, alternating. Goal ≤ 3.
// - monitor_scale_ratio: that cycle at 10,000 nodes divided by the cycle at 1,000. Goal ≤ 11.
// - monitor_rss_mb_10k: resident memory of the monitor holding 10,000 nodes and 20,000 links (polled
//   over loopback HTTP, evaluated, exported and scraped once, after its second poll), after GC. Goal
//   ≤ 150. Extra: monitor_rss_mb_10k_steady, the same after six polls with every hold time passed.
// - alert_latency_s: four babeld routers in network namespaces (1 s hellos), the monitor reading their
//   `monitor` streams and alerting into a real neighborhood (Synapse + the mesh bot); from cutting a link
//   to the "link lost" message arriving at a neighbor's client in Mesh alerts. Goal ≤ 10.
// Cycles and memory are measured in fresh child processes (other benchmarks' heaps do not count)
// started the way a large monitor is run (MONITOR_NODE_FLAGS and MONITOR_ENV, see
// mesh-monitor/src/monitorRuntime.ts: the monitor then hands memory back after each large poll). The
// memory of a monitor started plainly is reported too (monitor_rss_mb_10k_plain_node).
// Extra figures: monitor_scrape_ratio_10k (rendering /metrics ÷ the same JSON.parse),
// monitor_release_gc_ratio_10k (the memory-reducing GC the monitor runs after a large poll ÷ the same
// JSON.parse) and the `…_collect_only` figures (parse + normalize + metrics without the rules).
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseTelemetry } from "../mesh-monitor/src/collectors/formats.ts";
import { HttpPollSource } from "../mesh-monitor/src/collectors/httpPollSource.ts";
import { RejectionCounter } from "../mesh-monitor/src/collectors/rejectionCounter.ts";
import { MeshMetrics } from "../mesh-monitor/src/metrics/meshMetrics.ts";
import type { MeshSnapshot } from "../mesh-monitor/src/model.ts";
import { MeshMonitor } from "../mesh-monitor/src/monitor.ts";
import { memoryReleaser, MONITOR_ENV, MONITOR_NODE_FLAGS } from "../mesh-monitor/src/monitorRuntime.ts";
import { defaultRulesConfig } from "../mesh-monitor/src/rules/config.ts";
import { evaluateRules, type RuleState } from "../mesh-monitor/src/rules/evaluate.ts";

const REPETITIONS = 9;
/** Cycles the memory child runs before measuring: the state a monitor holds after its second poll
 * (as the figure has always been defined), and a steady state past the rules' hold times, where this
 * generated mesh has ~23,000 alerts firing (two thirds of its links are weak, half its nodes busy). */
const RSS_CYCLES = 2;
const RSS_STEADY_CYCLES = 6;

/** A meshviewer.json shaped like Freifunk Bremen's (same fields per node and link), `nodes` nodes and
 * two links per node; deterministic so runs compare. */
export function generateMeshviewer(nodes: number): string {
  const id = (i: number) => (0x18a6f7000000 + i).toString(16).padStart(12, "0");
  const mac = (i: number) => id(i).match(/../g)!.join(":");
  const at = (s: number) => new Date(Date.UTC(2020, 4, 13, 11, 11, 52) - s * 1000).toISOString().replace(".000Z", "+0000");
  const list = [];
  for (let i = 0; i < nodes; i++) {
    const online = i % 15 !== 0;
    list.push({
      firstseen: at(86400 * 400 + i),
      lastseen: at(online ? i % 60 : 3600 + i),
      is_online: online,
      is_gateway: i % 150 === 0,
      clients: online ? i % 17 : 0,
      clients_wifi24: online ? i % 9 : 0,
      clients_wifi5: online ? i % 8 : 0,
      clients_other: 0,
      rootfs_usage: (i % 100) / 100,
      loadavg: (i % 37) / 10,
      memory_usage: 0.3 + (i % 60) / 100,
      uptime: at(86400 * 30 + i),
      gateway_nexthop: id((i + 1) % nodes),
      gateway: id(0),
      gateway6: id(0),
      node_id: id(i),
      mac: mac(i),
      addresses: [`2a06:8782:ffbb:1337::${i.toString(16)}`, `fd2f:5119:f2c::${i.toString(16)}`, `fe80::${i.toString(16)}`],
      domain: `ffhb_${i % 4}`,
      hostname: `node-${i}-roof`,
      location: { longitude: 8.6 + (i % 1000) / 5000, latitude: 53 + Math.floor(i / 1000) / 500 },
      firmware: { base: "gluon-v2019.1.1", release: "2019.1.1+bremen3" },
      autoupdater: { enabled: true, branch: "stable" },
      nproc: 1 + (i % 2),
      model: i % 3 === 0 ? "TP-Link TL-WR841N/ND v11" : "Ubiquiti UniFi-AC-MESH",
    });
  }
  const links = [];
  for (let i = 0; i < nodes; i++) {
    for (const step of [1, 7]) {
      links.push({
        type: step === 1 ? "wifi" : "other",
        source: id(i),
        target: id((i + step) % nodes),
        source_tq: ((i * 13) % 255) / 255,
        target_tq: ((i * 29) % 255) / 255,
        source_addr: mac(i + 0x100000),
        target_addr: mac(((i + step) % nodes) + 0x100000),
      });
    }
  }
  return JSON.stringify({ timestamp: at(0), nodes: list, links });
}

function cpuMs(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

async function cpuMsAsync(run: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  await run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** One monitor holding state across cycles, as the running service does: each snapshot goes through
 * the rules (unless collect-only) and the result to the metrics. */
function monitorState(withRules: boolean, metrics: MeshMetrics) {
  let ruleState: RuleState | undefined;
  return (snapshot: MeshSnapshot, now: number): void => {
    if (withRules) {
      const result = evaluateRules(ruleState, [{ source: "bench", ok: true, snapshot }], now, defaultRulesConfig);
      ruleState = result.state;
      metrics.update({ state: result.view });
    } else {
      metrics.update({ state: snapshot });
    }
  };
}

/** One cycle from the bytes: parse + normalize, then rules and metrics. */
function monitorCycle(withRules: boolean, metrics: MeshMetrics) {
  const evaluate = monitorState(withRules, metrics);
  let cycle = 0;
  return (text: string): MeshSnapshot => {
    const now = Date.UTC(2020, 4, 13, 11, 12) + cycle++ * 60_000;
    const snapshot = parseTelemetry("meshviewer", text, { source: "bench", collectedAt: now });
    evaluate(snapshot, now);
    return snapshot;
  };
}

interface CycleFigures {
  cycle: number;
  parse: number;
  scrape: number;
}

/** A scrape whose bytes are sent and dropped (here: counted), as the server does. */
async function scrapeOnce(metrics: MeshMetrics): Promise<number> {
  return (await metrics.renderChunks()).reduce((sum, chunk) => sum + chunk.length, 0);
}

/** The cycle at one size against JSON.parse of the same bytes, alternating, after a warm-up. */
async function measureCycle(nodes: number, withRules: boolean): Promise<CycleFigures> {
  const text = generateMeshviewer(nodes);
  const metrics = new MeshMetrics();
  const run = monitorCycle(withRules, metrics);
  for (let i = 0; i < 3; i++) run(text); // warm the JIT and the rules' knowledge (steady state)
  const cycles: number[] = [];
  const parses: number[] = [];
  for (let i = 0; i < REPETITIONS; i++) {
    parses.push(cpuMs(() => JSON.parse(text)));
    cycles.push(cpuMs(() => run(text)));
  }
  await scrapeOnce(metrics);
  const scrapes: number[] = [];
  for (let i = 0; i < 3; i++) scrapes.push(await cpuMsAsync(() => scrapeOnce(metrics)));
  return { cycle: median(cycles), parse: median(parses), scrape: median(scrapes) };
}

/** How a child is started: Node flags and environment. */
interface Runtime {
  flags: readonly string[];
  env: Readonly<Record<string, string>>;
}
const tuned: Runtime = { flags: MONITOR_NODE_FLAGS, env: MONITOR_ENV };
const plain: Runtime = { flags: [], env: {} };

/** Runs this module as a child started that way and returns what it prints as JSON. */
function child<T>(mode: "cycles" | "rss", runtime: Runtime, env: Record<string, string>): Promise<T> {
  return new Promise((resolve, reject) => {
    // --expose-gc in every child: the memory figures are taken after GC.
    const childProcess = spawn(process.execPath, ["--expose-gc", ...runtime.flags, import.meta.filename], {
      env: { ...process.env, ...runtime.env, ...env, MONITOR_BENCH_CHILD: mode },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    childProcess.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    childProcess.once("exit", (code) => {
      const line = output.split("\n").find((each) => each.startsWith("result="));
      if (code === 0 && line !== undefined) resolve(JSON.parse(line.slice("result=".length)) as T);
      else reject(new Error(`the ${mode} child exited with ${code}: ${output}`));
    });
  });
}

/** One size in a fresh process: a heap already holding another size's state would shift the GC's
 * work between them. */
async function cyclesChild(): Promise<CycleFigures & { release?: number }> {
  const nodes = Number(process.env.MONITOR_BENCH_NODES);
  const withRules = process.env.MONITOR_BENCH_RULES !== "0";
  const figures: CycleFigures & { release?: number } = await measureCycle(nodes, withRules);
  // The memory-reducing GC the monitor runs after a large poll (when started with MONITOR_NODE_FLAGS),
  // with this state held: not part of the cycle (it runs after it), so reported on its own.
  const release = memoryReleaser();
  if (release !== undefined && withRules) {
    const text = generateMeshviewer(nodes);
    const run = monitorCycle(true, new MeshMetrics());
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      run(text);
      times.push(cpuMs(release));
    }
    figures.release = median(times);
  }
  return figures;
}

async function measureCycleIn(runtime: Runtime, nodes: number, withRules: boolean): Promise<CycleFigures & { release?: number }> {
  return child("cycles", runtime, { MONITOR_BENCH_NODES: String(nodes), MONITOR_BENCH_RULES: withRules ? "1" : "0" });
}

/** The monitor (MeshMonitor with the real HttpPollSource, rules and metrics) polling a 10,000-node
 * meshviewer.json over loopback HTTP — the parent serves it, so neither the generator's objects nor
 * the served bytes count — for some cycles, scraped once, then its resident memory after GC. */
async function rssChild(): Promise<{ rssMb: number; detail: Record<string, number> }> {
  const withRules = process.env.MONITOR_BENCH_RULES !== "0";
  const cycles = Number(process.env.MONITOR_BENCH_CYCLES ?? RSS_CYCLES);
  const release = process.env.MONITOR_BENCH_RELEASE === "1" ? memoryReleaser() : undefined;
  let now = Date.UTC(2020, 4, 13, 11, 12);
  const poller = new HttpPollSource({
    url: process.env.MONITOR_BENCH_URL!,
    format: "meshviewer",
    source: "bench",
    rejections: new RejectionCounter(),
    now: () => now,
  });
  const metrics = new MeshMetrics();
  let held: MeshSnapshot | undefined;
  if (withRules) {
    const monitor = new MeshMonitor({
      sources: [{ source: poller.source, poll: () => poller.poll() }],
      rules: defaultRulesConfig,
      clock: () => now,
      onCycle: (cycle) => metrics.update({ state: cycle.view }),
      ...(release !== undefined ? { releaseMemory: release } : {}),
    });
    for (let i = 0; i < cycles; i++, now += 60_000) {
      const cycle = await monitor.runCycle();
      held = cycle.reports[0]?.snapshot;
      await new Promise((resolve) => setImmediate(resolve)); // the release runs after the cycle
    }
  } else {
    for (let i = 0; i < cycles; i++, now += 60_000) {
      held = (await poller.poll()).snapshot;
      if (held !== undefined) metrics.update({ state: held });
      release?.();
    }
  }
  await scrapeOnce(metrics);
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) gc?.();
  await new Promise((resolve) => setTimeout(resolve, 200));
  if (held?.nodes.length !== 10_000 || held.links.length !== 20_000) throw new Error("the child did not hold the whole mesh");
  const usage = process.memoryUsage();
  const status = readFileSync("/proc/self/status", "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN) / 1024;
  const mb = (bytes: number) => bytes / 1024 / 1024;
  // Where it goes, for whoever tunes this next: V8 heap (committed, used), buffers, anonymous vs file-backed.
  const detail = { heapTotal: mb(usage.heapTotal), heapUsed: mb(usage.heapUsed), external: mb(usage.external), rssAnon: kb("RssAnon"), rssFile: kb("RssFile") };
  return { rssMb: mb(usage.rss), detail };
}

interface RssSetup {
  runtime: Runtime;
  /** The monitor's memory-reducing GC after each large poll (needs --expose-gc, which the child has). */
  release: boolean;
  withRules?: boolean;
  cycles?: number;
}

async function measureRss({ runtime, release, withRules = true, cycles = RSS_CYCLES }: RssSetup): Promise<number> {
  const body = Buffer.from(generateMeshviewer(10_000));
  const server = createServer((_request, response) => response.writeHead(200, { "content-type": "application/json", "content-length": body.length }).end(body));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const env = {
      MONITOR_BENCH_URL: `http://127.0.0.1:${port}/meshviewer.json`,
      MONITOR_BENCH_RULES: withRules ? "1" : "0",
      MONITOR_BENCH_CYCLES: String(cycles),
      MONITOR_BENCH_RELEASE: release ? "1" : "0",
    };
    const { rssMb, detail } = await child<{ rssMb: number; detail: Record<string, number> }>("rss", runtime, env);
    if (process.env.MONITOR_BENCH_VERBOSE !== undefined) {
      const rounded = JSON.stringify(detail, (_key, value: unknown) => (typeof value === "number" ? Math.round(value * 10) / 10 : value));
      console.log(
        `monitorBench: rss ${runtime === tuned ? "tuned" : "plain node"} ${withRules ? "rules" : "collect"} ${cycles} cycles ${rssMb.toFixed(1)} MB ${rounded}`,
      );
    }
    return rssMb;
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** From cutting a babeld link to the neighbor's client receiving "link lost" in Mesh alerts, seconds;
 * undefined (with the reason printed) where namespaces or babeld are unavailable. */
export async function measureAlertLatency(): Promise<number | undefined> {
  const { babelMeshUnavailable, startBabelMesh } = await import("../mesh-monitor/tests/babelMesh.ts");
  const unavailable = babelMeshUnavailable();
  if (unavailable !== undefined) {
    console.log(`monitorBench: alert_latency_s skipped: ${unavailable}`);
    return undefined;
  }
  const { startTestNeighborhood } = await import("../test/harness/testNeighborhood.ts");
  const { meshBot } = await import("../bots/mesh/meshBot.ts");
  const { parseMonitorConfig, runMonitor } = await import("../mesh-monitor/src/cli.ts");
  const block = await startTestNeighborhood({ bots: [meshBot] });
  try {
    const alertsRoom = block.running.rooms.get("mesh-alerts")!;
    const meshUser = `@mesh:${block.running.neighborhood.server_name}`;
    const neighbor = await block.addNeighbor("latency");
    await neighbor.client.joinRoom(alertsRoom);
    const mesh = await startBabelMesh({ size: 4, prefix: "bsmlat" });
    try {
      const tokenFile = join(mesh.dir, "webhook.token");
      writeFileSync(tokenFile, block.running.secrets.webhook_token, { mode: 0o600 });
      // Streams, and a poll only every 30 s: the alert has to come from the stream, not the poll.
      const config = parseMonitorConfig(
        {
          listen: { host: "127.0.0.1", port: 0 },
          intervalSeconds: 30,
          sources: mesh.nodes.map((node) => ({ type: "babeld", socket: node.socket, name: `babeld@${node.hostname}`, stream: true })),
          alerts: { url: `${block.running.host.url}/_blockshare/webhooks/mesh/alerts`, tokenFile },
          rules: { linkLost: { forSeconds: 1, resolveAfterSeconds: 6 } },
        },
        false,
      );
      const monitor = await runMonitor(config, false, () => {});
      try {
        const deadline = Date.now() + 30_000;
        for (;;) {
          const state = (await (await fetch(`${monitor.url}/api/state`)).json()) as { nodes: unknown[]; links: { level: string }[] };
          if (state.nodes.length === 4 && state.links.filter((link) => link.level !== "lost").length === 5) break;
          if (Date.now() > deadline) throw new Error("the monitor did not see the four routers and five links within 30 s");
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        const cutAt = performance.now();
        mesh.cutLink(2, 3);
        const message = await neighbor.waitForEvent(
          (event) =>
            event.room_id === alertsRoom && event.sender === meshUser && event.type === "m.room.message" && /Link .* is lost/.test(String(event.content.body)),
          "the link-lost message in Mesh alerts",
          30_000,
        );
        return (message.receivedAt - cutAt) / 1000;
      } finally {
        await monitor.stop();
      }
    } finally {
      await mesh.teardown();
    }
  } finally {
    await block.stop();
  }
}

export async function monitorBenchmarks(): Promise<Record<string, number>> {
  return { ...(await monitorCycleBenchmarks()), ...(await alertLatencyBenchmark()) };
}

/** alert_latency_s, or nothing where namespaces or babeld are unavailable. */
export async function alertLatencyBenchmark(): Promise<Record<string, number>> {
  const latency = await measureAlertLatency();
  return latency === undefined ? {} : { alert_latency_s: latency };
}

/** Every figure but alert_latency_s: cycles, scale and memory, in child processes. */
export async function monitorCycleBenchmarks(): Promise<Record<string, number>> {
  const large = await measureCycleIn(tuned, 10_000, true);
  const small = await measureCycleIn(tuned, 1_000, true);
  const largeCollect = await measureCycleIn(tuned, 10_000, false);
  const smallCollect = await measureCycleIn(tuned, 1_000, false);
  const figures: Record<string, number> = {
    monitor_cycle_ratio_10k: large.cycle / large.parse,
    monitor_scale_ratio: large.cycle / small.cycle,
    monitor_rss_mb_10k: await measureRss({ runtime: tuned, release: true }),
    monitor_scrape_ratio_10k: large.scrape / large.parse,
    monitor_release_gc_ratio_10k: (large.release ?? Number.NaN) / large.parse,
    monitor_rss_mb_10k_steady: await measureRss({ runtime: tuned, release: true, cycles: RSS_STEADY_CYCLES }),
    monitor_rss_mb_10k_plain_node: await measureRss({ runtime: plain, release: false }),
    monitor_cycle_ratio_10k_collect_only: largeCollect.cycle / largeCollect.parse,
    monitor_scale_ratio_collect_only: largeCollect.cycle / smallCollect.cycle,
    monitor_rss_mb_10k_collect_only: await measureRss({ runtime: tuned, release: true, withRules: false }),
  };
  console.log(
    `monitorBench: 10k cycle ${large.cycle.toFixed(1)} ms CPU vs JSON.parse ${large.parse.toFixed(1)} ms; 1k cycle ${small.cycle.toFixed(1)} ms; scrape ${large.scrape.toFixed(1)} ms; release GC ${large.release?.toFixed(1)} ms`,
  );
  return figures;
}

const mode = process.env.MONITOR_BENCH_CHILD;
if (mode === "cycles") process.stdout.write(`result=${JSON.stringify(await cyclesChild())}\n`);
else if (mode === "rss") process.stdout.write(`result=${JSON.stringify(await rssChild())}\n`);
else if (import.meta.filename === process.argv[1]) console.log(await monitorBenchmarks());
