// Observability: the rendered prometheus.yml passes `promtool check config` (with the shipped mesh
// rules, with and without workers); every Grafana dashboard query passes `promtool check rules`; every
// metric a query reads is really exported — Synapse's names from its own registry in the venv, the
// bot host's and the mesh monitor's from their real /metrics — and a real Prometheus running the
// rendered config scrapes the bot host and the monitor and answers every dashboard query.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import { parse, stringify } from "yaml";
import { prometheusConfig, shippedMeshAlertRules, SCRAPE_JOBS } from "../observability/prometheusConfig.ts";
import { DASHBOARD_FILE, dashboardQueries, grafanaDashboard, grafanaDashboardJson } from "../observability/grafanaDashboard.ts";
import { exposedMetricNames, promqlMetricNames } from "../observability/metricNames.ts";
import { workerLayout } from "../../../homeserver-config/workers/workerLayout.ts";
import { synapsePython } from "../../src/synapseProcess.ts";
import { HostMetrics } from "../../../appservices/src/hostMetrics.ts";
import { operationsRouter } from "../../../appservices/src/operationsEndpoints.ts";
import { parseMonitorConfig, runMonitor, type RunningMonitor } from "../../../mesh-monitor/src/cli.ts";
import { freePort } from "../../../test/harness/freePort.ts";

const projectRoot = join(import.meta.dirname, "..", "..", "..");
const meshRules = shippedMeshAlertRules(projectRoot);
const promtool = "/usr/bin/promtool";
const prometheusBinary = "/usr/bin/prometheus";
const missing = [promtool, prometheusBinary].filter((binary) => !existsSync(binary));
const skip = missing.length === 0 ? false : `missing ${missing.join(", ")} (apt-get install prometheus)`;
/** Series Prometheus makes itself: scrape health and the alerting rules' state. */
const PROMETHEUS_OWN = new Set(["up", "ALERTS"]);

const workers = workerLayout(
  {
    enabled: true,
    redis_host: "127.0.0.1",
    redis_port: 6379,
    ports: {
      main_http: 8090,
      main_replication: 9093,
      client_reader: 8091,
      federation_reader: 8092,
      event_persister: 8093,
      federation_sender: 8094,
      appservice_notifier: 8095,
      metrics_base: 9101,
    },
  },
  { synapseDir: "/var/lib/blockshare/synapse", secretsDir: "/var/lib/blockshare/secrets" },
  9000,
);
const ports = { synapse_metrics: 9000, appservice: 9009, mesh_map: 9464 };

