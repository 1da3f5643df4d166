// A real mesh: four babeld routers in network namespaces (1 s hellos), the monitor as the CLI builds
// it reading each router's local socket, and a webhook receiver on loopback standing in for the
// appservice host. Cut a link, flap a link, stop a router, withdraw the default route — and check what
// the neighbors would be told, and how often.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { parseMonitorConfig, runMonitor, type RunningMonitor } from "../src/cli.ts";
import type { AlertmanagerWebhook } from "../src/alerts/webhookPayload.ts";
import { babelMeshUnavailable, startBabelMesh, type BabelMesh } from "./babelMesh.ts";

const unavailable = babelMeshUnavailable();

interface Received {
  at: number;
  body: AlertmanagerWebhook;
}

/** The appservice host's alert intake, as far as the monitor can tell: POST + bearer token. */
async function startReceiver(token: string): Promise<{ url: string; received: Received[]; unauthorized: number; server: Server }> {
  const state = { received: [] as Received[], unauthorized: 0 };
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      if (request.headers.authorization !== `Bearer ${token}`) {
        state.unauthorized++;
        response.writeHead(401).end();
        return;
      }
      state.received.push({ at: Date.now(), body: JSON.parse(body) as AlertmanagerWebhook });
      response.writeHead(200).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/_blockshare/webhooks/mesh/alerts`,
    received: state.received,
    get unauthorized() {
      return state.unauthorized;
    },
    server,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("a real babeld mesh in network namespaces", { skip: unavailable === undefined ? false : `skipped: ${unavailable}` }, () => {
  let mesh: BabelMesh;
  let monitor: RunningMonitor;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const token = "test-intake-token";

  const alerts = () => receiver.received.flatMap((entry) => entry.body.alerts.map((alert) => ({ ...alert, at: entry.at })));
  const linkLabel = (a: number, b: number): string => [mesh.nodes[a - 1]!.routerId, mesh.nodes[b - 1]!.routerId].sort().join("--");
  async function waitForAlert(description: string, predicate: (alert: ReturnType<typeof alerts>[number]) => boolean, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = alerts().find(predicate);
      if (found !== undefined) return found;
      await sleep(100);
    }
    assert.fail(
      `no ${description} within ${timeoutMs} ms; received: ${
        alerts()
          .map((alert) => `${alert.labels.alertname}/${alert.status}`)
          .join(", ") || "nothing"
      }`,
    );
  }

  before(async () => {
    receiver = await startReceiver(token);
    mesh = await startBabelMesh({ size: 4 });
    // Let link costs settle (a fresh babel neighbour starts with a poor reach bitmap).
    for (let i = 0; i < 40; i++) {
      const dumps = await Promise.all(mesh.nodes.map((node) => mesh.dump(node.index)));
      const costs = dumps.flatMap((dump) => [...dump.matchAll(/ cost (\d+)$/gm)].map((match) => Number(match[1])));
      if (costs.length >= 10 && costs.every((cost) => cost < 400)) break;
      await sleep(250);
    }
    writeFileSync(`${mesh.dir}/intake.token`, token);
    const config = parseMonitorConfig(
      {
        listen: { host: "127.0.0.1", port: 0 },
        intervalSeconds: 1,
        sources: mesh.nodes.map((node) => ({ type: "babeld", socket: node.socket, name: `babeld@${node.hostname}`, timeoutSeconds: 2 })),
        alerts: { url: receiver.url, tokenFile: `${mesh.dir}/intake.token` },
        rules: {
          linkLost: { forSeconds: 1, resolveAfterSeconds: 6 },
          linkDegraded: { enterForSeconds: 60, leaveForSeconds: 5 },
          // A restarted babeld hears its neighbours again over a few hello intervals: node down stays until
          // its links are back, as the production defaults (120 s each) make sure.
          nodeDown: { silenceSeconds: 3, resolveAfterSeconds: 6 },
          uplink: { forSeconds: 1, resolveAfterSeconds: 2 },
          collectorBlind: { afterSeconds: 3 },
        },
      },
      false,
    );
    monitor = await runMonitor(config, false, () => {});
    // Warm up: the monitor sees all four routers, their links and the uplink.
    for (let i = 0; i < 50; i++) {
      const state = (await (await fetch(`${monitor.url}/api/state`)).json()) as {
        nodes: unknown[];
        links: { level: string }[];
        uplink: { up: boolean | null };
      };
      if (state.nodes.length === 4 && state.links.filter((link) => link.level !== "lost").length === 5 && state.uplink.up === true) break;
      await sleep(200);
    }
  });

  after(async () => {
    await monitor?.stop();
    await mesh?.teardown();
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  it("sees four routers (named by their hostnames), five links and the uplink, and has nothing to say yet", async () => {
    const state = (await (await fetch(`${monitor.url}/api/state`)).json()) as {
      nodes: { name: string; status: string; gateway: boolean }[];
      links: { level: string }[];
      uplink: { up: boolean };
    };
    assert.deepEqual(state.nodes.map((node) => node.name).sort(), ["bsmesh-n1", "bsmesh-n2", "bsmesh-n3", "bsmesh-n4"]);
    assert.ok(state.nodes.every((node) => node.status === "up"));
    assert.equal(state.links.filter((link) => link.level !== "lost").length, 5);
    assert.equal(state.uplink.up, true);
    assert.deepEqual(
      state.nodes.filter((node) => node.gateway).map((node) => node.name),
      ["bsmesh-n1"],
    );
    assert.deepEqual(alerts(), []);
  });

  it("cut a link → one 'link lost' at the intake within seconds, with the bearer token; restore → resolved", async () => {
    const cutAt = Date.now();
    mesh.cutLink(2, 3);
    const firing = await waitForAlert("link lost", (alert) => alert.labels.alertname === "MeshLinkLost" && alert.status === "firing", 15_000).catch(
      (error: unknown) => {
        mesh.restoreLink(2, 3);
        throw error;
      },
    );
    const latency = (firing.at - cutAt) / 1000;
    console.log(`# alert latency (link cut → intake): ${latency.toFixed(1)} s`);
    assert.ok(latency <= 10, `alert latency ${latency} s`);
    assert.equal(firing.labels.link, linkLabel(2, 3));
    mesh.restoreLink(2, 3);
    assert.match(firing.labels.link_name ?? "", /^(bsmesh-n2 ↔ bsmesh-n3|bsmesh-n3 ↔ bsmesh-n2)$/);
    assert.equal(receiver.unauthorized, 0);
    const resolved = await waitForAlert("link lost resolved", (alert) => alert.labels.alertname === "MeshLinkLost" && alert.status === "resolved", 20_000);
    assert.equal(resolved.fingerprint, firing.fingerprint);
    const payload = receiver.received.find((entry) => entry.body.alerts.some((alert) => alert.status === "resolved"))!.body;
    assert.equal(payload.version, "4");
    assert.equal(payload.groupLabels.alertname, "MeshLinkLost");
    assert.match(payload.groupKey, /MeshLinkLost/);
    assert.equal(payload.status, "resolved");
  });

  it("a link flapping every 2 s for 14 s is at most one alert per hysteresis window (6 s)", async () => {
    const before = alerts().length;
    const label = linkLabel(3, 4);
    for (let i = 0; i < 7; i++) {
      if (i % 2 === 0) mesh.cutLink(3, 4);
      else mesh.restoreLink(3, 4);
      await sleep(2000);
    }
    mesh.restoreLink(3, 4);
    const during = alerts()
      .slice(before)
      .filter((alert) => alert.labels.link === label);
    assert.ok(during.filter((alert) => alert.status === "firing").length <= 1, `firing during the flap: ${during.length}`);
    await waitForAlert("the flapping link resolved", (alert) => alert.labels.link === label && alert.status === "resolved", 20_000);
    const all = alerts()
      .slice(before)
      .filter((alert) => alert.labels.link === label);
    assert.deepEqual(
      all.map((alert) => alert.status),
      ["firing", "resolved"],
      "one incident: fired once, resolved once",
    );
  });

  it("stop a router's babeld → 'node down' (critical) and no separate link or collector alerts; restart → resolved", async () => {
    const before = alerts().length;
    const id = mesh.nodes[3]!.routerId;
    await mesh.stopNode(4);
    const down = await waitForAlert("node down", (alert) => alert.labels.alertname === "MeshNodeDown" && alert.status === "firing", 15_000);
    assert.equal(down.labels.node, id);
    assert.equal(down.labels.node_name, "bsmesh-n4");
    assert.equal(down.labels.severity, "critical");
    const state = (await (await fetch(`${monitor.url}/api/state`)).json()) as { nodes: { id: string; status: string }[] };
    assert.equal(state.nodes.find((node) => node.id === id)?.status, "down", "the map marks it offline");
    await mesh.startNode(4);
    await waitForAlert("node down resolved", (alert) => alert.labels.alertname === "MeshNodeDown" && alert.status === "resolved", 20_000);
    const names = alerts()
      .slice(before)
      .map((alert) => `${alert.labels.alertname}/${alert.status}`);
    assert.deepEqual(names, ["MeshNodeDown/firing", "MeshNodeDown/resolved"], "one incident, no link-lost or collector-blind noise");
  });

  it("the gateway stops announcing the default route → 'uplink lost'; it comes back → resolved", async () => {
    const before = alerts().length;
    mesh.withdrawDefault();
    const lost = await waitForAlert("uplink lost", (alert) => alert.labels.alertname === "MeshUplinkLost" && alert.status === "firing", 15_000);
    assert.equal(lost.labels.severity, "critical");
    assert.match(lost.annotations.description ?? "", /local chat/i);
    mesh.restoreDefault();
    await waitForAlert("uplink back", (alert) => alert.labels.alertname === "MeshUplinkLost" && alert.status === "resolved", 15_000);
    assert.deepEqual(
      alerts()
        .slice(before)
        .map((alert) => `${alert.labels.alertname}/${alert.status}`),
      ["MeshUplinkLost/firing", "MeshUplinkLost/resolved"],
    );
  });
  it("with babeld's monitor streams, a cut link is alerted within seconds although the monitor polls only every 30 s", async () => {
    const streamReceiver = await startReceiver(token);
    const streaming = await runMonitor(
      parseMonitorConfig(
        {
          listen: { host: "127.0.0.1", port: 0 },
          intervalSeconds: 30,
          sources: mesh.nodes.map((node) => ({ type: "babeld", socket: node.socket, name: `stream@${node.hostname}`, stream: true })),
          alerts: { url: streamReceiver.url, tokenFile: `${mesh.dir}/intake.token` },
          rules: { linkLost: { forSeconds: 1, resolveAfterSeconds: 6 }, nodeDown: { silenceSeconds: 3, resolveAfterSeconds: 2 } },
        },
        false,
      ),
      false,
      () => {},
    );
    try {
      for (let i = 0; i < 50; i++) {
        const state = (await (await fetch(`${streaming.url}/api/state`)).json()) as { nodes: unknown[]; links: { level: string }[] };
        if (state.nodes.length === 4 && state.links.filter((link) => link.level !== "lost").length === 5) break;
        await sleep(200);
      }
      const cutAt = Date.now();
      mesh.cutLink(1, 2);
      try {
        const deadline = Date.now() + 15_000;
        let firing: AlertmanagerWebhook["alerts"][number] | undefined;
        while (firing === undefined && Date.now() < deadline) {
          firing = streamReceiver.received
            .flatMap((entry) => entry.body.alerts)
            .find((alert) => alert.labels.alertname === "MeshLinkLost" && alert.status === "firing");
          if (firing === undefined) await sleep(50);
        }
        assert.ok(firing, `no link lost from the streaming monitor within 15 s; received ${streamReceiver.received.length} posts`);
        const latency = (streamReceiver.received.find((entry) => entry.body.alerts.includes(firing))!.at - cutAt) / 1000;
        console.log(`# alert latency with monitor streams and a 30 s poll (link cut → intake): ${latency.toFixed(1)} s`);
        assert.ok(latency <= 5, `alert latency ${latency} s: the stream, not the 30 s poll, brought it`);
        assert.equal(firing.labels.link, linkLabel(1, 2));
      } finally {
        mesh.restoreLink(1, 2);
      }
    } finally {
      await streaming.stop();
      await new Promise((resolve) => streamReceiver.server.close(resolve));
    }
  });
});
