// The monitor's HTTP server as the CLI assembles it (simulated mesh + NetJSON push): bad pushes are
// refused with a clear 4xx, counted in /metrics, and neither crash the monitor nor erase what it knew.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseMonitorConfig, runMonitor, type RunningMonitor } from "../src/cli.ts";
import { MeshMetrics } from "../src/metrics/meshMetrics.ts";
import { MeshMonitor } from "../src/monitor.ts";
import { parseRulesConfig } from "../src/rules/config.ts";
import { startMonitorServer, type RunningServer } from "../src/server/httpServer.ts";
import { SimulatedMesh } from "../src/simulation/simulatedMesh.ts";

const samples = "/work/shared/telemetry-samples/netjson";
const token = "push-secret";

interface StateBody {
  nodes: { id: string; status: string }[];
  links: { source: string; target: string }[];
}

describe("monitor HTTP server and NetJSON push", () => {
  let running: RunningMonitor;
  let dir: string;

  const push = (body: string, headers: Record<string, string> = { authorization: `Bearer ${token}` }, query = "") =>
    fetch(`${running.url}/api/push/netjson${query}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  const state = async (): Promise<StateBody> => (await (await fetch(`${running.url}/api/state`)).json()) as StateBody;
  const rejected = async (reason: string): Promise<number> => {
    const text = await (await fetch(`${running.url}/metrics`)).text();
    const line = text
      .split("\n")
      .find((row) => row.startsWith("mesh_telemetry_rejected_total{") && row.includes(`source="push:netjson"`) && row.includes(`reason="${reason}"`));
    return line === undefined ? 0 : Number(line.split(" ").at(-1));
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "bsmesh-server-"));
    writeFileSync(join(dir, "push.token"), `${token}\n`);
    const config = parseMonitorConfig({ listen: { port: 0 }, push: { tokenFile: join(dir, "push.token"), maxBytes: 1024 * 1024 }, intervalSeconds: 0.2 }, true);
    running = await runMonitor(config, true, () => {});
    await running.monitor.runCycle();
  });

  after(async () => {
    await running?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the map, /health, /metrics with the mesh series, and /api/state", async () => {
    const page = await fetch(`${running.url}/`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<svg id="map"/);
    assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org)/, "no external URL in the page");
    assert.equal(((await (await fetch(`${running.url}/health`)).json()) as { status: string }).status, "ok");
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    assert.match(metrics, /mesh_node_up\{node="rooftop-gw"\} 1/);
    assert.match(metrics, /mesh_uplink_up 1/);
    assert.equal((await state()).nodes.length, 7);
    const missing = await fetch(`${running.url}/nope`);
    assert.equal(missing.status, 404);
    assert.match(((await missing.json()) as { error: string }).error, /try \//);
  });

  it("accepts a good NetworkGraph push and shows it", async () => {
    const graph = readFileSync(join(samples, "netjson-spec-network-graph.json"), "utf8");
    const response = await push(graph);
    assert.equal(response.status, 202, await response.clone().text());
    const body = (await response.json()) as { ok: boolean; nodes: number };
    assert.equal(body.ok, true);
    await running.monitor.runCycle();
    assert.ok((await state()).nodes.length > 7, "the pushed graph's nodes join the simulated ones");
  });

  it("refuses missing and wrong tokens (401) and counts them", async () => {
    const before = await rejected("protocol");
    assert.equal((await push("{}", {})).status, 401);
    assert.equal((await push("{}", { authorization: "Bearer wrong" })).status, 401);
    assert.equal((await rejected("protocol")) - before, 2);
  });

  it("refuses truncated JSON, wrong types, NaN and Infinity with a 4xx that says what is accepted", async () => {
    const graph = readFileSync(join(samples, "netjson-spec-network-graph.json"), "utf8");
    const cases: [string, string, number, RegExp][] = [
      ["truncated", graph.slice(0, graph.length / 2), 400, /not valid JSON/],
      ["NaN literal", graph.replace(/"cost":\s*[\d.]+/, '"cost": NaN'), 400, /not valid JSON/],
      ["wrong type", graph.replace(/"cost":\s*[\d.]+/, '"cost": "cheap"'), 422, /cost/],
      ["Infinity", graph.replace(/"cost":\s*[\d.]+/, '"cost": 1e999'), 422, /cost|finite/i],
      ["an array", "[1,2,3]", 422, /JSON object/],
      ["unknown type", '{"type":"Toaster"}', 422, /Toaster/],
      ["monitoring without node", readFileSync(join(samples, "netjson-spec-device-monitoring.json"), "utf8"), 422, /\?node=/],
    ];
    const before = await state();
    for (const [name, body, status, message] of cases) {
      const response = await push(body);
      assert.equal(response.status, status, `${name}: ${await response.clone().text()}`);
      const json = (await response.json()) as { ok: boolean; error: string; accepted: string };
      assert.equal(json.ok, false);
      assert.match(json.error, message, name);
      assert.match(json.accepted, /NetworkGraph/, `${name} says what is accepted`);
    }
    await running.monitor.runCycle();
    assert.deepEqual((await state()).nodes.map((node) => node.id).sort(), before.nodes.map((node) => node.id).sort(), "the last good state is kept");
    assert.ok((await rejected("malformed")) >= 2);
    assert.ok((await rejected("wrong_type")) >= 1);
    assert.ok((await rejected("not_finite")) + (await rejected("wrong_type")) >= 2);
  });

  it("refuses a 50 MB body without reading it, counts it, and keeps running", async () => {
    const before = await rejected("too_large");
    const size = 50 * 1024 * 1024;
    // Declared length: refused at once.
    const declared = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${running.url}/api/push/netjson`,
        { method: "POST", headers: { authorization: `Bearer ${token}`, "content-length": String(size) } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on("error", reject);
      req.write(Buffer.alloc(64 * 1024, 32));
    });
    assert.equal(declared, 413);
    // Streamed (chunked, no length): cut off once past the cap.
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${running.url}/api/push/netjson`,
        { method: "POST", headers: { authorization: `Bearer ${token}`, "transfer-encoding": "chunked" } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on("error", (error) => (String(error).includes("EPIPE") || String(error).includes("ECONNRESET") ? undefined : reject(error)));
      const chunk = Buffer.alloc(1024 * 1024, 32);
      let sent = 0;
      const pump = (): void => {
        while (sent < size && !req.destroyed) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once("drain", pump);
            return;
          }
        }
        if (!req.destroyed) req.end();
      };
      pump();
    });
    assert.equal(streamed, 413);
    assert.equal((await rejected("too_large")) - before, 2);
    const health = await fetch(`${running.url}/health`);
    assert.equal(health.status, 200, "the monitor still answers");
    await running.monitor.runCycle();
    assert.ok((await state()).nodes.length > 7);
  });

  it("GET on the push endpoint says to POST", async () => {
    const response = await fetch(`${running.url}/api/push/netjson`);
    assert.equal(response.status, 405);
    assert.match(((await response.json()) as { error: string }).error, /POST/);
  });
});

describe("monitor HTTP server, its edges", () => {
  let server: RunningServer;
  let failing = false;

  before(async () => {
    const monitor = new MeshMonitor({ sources: [new SimulatedMesh()], rules: parseRulesConfig({}) });
    const metrics = new MeshMetrics();
    // A renderer that can be made to fail: a bug while answering is a 500 with JSON, and the server keeps serving.
    const renderer = {
      contentType: metrics.contentType,
      render: () => (failing ? Promise.reject(new Error("renderer broke")) : metrics.render()),
    };
    server = await startMonitorServer({ monitor, metrics: renderer });
    await monitor.runCycle();
  });

  after(async () => {
    await server?.close();
  });

  it("without a push token, push is refused (403) and says why", async () => {
    const response = await fetch(`${server.url}/api/push/netjson`, { method: "POST", headers: { authorization: "Bearer anything" }, body: "{}" });
    assert.equal(response.status, 403);
    assert.match(((await response.json()) as { error: string }).error, /not enabled/);
  });

  it("answers HEAD like GET without a body, and only the paths as written", async () => {
    const head = await fetch(`${server.url}/api/state`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.match(head.headers.get("content-type") ?? "", /application\/json/);
    assert.equal(await head.text(), "");
    for (const path of ["/api/state/", "/API/state", "/api/state.json"]) {
      const response = await fetch(`${server.url}${path}`);
      assert.equal(response.status, 404, path);
      assert.match(((await response.json()) as { error: string }).error, /try \//, path);
    }
    const wrongMethod = await fetch(`${server.url}/metrics`, { method: "DELETE" });
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get("allow"), "GET");
  });

  it("a failure while answering is a 500 that says what broke, and the next request is served", async () => {
    failing = true;
    const broken = await fetch(`${server.url}/metrics`);
    failing = false;
    assert.equal(broken.status, 500);
    assert.deepEqual(await broken.json(), { ok: false, error: "internal error: renderer broke" });
    assert.equal((await fetch(`${server.url}/metrics`)).status, 200);
  });
});
