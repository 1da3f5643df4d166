// The one-command demo: with --simulate's timings a new neighborhood sees a degraded-link alert within
// a couple of minutes, and its recovery, from the simulated mesh alone.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseMonitorConfig } from "../src/cli.ts";
import { MeshMonitor } from "../src/monitor.ts";
import { SimulatedMesh, parseSimulationConfig } from "../src/simulation/simulatedMesh.ts";
import type { MeshAlert } from "../src/rules/alert.ts";

describe("simulated mesh", () => {
  it("degrades library ↔ corner store after 60 s (alert), recovers after 3 min (resolved), and nothing else fires", async () => {
    let now = Date.parse("2026-11-21T10:00:00Z");
    const clock = () => now;
    const config = parseMonitorConfig(undefined, true);
    const monitor = new MeshMonitor({ sources: [new SimulatedMesh({}, clock)], rules: config.rules, clock });
    const transitions: MeshAlert[] = [];
    let firstAlertAt: number | undefined;
    for (let second = 0; second <= 600; second += config.intervalSeconds) {
      now = Date.parse("2026-11-21T10:00:00Z") + second * 1000;
      const cycle = await monitor.runCycle();
      if (cycle.transitions.length > 0) firstAlertAt ??= second;
      transitions.push(...cycle.transitions);
    }
    assert.deepEqual(
      transitions.map((alert) => `${alert.labels.alertname}/${alert.status}`),
      ["MeshLinkDegraded/firing", "MeshLinkDegraded/resolved"],
    );
    assert.equal(transitions[0]?.labels.link, "corner-store--library");
    assert.ok(firstAlertAt !== undefined && firstAlertAt <= 120, `first alert after ${firstAlertAt} s`);
    const state = monitor.latestCycle!.view;
    assert.equal(state.nodes.length, 7);
    assert.deepEqual(state.gateways, ["rooftop-gw"]);
  });

  it("a node can be scheduled offline, and bad settings are errors naming the key", async () => {
    let now = 0;
    const mesh = new SimulatedMesh({ downAfterSeconds: 10, downForSeconds: 20 }, () => now);
    now = 15_000;
    const down = mesh.snapshot();
    assert.equal(down.nodes.find((node) => node.id === "garden-shed")?.reportedOnline, false);
    assert.ok(!down.links.some((link) => link.source === "garden-shed" || link.target === "garden-shed"));
    now = 31_000;
    assert.equal(mesh.snapshot().nodes.find((node) => node.id === "garden-shed")?.reportedOnline, true);
    assert.throws(() => new SimulatedMesh({ offline: ["nowhere"] }), /no node "nowhere"/);
    assert.throws(() => parseSimulationConfig({ degradeAfter: 5 }), /simulation\.degradeAfter is not a known setting/);
    assert.throws(() => parseSimulationConfig({ degradedQuality: "low" }), /expected a number/);
  });
});
