// The Prometheus path, with Debian's real binaries on loopback ports and temp dirs: the shipped rules
// pass `promtool check rules`, the shipped Alertmanager config passes `amtool check-config`, and then
// Prometheus scrapes the monitor (simulated mesh, one node down), evaluates MeshNodeDown, and
// Alertmanager POSTs Alertmanager JSON with the bearer token to a loopback intake.
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { parseMonitorConfig, runMonitor, type RunningMonitor } from "../src/cli.ts";
import type { AlertmanagerWebhook } from "../src/alerts/webhookPayload.ts";
import { freePort } from "../../test/harness/freePort.ts";

const here = join(import.meta.dirname, "..", "prometheus");
const rulesFile = join(here, "mesh-alerts.rules.yml");
const alertmanagerFile = join(here, "alertmanager.yml");
const binaries = ["/usr/bin/prometheus", "/usr/bin/prometheus-alertmanager", "/usr/bin/promtool", "/usr/bin/amtool"];
const missing = binaries.filter((binary) => !existsSync(binary));

describe("Prometheus and Alertmanager with the shipped rules", {
  skip: missing.length === 0 ? false : `missing ${missing.join(", ")} (apt-get install prometheus prometheus-alertmanager)`,
}, () => {
  let dir: string;
  let monitor: RunningMonitor;
  let intake: Server;
  const received: { body: AlertmanagerWebhook; authorization: string }[] = [];
  const children: ChildProcess[] = [];
  const token = "alertmanager-intake-token";

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "bsmesh-prom-"));
    intake = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        received.push({ body: JSON.parse(body) as AlertmanagerWebhook, authorization: request.headers.authorization ?? "" });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => intake.listen(0, "127.0.0.1", resolve));
    const intakeUrl = `http://127.0.0.1:${(intake.address() as AddressInfo).port}/_blockshare/webhooks/mesh/alerts`;
    const monitorPort = await freePort();
    monitor = await runMonitor(
      parseMonitorConfig({ listen: { port: monitorPort }, intervalSeconds: 1, simulation: { offline: ["garden-shed"] } }, true),
      true,
      () => {},
    );

    // The shipped files, with hold times shortened for a test and the intake pointed at loopback.
    const rules = parse(readFileSync(rulesFile, "utf8")) as { groups: { rules: { for?: string; keep_firing_for?: string }[] }[] };
    for (const rule of rules.groups.flatMap((group) => group.rules)) {
      if (rule.for !== undefined) rule.for = "1s";
      if (rule.keep_firing_for !== undefined) rule.keep_firing_for = "1s";
    }
    writeFileSync(join(dir, "rules.yml"), stringify(rules));
    const am = parse(readFileSync(alertmanagerFile, "utf8")) as {
      route: Record<string, unknown>;
      receivers: { webhook_configs: { url: string; http_config: { authorization: { credentials_file: string } } }[] }[];
    };
    Object.assign(am.route, { group_wait: "1s", group_interval: "2s" });
    const webhook = am.receivers[0]!.webhook_configs[0]!;
    webhook.url = intakeUrl;
    webhook.http_config.authorization.credentials_file = join(dir, "intake.token");
    writeFileSync(join(dir, "intake.token"), token);
    writeFileSync(join(dir, "alertmanager.yml"), stringify(am));

    const [amPort, amClusterPort, promPort] = [await freePort(), await freePort(), await freePort()];
    writeFileSync(
      join(dir, "prometheus.yml"),
      stringify({
        global: { scrape_interval: "1s", evaluation_interval: "1s" },
        rule_files: [join(dir, "rules.yml")],
        alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] },
        scrape_configs: [{ job_name: "mesh-monitor", static_configs: [{ targets: [`127.0.0.1:${monitorPort}`] }] }],
      }),
    );
    const start = (command: string, args: string[]): void => {
      const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
      let log = "";
      child.stderr?.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
      child.on("exit", (code) => {
        if (code !== null && code !== 0) console.error(`# ${command} exited ${code}: ${log}`);
      });
      children.push(child);
    };
    start("/usr/bin/prometheus-alertmanager", [
      `--config.file=${join(dir, "alertmanager.yml")}`,
      `--storage.path=${join(dir, "am")}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      `--cluster.listen-address=127.0.0.1:${amClusterPort}`,
      "--cluster.peer-timeout=1s",
    ]);
    start("/usr/bin/prometheus", [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "prom")}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ]);
  });

  after(async () => {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once("exit", resolve)) : undefined)));
    await monitor?.stop();
    await new Promise((resolve) => intake?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it("the shipped rules pass promtool and the shipped Alertmanager config passes amtool", () => {
    assert.match(execFileSync("/usr/bin/promtool", ["check", "rules", rulesFile], { encoding: "utf8" }), /SUCCESS: 10 rules found/);
    assert.match(execFileSync("/usr/bin/amtool", ["check-config", alertmanagerFile], { encoding: "utf8" }), /SUCCESS/);
  });

  it("Prometheus scrapes the monitor, fires MeshNodeDown for the offline node, and Alertmanager delivers it to the intake", async () => {
    const deadline = Date.now() + 60_000;
    let found: (typeof received)[number] | undefined;
    while (Date.now() < deadline && found === undefined) {
      found = received.find((entry) => entry.body.alerts.some((alert) => alert.labels.alertname === "MeshNodeDown" && alert.status === "firing"));
      if (found === undefined) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.ok(found, `no MeshNodeDown from Alertmanager within 60 s; received ${received.length} posts`);
    assert.equal(found.authorization, `Bearer ${token}`);
    assert.equal(found.body.version, "4");
    assert.equal(found.body.receiver, "blockshare-mesh");
    assert.deepEqual(found.body.groupLabels, { alertname: "MeshNodeDown" });
    const alert = found.body.alerts.find((each) => each.labels.alertname === "MeshNodeDown")!;
    assert.equal(alert.labels.node, "garden-shed");
    assert.equal(alert.labels.severity, "critical");
    assert.equal(alert.annotations.summary, "Node garden-shed is down");
    assert.match(alert.fingerprint, /^[0-9a-f]{16}$/);
    const others = found.body.alerts.filter((each) => each.labels.node !== "garden-shed");
    assert.deepEqual(others, [], "only the offline node is down");
  });
});