describe("observability", { skip }, () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "blockshare-observability-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const checkConfig = (text: string) => {
    const file = join(dir, `prometheus-${Math.random().toString(36).slice(2)}.yml`);
    writeFileSync(file, text);
    return spawnSync(promtool, ["check", "config", file], { encoding: "utf8" });
  };

  test("the rendered Prometheus config passes promtool check config, with the mesh rules, without and with workers", () => {
    for (const layout of [undefined, workers]) {
      const text = prometheusConfig({
        serverName: "maple.mesh:8448",
        ports,
        ruleFiles: [meshRules],
        alertmanager: "127.0.0.1:9093",
        ...(layout ? { workers: layout } : {}),
      });
      const result = checkConfig(text);
      assert.equal(result.status, 0, `promtool check config failed:\n${result.stdout}${result.stderr}\n${text}`);
      assert.match(result.stdout, /SUCCESS: 1 rule files found/);
      assert.match(result.stdout, /SUCCESS: \d+ rules found/);
    }
  });

  test("it scrapes Synapse's metrics listeners (main + each worker), the bot host and the monitor, and knows the Alertmanager", () => {
    const config = parse(prometheusConfig({ serverName: "maple.mesh:8448", ports, workers, ruleFiles: [meshRules], alertmanager: "127.0.0.1:9093" })) as {
      global: { external_labels: Record<string, string> };
      rule_files: string[];
      alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
      scrape_configs: { job_name: string; metrics_path: string; static_configs: { targets: string[]; labels?: Record<string, string> }[] }[];
    };
    const job = (name: string) => config.scrape_configs.find((each) => each.job_name === name)!;
    assert.equal(job("synapse").metrics_path, "/_synapse/metrics");
    assert.deepEqual(
      job("synapse").static_configs.map((each) => [each.labels?.worker, each.targets[0]]),
      [["main", "127.0.0.1:9000"], ...workers.workers.map((worker) => [worker.name, `127.0.0.1:${worker.metricsPort}`])],
    );
    assert.equal(workers.workers.length, 5);
    assert.deepEqual(job("blockshare-appservices").static_configs[0]!.targets, ["127.0.0.1:9009"]);
    // The shipped MeshMonitorDown rule reads up{job="mesh-monitor"}.
    assert.match(readFileSync(meshRules, "utf8"), /up\{job="mesh-monitor"\}/);
    assert.deepEqual(job("mesh-monitor").static_configs[0]!.targets, ["127.0.0.1:9464"]);
    assert.deepEqual(config.rule_files, [meshRules]);
    assert.deepEqual(config.alerting.alertmanagers[0]!.static_configs[0]!.targets, ["127.0.0.1:9093"]);
    assert.equal(config.global.external_labels.neighborhood, "maple.mesh:8448");
    const without = parse(prometheusConfig({ serverName: "maple.mesh:8448", ports, ruleFiles: [meshRules] })) as Record<string, unknown>;
    assert.equal(without.alerting, undefined, "no Alertmanager given, no alerting block");
  });

  test("promtool can fail, and bad options get clear errors", () => {
    const broken = prometheusConfig({ serverName: "maple.mesh:8448", ports, ruleFiles: [join(dir, "no-such-rules.yml")] });
    assert.notEqual(checkConfig(broken).status, 0, "a missing rule file fails the check");
    assert.throws(
      () => prometheusConfig({ serverName: "x", ports, ruleFiles: [], alertmanager: "http://127.0.0.1:9093/" }),
      /alertmanager "http:\/\/127\.0\.0\.1:9093\/" is not host:port \(e\.g\. 127\.0\.0\.1:9093\)/,
    );
    assert.throws(
      () => prometheusConfig({ serverName: "x", ports, ruleFiles: [], scrapeIntervalSeconds: 0 }),
      /not a whole number of seconds between 1 and 3600/,
    );
  });

  test("the dashboard is importable: __inputs, schemaVersion, every panel on ${DS_PROMETHEUS}, and the shipped JSON is current", () => {
    const dashboard = grafanaDashboard() as {
      __inputs: { name: string; pluginId: string }[];
      schemaVersion: number;
      uid: string;
      panels: {
        id: number;
        type: string;
        datasource?: { uid: string };
        targets?: { datasource: { uid: string }; expr: string }[];
        gridPos: { x: number; w: number };
      }[];
    };
    assert.deepEqual(
      dashboard.__inputs.map((input) => [input.name, input.pluginId]),
      [["DS_PROMETHEUS", "prometheus"]],
    );
    assert.ok(dashboard.schemaVersion >= 36);
    const ids = dashboard.panels.map((panel) => panel.id);
    assert.equal(new Set(ids).size, ids.length, "panel ids are unique");
    const dataPanels = dashboard.panels.filter((panel) => panel.type !== "row");
    assert.ok(dataPanels.length >= 20);
    for (const panel of dataPanels) {
      assert.equal(panel.datasource?.uid, "${DS_PROMETHEUS}");
      assert.ok(panel.targets!.length > 0 && panel.targets!.every((target) => target.datasource.uid === "${DS_PROMETHEUS}" && target.expr));
      assert.ok(panel.gridPos.x + panel.gridPos.w <= 24);
    }
    assert.equal(
      readFileSync(DASHBOARD_FILE, "utf8"),
      grafanaDashboardJson(),
      "grafana-dashboard.json is stale: node deploy/production/observability/grafanaDashboard.ts --write",
    );
  });

  test("every dashboard query passes promtool check rules (and a broken one would not)", () => {
    const asRules = (exprs: string[]) => {
      const file = join(dir, `dashboard-rules-${Math.random().toString(36).slice(2)}.yml`);
      writeFileSync(file, stringify({ groups: [{ name: "dashboard", rules: exprs.map((expr, index) => ({ record: `dashboard:query_${index}`, expr })) }] }));
      return spawnSync(promtool, ["check", "rules", file], { encoding: "utf8" });
    };
    const queries = dashboardQueries();
    const result = asRules(queries.map(({ query }) => query.expr));
    assert.equal(result.status, 0, `promtool check rules failed:\n${result.stdout}${result.stderr}`);
    assert.match(result.stdout, new RegExp(`SUCCESS: ${queries.length} rules found`));
    assert.notEqual(asRules(["sum by (le (rate(x[5m]))"]).status, 0);
  });

  test("the PromQL reader finds metric names and nothing else", () => {
    assert.deepEqual(promqlMetricNames('histogram_quantile(0.95, sum by (le, bot) (rate(blockshare_event_processing_seconds_bucket{job="a",x=~"5.."}[5m])))'), [
      "blockshare_event_processing_seconds_bucket",
    ]);
    assert.deepEqual(promqlMetricNames('count(mesh_node_up{job="m"} == 0) or vector(0)'), ["mesh_node_up"]);
    assert.deepEqual(promqlMetricNames("(a offset 10m == 1) unless on (node) (b == 1)"), ["a", "b"]);
    assert.deepEqual(promqlMetricNames('count by (alertname) (ALERTS{alertstate="firing"})'), ["ALERTS"]);
  });

  describe("every metric the dashboard reads is exported", () => {
    let synapseNames: Set<string>;
    let hostNames: Set<string>;
    let meshNames: Set<string>;
    let monitor: RunningMonitor | undefined;

    before(async () => {
      // Synapse's own registry, after importing the main process and worker apps from the venv:
      // the exact names /_synapse/metrics would offer, with their types.
      const python = spawnSync(
        synapsePython(),
        [
          "-c",
          "import synapse.app.homeserver, synapse.app.generic_worker\nfrom prometheus_client import REGISTRY, generate_latest\nprint(generate_latest(REGISTRY).decode())",
        ],
        { encoding: "utf8", maxBuffer: 32 * 1024 * 1024 },
      );
      assert.equal(python.status, 0, python.stderr);
      synapseNames = exposedMetricNames(python.stdout);
      hostNames = exposedMetricNames(await new HostMetrics(() => 0).registry.metrics());
      const port = await freePort();
      monitor = await runMonitor(parseMonitorConfig({ listen: { port }, intervalSeconds: 1 }, true), true, () => {});
      meshNames = exposedMetricNames(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
    });
    after(async () => {
      await monitor?.stop();
    });

    test("Synapse's, the bot host's and the mesh monitor's", () => {
      // Sanity: the sources are real and distinct.
      assert.ok(synapseNames.has("synapse_http_server_requests_received_total") && synapseNames.size > 150, `Synapse exports ${synapseNames.size} names`);
      assert.ok(hostNames.has("blockshare_transactions_total"));
      assert.ok(meshNames.has("mesh_node_up"));
      const bySource: Record<string, Set<string>> = { synapse: synapseNames, "bot host": hostNames, "mesh monitor": meshNames };
      const problems: string[] = [];
      let checked = 0;
      for (const { panel, query } of dashboardQueries()) {
        const names = promqlMetricNames(query.expr);
        assert.ok(names.length > 0, `${panel}: no metric in ${query.expr}`);
        for (const name of names) {
          checked++;
          if (PROMETHEUS_OWN.has(name)) continue;
          const exporters = Object.entries(bySource)
            .filter(([, set]) => set.has(name))
            .map(([source]) => source);
          if (exporters.length === 0) problems.push(`${panel}: ${name} is exported by nobody (${query.expr})`);
          // A query selects its job; the metric must come from that job's program.
          const job = /job="([^"]+)"/.exec(query.expr)?.[1];
          const expected =
            job === SCRAPE_JOBS.synapse
              ? "synapse"
              : job === SCRAPE_JOBS.appservices
                ? "bot host"
                : job === SCRAPE_JOBS.meshMonitor
                  ? "mesh monitor"
                  : undefined;
          if (expected !== undefined && exporters.length > 0 && !exporters.includes(expected))
            problems.push(`${panel}: ${name} is not exported by the ${expected} (${query.expr})`);
        }
      }
      assert.deepEqual(problems, []);
      assert.ok(checked >= 30, `checked ${checked} metric references`);
      assert.ok(!synapseNames.has("synapse_made_up_metric_total"), "a made-up name is not found (the check can fail)");
    });
  });

  describe("a real Prometheus running the rendered config", () => {
    let prometheus: ChildProcess | undefined;
    let monitor: RunningMonitor | undefined;
    let botHost: Server | undefined;
    let promUrl: string;
    let stderr = "";

    before(async () => {
      // The bot host's real /metrics endpoint and registry, with one transaction and one command seen.
      const metrics = new HostMetrics(() => 2);
      metrics.transactions.inc({ outcome: "accepted" });
      metrics.eventsProcessed.inc({ bot: "share", outcome: "ok" });
      metrics.eventProcessingSeconds.observe({ bot: "share" }, 0.03);
      const app = express();
      app.use(operationsRouter(metrics, () => 2));
      const [appservicePort, meshPort, synapsePort, promPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
      botHost = createServer(app);
      await new Promise<void>((resolve) => botHost!.listen(appservicePort, "127.0.0.1", resolve));
      monitor = await runMonitor(parseMonitorConfig({ listen: { port: meshPort }, intervalSeconds: 1 }, true), true, () => {});
      // Synapse is not running: its target must show as down, not break anything.
      const config = prometheusConfig({
        serverName: "maple.mesh:8448",
        ports: { synapse_metrics: synapsePort, appservice: appservicePort, mesh_map: meshPort },
        ruleFiles: [meshRules],
        scrapeIntervalSeconds: 1,
      });
      writeFileSync(join(dir, "live.yml"), config);
      promUrl = `http://127.0.0.1:${promPort}`;
      prometheus = spawn(
        prometheusBinary,
        [`--config.file=${join(dir, "live.yml")}`, `--storage.tsdb.path=${join(dir, "tsdb")}`, `--web.listen-address=127.0.0.1:${promPort}`],
        { stdio: ["ignore", "ignore", "pipe"] },
      );
      prometheus.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    });
    after(async () => {
      if (prometheus && prometheus.exitCode === null) {
        const exited = new Promise((resolve) => prometheus!.once("exit", resolve));
        prometheus.kill("SIGTERM");
        await exited;
      }
      await monitor?.stop();
      await new Promise((resolve) => botHost?.close(resolve));
    });

    const query = async (expr: string) => {
      const response = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await response.json()) as {
        status: string;
        error?: string;
        data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      return { ok: response.ok && body.status === "success", error: body.error, result: body.data?.result ?? [] };
    };

    const waitFor = async (what: string, check: () => Promise<boolean>, ms = 30_000) => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        if (await check().catch(() => false)) return;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.fail(`${what} within ${ms / 1000} s; prometheus said:\n${stderr}`);
    };

    test("scrapes the bot host and the monitor (Synapse down shows as down) and answers every dashboard query", async () => {
      const up = async () => Object.fromEntries((await query("up")).result.map((series) => [series.metric.job, series.value[1]]));
      await waitFor("all three jobs scraped", async () => Object.keys(await up()).length === 3);
      assert.deepEqual(await up(), { synapse: "0", "blockshare-appservices": "1", "mesh-monitor": "1" });
      // rate() over [5m] needs two samples of each series.
      await waitFor(
        "two scrapes of the bot host",
        async () => (await query('sum(rate(blockshare_transactions_total{job="blockshare-appservices"}[5m]))')).result.length > 0,
      );

      const withData = new Set<string>();
      for (const {
        panel,
        query: { expr },
      } of dashboardQueries()) {
        const answer = await query(expr);
        assert.ok(answer.ok, `${panel}: Prometheus refused ${expr}: ${answer.error}`);
        if (answer.result.length > 0) withData.add(panel);
      }
      for (const panel of [
        "Bots (appservice host) / Events waiting",
        "Bots (appservice host) / Transactions from Synapse",
        "Bots (appservice host) / Command latency",
        "Mesh / Nodes up",
        "Mesh / Link quality",
        "Mesh / Internet uplink",
        "Homeserver (Synapse) / Synapse processes",
      ]) {
        assert.ok(withData.has(panel), `${panel} shows data`);
      }
      const waiting = await query(`blockshare_inbox_pending{job="blockshare-appservices"}`);
      assert.equal(waiting.result[0]?.value[1], "2");
      const nodes = await query(`sum(mesh_node_up{job="mesh-monitor"})`);
      assert.equal(nodes.result[0]?.value[1], "7", "the simulated mesh's seven rooftops are up");
    });
  });
});
