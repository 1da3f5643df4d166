// Alert delivery against a real loopback intake: Alertmanager's JSON with the bearer token, retried
// while the intake is down, bounded when it stays down, and never blocking the caller.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { WebhookSender } from "../src/alerts/webhookSender.ts";
import { buildWebhookPayloads, type AlertmanagerWebhook } from "../src/alerts/webhookPayload.ts";
import { fingerprintOf, notEnded, type MeshAlert } from "../src/rules/alert.ts";

function alert(alertname: string, node: string, status: MeshAlert["status"] = "firing"): MeshAlert {
  const labels = { alertname, severity: "critical" as const, source: "mesh", node };
  return {
    fingerprint: fingerprintOf(labels),
    status,
    labels,
    annotations: { summary: `${node} down`, description: "…", resolved_summary: `${node} back` },
    startsAt: "2026-11-21T10:00:00.000Z",
    endsAt: status === "firing" ? notEnded : "2026-11-21T10:05:00.000Z",
  };
}

async function intake(statusFor: (count: number) => number): Promise<{ url: string; bodies: AlertmanagerWebhook[]; auth: string[]; server: Server }> {
  const bodies: AlertmanagerWebhook[] = [];
  const auth: string[] = [];
  let count = 0;
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const status = statusFor(count++);
      if (status === 200) {
        bodies.push(JSON.parse(body) as AlertmanagerWebhook);
        auth.push(request.headers.authorization ?? "");
      }
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/_blockshare/webhooks/mesh/alerts`, bodies, auth, server };
}

describe("alert webhook delivery", () => {
  const servers: Server[] = [];
  after(() => servers.forEach((server) => server.close()));

  it("builds Alertmanager v4 bodies grouped by alertname, with common labels and stable fingerprints", () => {
    const payloads = buildWebhookPayloads([alert("MeshNodeDown", "a"), alert("MeshNodeDown", "b"), alert("MeshUplinkLost", "gw", "resolved")], {
      receiver: "blockshare-mesh",
      externalURL: "http://box:9464/",
    });
    assert.equal(payloads.length, 2);
    const down = payloads[0]!;
    assert.equal(down.version, "4");
    assert.equal(down.status, "firing");
    assert.deepEqual(down.groupLabels, { alertname: "MeshNodeDown" });
    assert.deepEqual(down.commonLabels, { alertname: "MeshNodeDown", severity: "critical", source: "mesh" });
    assert.equal(down.alerts.length, 2);
    assert.equal(down.alerts[0]!.endsAt, "0001-01-01T00:00:00Z");
    assert.match(down.alerts[0]!.generatorURL, /^http:\/\/box:9464\/#alert=/);
    assert.equal(down.alerts[0]!.fingerprint, alert("MeshNodeDown", "a", "resolved").fingerprint, "resolved and firing share the fingerprint");
    assert.equal(payloads[1]!.status, "resolved");
    for (const key of ["groupKey", "receiver", "commonAnnotations", "externalURL", "truncatedAlerts"]) assert.ok(key in down, key);
  });

  it("retries with backoff while the intake is down, then delivers everything in order with the bearer token", async () => {
    const target = await intake((count) => (count < 3 ? 503 : 200));
    servers.push(target.server);
    const sender = new WebhookSender({ url: target.url, token: "tok", initialBackoffMs: 20, maxBackoffMs: 100 });
    const started = performance.now();
    sender.enqueue(buildWebhookPayloads([alert("MeshNodeDown", "a")], { receiver: "r", externalURL: "http://x/" }));
    sender.enqueue(buildWebhookPayloads([alert("MeshLinkLost", "b")], { receiver: "r", externalURL: "http://x/" }));
    assert.ok(performance.now() - started < 5, "enqueue does not wait for the network");
    await sender.idle();
    assert.deepEqual(
      target.bodies.map((body) => body.groupLabels.alertname),
      ["MeshNodeDown", "MeshLinkLost"],
    );
    assert.deepEqual(target.auth, ["Bearer tok", "Bearer tok"]);
    assert.equal(sender.stats.retries, 3);
    assert.equal(sender.stats.delivered, 2);
  });

  it("keeps at most queueLimit bodies while the intake is unreachable, dropping (and counting) the oldest", async () => {
    const sender = new WebhookSender({ url: "http://127.0.0.1:9/unreachable", queueLimit: 3, initialBackoffMs: 10_000 });
    for (let i = 0; i < 5; i++) sender.enqueue(buildWebhookPayloads([alert("MeshNodeDown", `n${i}`)], { receiver: "r", externalURL: "http://x/" }));
    assert.equal(sender.stats.queued, 3);
    assert.equal(sender.stats.dropped, 2);
    sender.stop();
  });

  it("does not retry a body the intake refuses as wrong (401), and moves on", async () => {
    const target = await intake((count) => (count === 0 ? 401 : 200));
    servers.push(target.server);
    const sender = new WebhookSender({ url: target.url, token: "bad", initialBackoffMs: 10 });
    sender.enqueue(buildWebhookPayloads([alert("MeshNodeDown", "a"), alert("MeshLinkLost", "b")], { receiver: "r", externalURL: "http://x/" }));
    await sender.idle();
    assert.equal(sender.stats.rejected, 1);
    assert.equal(sender.stats.delivered, 1);
    assert.match(sender.stats.lastError ?? "", /401/);
  });
});
