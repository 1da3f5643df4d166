// Mesh monitor figures (issue 6), each against a baseline measured in the same run:
// - monitor_cycle_ratio_10k: CPU time of one collect-and-evaluate cycle over a generated 10,000-node
//   meshviewer.json (parse + normalize + rules evaluation when present + metrics update) divided by
//   JSON.parse of the same bytes. Goal ≤ 3.
// - monitor_scale_ratio: that cycle at 10,000 nodes divided by the cycle at 1,000. Goal ≤ 11.
// - monitor_rss_mb_10k: resident memory of a spawned child holding 10,000 nodes and 20,000 links loaded
//   (parsed, evaluated, exported and scraped once), after GC. Goal ≤ 150.
// - monitor_scrape_ratio_10k (extra): CPU of rendering /metrics for that state ÷ the same JSON.parse.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseTelemetry } from "../mesh-monitor/src/collectors/formats.ts";
import { MeshMetrics, type MetricsState } from "../mesh-monitor/src/metrics/meshMetrics.ts";
import type { MeshSnapshot } from "../mesh-monitor/src/model.ts";

const REPETITIONS = 7;

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

type Evaluate = (previous: unknown, reports: readonly unknown[], now: number, config: unknown) => { state: unknown; view: MetricsState & { nodes: { id: string; status?: string }[] } };

/** The rules helper's evaluator, when it exists in this tree (it is built in parallel). */
async function loadRules(): Promise<{ evaluate: Evaluate; config: unknown } | undefined> {
  try {
    const evaluate = await import("../mesh-monitor/src/rules/evaluate.ts");
    const config = await import("../mesh-monitor/src/rules/config.ts");
    return { evaluate: evaluate.evaluateRules as unknown as Evaluate, config: config.defaultRulesConfig };
  } catch {
    return undefined;
  }
}

function cpuMs(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** One monitor holding state across cycles, as the running service does. */
function monitorCycle(rules: Awaited<ReturnType<typeof loadRules>>) {
  const metrics = new MeshMetrics();
  let ruleState: unknown;
  let cycle = 0;
  return (text: string): MeshSnapshot => {
    const now = Date.UTC(2020, 4, 13, 11, 12) + cycle++ * 60_000;
    const snapshot = parseTelemetry("meshviewer", text, { source: "bench", collectedAt: now });
    if (rules) {
      const result = rules.evaluate(ruleState, [{ source: "bench", ok: true, snapshot }], now, rules.config);
      ruleState = result.state;
      const down = new Set(result.view.nodes.filter((n) => (n as { status?: string }).status === "down").map((n) => n.id));
      metrics.update({ state: result.view, nodeUp: (id) => !down.has(id) });
    } else {
      metrics.update({ state: snapshot, nodeUp: (id) => snapshot.nodes.find((n) => n.id === id)?.reportedOnline !== false });
    }
    return snapshot;
  };
}

async function measureCycle(nodes: number, rules: Awaited<ReturnType<typeof loadRules>>): Promise<{ cycle: number; parse: number; scrape: number }> {
  const text = generateMeshviewer(nodes);
  const run = monitorCycle(rules);
  for (let i = 0; i < 3; i++) run(text); // warm the JIT and the rules' knowledge (steady state)
  const cycles: number[] = [];
  const parses: number[] = [];
  for (let i = 0; i < REPETITIONS; i++) {
    parses.push(cpuMs(() => JSON.parse(text)));
    cycles.push(cpuMs(() => run(text)));
  }
  const metrics = new MeshMetrics();
  const snapshot = run(text);
  metrics.update({ state: snapshot, nodeUp: () => true });
  await metrics.render();
  const scrapes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = process.cpuUsage();
    await metrics.render();
    const used = process.cpuUsage(start);
    scrapes.push((used.user + used.system) / 1000);
  }
  return { cycle: median(cycles), parse: median(parses), scrape: median(scrapes) };
}

/** Spawns this module as a child that loads 10,000 nodes and reports its RSS. */
async function measureChildRss(withRules: boolean): Promise<number> {
  // The child reads the bytes as a monitor receives them, so the generator's own objects are not counted.
  const dir = mkdtempSync(join(tmpdir(), "monitor-bench-"));
  const file = join(dir, "meshviewer.json");
  writeFileSync(file, generateMeshviewer(10_000));
  try {
    return await childRss(withRules, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function childRss(withRules: boolean, file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, MONITOR_BENCH_CHILD: "1", MONITOR_BENCH_RULES: withRules ? "1" : "0", MONITOR_BENCH_FILE: file };
    const child = spawn(process.execPath, ["--expose-gc", import.meta.filename], { env, stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.once("exit", (code) => {
      const match = /rss_mb=([\d.]+)/.exec(output);
      if (code === 0 && match) resolve(Number(match[1]));
      else reject(new Error(`the RSS child exited with ${code}: ${output}`));
    });
  });
}

async function childMain(): Promise<void> {
  const rules = process.env.MONITOR_BENCH_RULES === "0" ? undefined : await loadRules();
  const run = monitorCycle(rules);
  let text: string | undefined = readFileSync(process.env.MONITOR_BENCH_FILE!, "utf8");
  // Two cycles: the state a running monitor holds after its second poll.
  run(text);
  const held = run(text);
  text = undefined;
  const metrics = new MeshMetrics();
  metrics.update({ state: held, nodeUp: () => true });
  await metrics.render();
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) gc?.();
  await new Promise((resolve) => setTimeout(resolve, 200));
  if (held.nodes.length !== 10_000 || held.links.length !== 20_000) throw new Error("the child did not hold the whole mesh");
  process.stdout.write(`rss_mb=${process.memoryUsage().rss / 1024 / 1024}\n`);
}

export async function monitorBenchmarks(): Promise<Record<string, number>> {
  const rules = await loadRules();
  if (!rules) console.log("monitorBench: mesh-monitor/src/rules/evaluate.ts not loadable; cycle measured without rule evaluation");
  const small = await measureCycle(1_000, rules);
  const large = await measureCycle(10_000, rules);
  const figures: Record<string, number> = {
    monitor_cycle_ratio_10k: large.cycle / large.parse,
    monitor_scale_ratio: large.cycle / small.cycle,
    monitor_rss_mb_10k: await measureChildRss(rules !== undefined),
    monitor_scrape_ratio_10k: large.scrape / large.parse,
  };
  if (rules) {
    // The same figures without rule evaluation, so collectors+metrics and rules can be told apart.
    const smallCollect = await measureCycle(1_000, undefined);
    const largeCollect = await measureCycle(10_000, undefined);
    figures.monitor_cycle_ratio_10k_collect_only = largeCollect.cycle / largeCollect.parse;
    figures.monitor_scale_ratio_collect_only = largeCollect.cycle / smallCollect.cycle;
    figures.monitor_rss_mb_10k_collect_only = await measureChildRss(false);
  }
  return figures;
}

if (process.env.MONITOR_BENCH_CHILD === "1") await childMain();
else if (import.meta.filename === process.argv[1]) console.log(await monitorBenchmarks());
