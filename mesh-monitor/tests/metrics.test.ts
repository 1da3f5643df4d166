// The /metrics text a Prometheus server would scrape, rendered from real parsed telemetry.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parseMeshviewer } from "../src/collectors/meshviewer.ts";
import { RejectionCounter } from "../src/collectors/rejectionCounter.ts";
import { TelemetryError } from "../src/collectors/telemetryError.ts";
import { MeshMetrics } from "../src/metrics/meshMetrics.ts";

const SAMPLE = new URL("../../../shared/telemetry-samples/yanic-meshviewer/freifunk-bremen-meshviewer-2020-05-13-subset.json", import.meta.url);
const snapshot = parseMeshviewer(JSON.parse(readFileSync(SAMPLE, "utf8")), { source: "bremen", collectedAt: Date.UTC(2020, 4, 13, 11, 12) });
const line = (text: string, series: string) => text.split("\n").find((l) => l.startsWith(`${series} `));

describe("mesh metrics", () => {
  it("exports node, link, uplink and resource series with the parsed numbers", async () => {
    const metrics = new MeshMetrics();
    metrics.update({ state: snapshot, nodeUp: (node) => node.reportedOnline === true });
    const text = await metrics.render();
    assert.equal(line(text, 'mesh_node_up{node="18a6f7d2e818"}'), 'mesh_node_up{node="18a6f7d2e818"} 1');
    assert.equal(line(text, 'mesh_node_up{node="704f57af1610"}'), 'mesh_node_up{node="704f57af1610"} 0');
    assert.equal(
      line(text, 'mesh_node_last_seen_timestamp_seconds{node="18a6f7d2e818"}'),
      `mesh_node_last_seen_timestamp_seconds{node="18a6f7d2e818"} ${Date.parse("2020-05-13T13:11:41+02:00") / 1000}`,
    );
    assert.equal(line(text, 'mesh_node_memory_used_ratio{node="18a6f7d2e818"}'), 'mesh_node_memory_used_ratio{node="18a6f7d2e818"} 0.6662812545165486');
    assert.equal(line(text, 'mesh_node_disk_used_ratio{node="18a6f7d2e818"}'), 'mesh_node_disk_used_ratio{node="18a6f7d2e818"} 0.4609');
    assert.equal(line(text, 'mesh_node_cpu_load{node="18a6f7d2e818"}'), 'mesh_node_cpu_load{node="18a6f7d2e818"} 0.23');
    assert.equal(line(text, 'mesh_node_clients{node="18e829a977d4"}'), 'mesh_node_clients{node="18e829a977d4"} 5');
    assert.equal(
      line(text, 'mesh_link_quality{source="18a6f7d2e818",target="18a6f7caefdc"}'),
      'mesh_link_quality{source="18a6f7d2e818",target="18a6f7caefdc"} 0.89411765',
    );
    assert.match(text, /^mesh_link_cost\{source="18a6f7d2e818",target="18a6f7caefdc"\} 228\.0000007/m);
    assert.equal(line(text, "mesh_uplink_up"), "mesh_uplink_up 1");
    assert.equal(text.split("\n").filter((l) => l.startsWith("mesh_node_gateway{")).length, 6);
    assert.equal(text.split("\n").filter((l) => l.startsWith("mesh_node_up{")).length, 124);
    assert.equal(text.split("\n").filter((l) => l.startsWith("mesh_link_quality{")).length, 315);
  });

  it("descriptive labels only on mesh_node_info; no MAC address anywhere", async () => {
    const metrics = new MeshMetrics();
    metrics.update({ state: snapshot, nodeUp: () => true });
    const text = await metrics.render();
    assert.equal(
      line(
        text,
        'mesh_node_info{node="18a6f7d2e818",name="FF-Hagen-Cux-Hagener-SV-Tennis",model="TP-Link TL-WR841N/ND v11",firmware="2019.1.1+bremen3",domain="ffhb_11s"}',
      ),
      'mesh_node_info{node="18a6f7d2e818",name="FF-Hagen-Cux-Hagener-SV-Tennis",model="TP-Link TL-WR841N/ND v11",firmware="2019.1.1+bremen3",domain="ffhb_11s"} 1',
    );
    for (const l of text.split("\n").filter((x) => x.startsWith("mesh_") && !x.startsWith("mesh_node_info") && !x.startsWith("mesh_telemetry"))) {
      assert.match(l, /^mesh_\w+(\{(node|source|target)="[^"]*"(,target="[^"]*")?\})? /, l);
    }
    assert.doesNotMatch(text, /([0-9a-f]{2}:){5}[0-9a-f]{2}/, "the sample's node MACs and link addresses stay out");
  });

  it("follows the state: a node that left loses its series, a rename shows in mesh_node_info, uplink unknown is no series", async () => {
    const metrics = new MeshMetrics();
    metrics.update({ state: snapshot, nodeUp: () => true });
    await metrics.render();
    const renamed = snapshot.nodes.slice(1).map((n) => (n.id === "6466b3fcf182" ? { ...n, name: "roof-east" } : n));
    metrics.update({ state: { nodes: renamed, links: [], gateways: [] }, nodeUp: () => false });
    const text = await metrics.render();
    assert.equal(line(text, 'mesh_node_up{node="18a6f7d2e818"}'), undefined);
    assert.match(text, /mesh_node_info\{node="6466b3fcf182",name="roof-east",/);
    assert.equal(line(text, 'mesh_node_up{node="6466b3fcf182"}'), 'mesh_node_up{node="6466b3fcf182"} 0');
    assert.equal(line(text, "mesh_uplink_up"), undefined);
    assert.doesNotMatch(text, /^mesh_link_quality\{/m);
  });

  it("a known link that is gone is mesh_link_up 0 and has no quality", async () => {
    const metrics = new MeshMetrics();
    metrics.update({
      state: {
        nodes: [],
        links: [
          { source: "a", target: "b", present: false },
          { source: "b", target: "c", quality: 0.5, cost: 512, present: true },
        ],
      },
      nodeUp: () => true,
    });
    const text = await metrics.render();
    assert.equal(line(text, 'mesh_link_up{source="a",target="b"}'), 'mesh_link_up{source="a",target="b"} 0');
    assert.equal(line(text, 'mesh_link_quality{source="a",target="b"}'), undefined);
    assert.equal(line(text, 'mesh_link_cost{source="b",target="c"}'), 'mesh_link_cost{source="b",target="c"} 512');
  });

  it("mesh_collector_up says per collector whether the monitor can see through it", async () => {
    const metrics = new MeshMetrics();
    metrics.update({
      state: {
        nodes: [],
        links: [],
        sources: [
          { source: "babeld@roof-1", blind: false },
          { source: "meshviewer@http://10.0.0.1/meshviewer.json", blind: true },
        ],
      },
    });
    const text = await metrics.render();
    assert.match(text, /# TYPE mesh_collector_up gauge/);
    assert.equal(line(text, 'mesh_collector_up{source="babeld@roof-1"}'), 'mesh_collector_up{source="babeld@roof-1"} 1');
    assert.equal(
      line(text, 'mesh_collector_up{source="meshviewer@http://10.0.0.1/meshviewer.json"}'),
      'mesh_collector_up{source="meshviewer@http://10.0.0.1/meshviewer.json"} 0',
    );
  });

  it("counts rejected telemetry by source and reason", async () => {
    const rejections = new RejectionCounter();
    const metrics = new MeshMetrics(() => rejections.entries());
    rejections.record("olsr@http://10.0.0.1:9090/all", new TelemetryError("malformed", "truncated", "jsoninfo"));
    rejections.record("olsr@http://10.0.0.1:9090/all", new TelemetryError("malformed", "truncated", "jsoninfo"));
    rejections.record("olsr@http://10.0.0.1:9090/all", new TelemetryError("timeout", "slow", "jsoninfo"));
    const text = await metrics.render();
    assert.match(text, /# TYPE mesh_telemetry_rejected_total counter/);
    assert.equal(
      line(text, 'mesh_telemetry_rejected_total{source="olsr@http://10.0.0.1:9090/all",reason="malformed"}'),
      'mesh_telemetry_rejected_total{source="olsr@http://10.0.0.1:9090/all",reason="malformed"} 2',
    );
    assert.equal(
      line(text, 'mesh_telemetry_rejected_total{source="olsr@http://10.0.0.1:9090/all",reason="timeout"}'),
      'mesh_telemetry_rejected_total{source="olsr@http://10.0.0.1:9090/all",reason="timeout"} 1',
    );
  });
});
