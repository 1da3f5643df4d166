// Alerts do not wait for the next poll: a change an event-fed source reports (babeld's `monitor`
// stream) is evaluated at once, and an alert whose hold time ends between polls fires when it ends.
// Real timers, a 60 s poll interval that never comes into play, and a 1 s hold.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MeshLink, MeshSnapshot } from "../src/model.ts";
import { MeshMonitor, type CycleResult, type PolledSource } from "../src/monitor.ts";
import { parseRulesConfig } from "../src/rules/config.ts";
import type { SourceReport } from "../src/rules/meshView.ts";

const link = (source: string, target: string): MeshLink => ({ source, target, quality: 1, cost: 256 });

/** Stands in for a babeld monitor stream: its view changes when the test says so. */
class StreamSource implements PolledSource {
  readonly source = "babeld-monitor@test";
  links = [link("a", "b"), link("b", "c")];
  polls = 0;
  private view(): SourceReport {
    const now = Date.now();
    const snapshot: MeshSnapshot = {
      source: this.source,
      protocol: "babel",
      collectedAt: now,
      nodes: ["a", "b", "c"].map((id) => ({ id, lastSeen: now })),
      links: this.links,
      gateways: [],
    };
    return { source: this.source, ok: true, snapshot };
  }
  poll(): Promise<SourceReport> {
    this.polls++;
    return Promise.resolve(this.view());
  }
  current(): SourceReport {
    return this.view();
  }
}

describe("evaluations between polls", () => {
  it("a stream change is evaluated within the debounce, and a 1 s hold fires after 1 s, not at the next poll", async () => {
    const stream = new StreamSource();
    const cycles: CycleResult[] = [];
    const monitor = new MeshMonitor({
      sources: [stream],
      rules: parseRulesConfig({ collectionIntervalSeconds: 60, linkLost: { forSeconds: 1, resolveAfterSeconds: 60 } }),
      eventDebounceMs: 50,
      onCycle: (cycle) => cycles.push(cycle),
    });
    monitor.start(60_000);
    try {
      const waitFor = async (what: string, predicate: () => boolean, timeoutMs: number): Promise<number> => {
        const started = Date.now();
        while (!predicate()) {
          if (Date.now() - started > timeoutMs) assert.fail(`no ${what} within ${timeoutMs} ms`);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return Date.now() - started;
      };
      await waitFor("first poll", () => cycles.length >= 1, 2_000);
      const cutAt = Date.now();
      stream.links = [link("b", "c")];
      monitor.requestEvaluation();
      await waitFor(
        "evaluation of the change",
        () => cycles.some((cycle) => cycle.kind === "event" && cycle.view.links.some((each) => each.key === "a|b" && !each.present)),
        1_000,
      );
      assert.equal(stream.polls, 1, "the change was evaluated from the stream's view, without polling");
      await waitFor("link lost", () => cycles.some((cycle) => cycle.transitions.some((alert) => alert.labels.alertname === "MeshLinkLost")), 3_000);
      const latency = Date.now() - cutAt;
      assert.ok(latency >= 1_000 && latency < 2_000, `fired ${latency} ms after the cut: after its 1 s hold, long before the 60 s poll`);
      const lost = cycles.flatMap((cycle) => cycle.transitions).filter((alert) => alert.labels.alertname === "MeshLinkLost");
      assert.deepEqual(
        lost.map((alert) => `${alert.status} ${alert.labels.link}`),
        ["firing a--b"],
      );
    } finally {
      await monitor.stop();
    }
  });

  it("evaluates nothing between polls before it is started, and nothing after it is stopped", async () => {
    const stream = new StreamSource();
    let cycles = 0;
    const monitor = new MeshMonitor({ sources: [stream], rules: parseRulesConfig({}), eventDebounceMs: 10, onCycle: () => cycles++ });
    monitor.requestEvaluation();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(cycles, 0);
    monitor.start(60_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await monitor.stop();
    const afterStop = cycles;
    monitor.requestEvaluation();
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(cycles, afterStop);
  });
});
