// The rules as a community sees them: which alerts fire, when, and how many — driven by snapshots.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MeshLink, MeshNode, MeshSnapshot } from "../src/model.ts";
import { defaultRulesConfig, parseRulesConfig, RulesConfigError, type RulesConfig } from "../src/rules/config.ts";
import { evaluateRules, type RuleState } from "../src/rules/evaluate.ts";
import type { MeshAlert } from "../src/rules/alert.ts";
import type { SourceReport } from "../src/rules/meshView.ts";

const t0 = Date.parse("2026-11-21T10:00:00Z");

function snapshot(source: string, at: number, nodes: Partial<MeshNode>[], links: MeshLink[], extra: Partial<MeshSnapshot> = {}): MeshSnapshot {
  return {
    source,
    protocol: "netjson",
    collectedAt: at,
    nodes: nodes.map((node) => ({ id: node.id ?? "?", lastSeen: at, ...node })),
    links,
    gateways: [],
    ...extra,
  };
}

/** Drives the rules through time, one collection per step, collecting every transition. */
class Driver {
  state: RuleState | undefined;
  now = t0;
  readonly transitions: MeshAlert[] = [];
  active: MeshAlert[] = [];
  readonly config: RulesConfig;
  constructor(config: RulesConfig) {
    this.config = config;
  }
  step(reports: SourceReport[]): MeshAlert[] {
    const result = evaluateRules(this.state, reports, this.now, this.config);
    this.state = result.state;
    this.transitions.push(...result.transitions);
    this.active = result.active;
    return result.transitions;
  }
  /** Runs `seconds` of collections every `interval` s, building each cycle's reports from the time. */
  run(seconds: number, interval: number, reports: (now: number) => SourceReport[]): void {
    const end = this.now + seconds * 1000;
    while (this.now < end) {
      this.now += interval * 1000;
      this.step(reports(this.now));
    }
  }
  fired(alertname: string): MeshAlert[] {
    return this.transitions.filter((alert) => alert.status === "firing" && alert.labels.alertname === alertname);
  }
  resolved(alertname: string): MeshAlert[] {
    return this.transitions.filter((alert) => alert.status === "resolved" && alert.labels.alertname === alertname);
  }
}

const ok = (snap: MeshSnapshot): SourceReport => ({ source: snap.source, ok: true, snapshot: snap });
const three = [
  { id: "a", name: "roof-a" },
  { id: "b", name: "roof-b" },
  { id: "c", name: "roof-c" },
];
const link = (source: string, target: string, quality: number): MeshLink => ({ source, target, quality, cost: 1 / Math.max(quality, 0.01) });

describe("link degraded with hysteresis", () => {
  const config = parseRulesConfig({ collectionIntervalSeconds: 10 });

  it("fires only after 2 min below 0.5, resolves only after 2 min above 0.65, once", () => {
    const driver = new Driver(config);
    let quality = 0.9;
    const reports = (now: number) => [ok(snapshot("graph", now, three, [link("a", "b", quality), link("b", "c", 0.9)]))];
    driver.run(60, 10, reports);
    quality = 0.4;
    driver.run(110, 10, reports);
    assert.equal(driver.fired("MeshLinkDegraded").length, 0, "not before 2 minutes below 0.5");
    driver.run(20, 10, reports);
    const fired = driver.fired("MeshLinkDegraded");
    assert.equal(fired.length, 1);
    assert.equal(fired[0]?.labels.link, "a--b");
    assert.equal(fired[0]?.labels.severity, "warning");
    // Between the thresholds: neither bad enough to enter nor good enough to leave.
    quality = 0.6;
    driver.run(600, 10, reports);
    assert.equal(driver.resolved("MeshLinkDegraded").length, 0, "0.6 is not above 0.65: still degraded");
    quality = 0.8;
    driver.run(110, 10, reports);
    assert.equal(driver.resolved("MeshLinkDegraded").length, 0, "not before 2 minutes above 0.65");
    driver.run(20, 10, reports);
    const resolved = driver.resolved("MeshLinkDegraded");
    assert.equal(resolved.length, 1);
    assert.equal(resolved[0]?.fingerprint, fired[0]?.fingerprint, "resolved carries the firing alert's fingerprint");
    assert.notEqual(resolved[0]?.endsAt, "0001-01-01T00:00:00Z");
  });

  it("a link swinging between 0.4 and 0.7 every 30 s for 20 minutes stays one alert, not a storm", () => {
    const driver = new Driver(config);
    let quality = 0.3;
    const reports = (now: number) => [ok(snapshot("graph", now, three, [link("a", "b", quality), link("b", "c", 0.9)]))];
    driver.run(180, 10, reports);
    assert.equal(driver.fired("MeshLinkDegraded").length, 1);
    for (let i = 0; i < 40; i++) {
      quality = i % 2 === 0 ? 0.7 : 0.4;
      driver.run(30, 10, reports);
    }
    assert.equal(driver.fired("MeshLinkDegraded").length, 1);
    assert.equal(driver.resolved("MeshLinkDegraded").length, 0, "never 2 minutes above 0.65 in a row");
  });
});

describe("link lost and flapping", () => {
  const config = parseRulesConfig({ linkLost: { forSeconds: 0, resolveAfterSeconds: 60 } });

  it("a link that flaps every few seconds produces one alert until it has been stable for the window", () => {
    const driver = new Driver(config);
    let up = true;
    const reports = (now: number) => [ok(snapshot("graph", now, three, up ? [link("a", "b", 1), link("b", "c", 1)] : [link("b", "c", 1)]))];
    driver.run(10, 2, reports);
    for (let i = 0; i < 20; i++) {
      up = !up;
      driver.run(4, 2, reports);
    }
    assert.equal(driver.fired("MeshLinkLost").length, 1, "one alert while flapping");
    assert.equal(driver.resolved("MeshLinkLost").length, 0, "not resolved while flapping");
    up = true;
    driver.run(70, 2, reports);
    assert.equal(driver.resolved("MeshLinkLost").length, 1, "resolved once stable for the window");
    up = false;
    driver.run(4, 2, reports);
    assert.equal(driver.fired("MeshLinkLost").length, 2, "a new outage after recovery is a new alert");
  });
});

describe("node down vs agent silent", () => {
  const config = parseRulesConfig({ nodeDown: { silenceSeconds: 300, resolveAfterSeconds: 120 } });

  it("a node silent 5 min whose neighbours lost it too is down (critical); it resolves after it is back", () => {
    const driver = new Driver(config);
    let cDown = false;
    const reports = (now: number) => [
      ok(snapshot("graph", now, cDown ? three.slice(0, 2) : three, cDown ? [link("a", "b", 1)] : [link("a", "b", 1), link("b", "c", 0.9)])),
    ];
    driver.run(120, 60, reports);
    cDown = true;
    driver.run(300, 60, reports);
    assert.equal(driver.fired("MeshNodeDown").length, 0, "not before the 5-minute silence");
    driver.run(60, 60, reports);
    const fired = driver.fired("MeshNodeDown");
    assert.equal(fired.length, 1);
    assert.deepEqual([fired[0]?.labels.node, fired[0]?.labels.severity, fired[0]?.labels.node_name], ["c", "critical", "roof-c"]);
    assert.match(fired[0]?.annotations.summary ?? "", /roof-c is down/);
    assert.equal(driver.fired("MeshLinkLost").length, 0, "the dead node's link is explained by node down");
    assert.equal(driver.fired("MeshAgentSilent").length, 0);
    cDown = false;
    driver.run(180, 60, reports);
    assert.equal(driver.resolved("MeshNodeDown").length, 1);
  });

  it("a silent agent whose neighbours still link to it well is 'agent silent' (warning), not 'node down'", () => {
    const driver = new Driver(config);
    // yanic/meshviewer style: one collector; c stopped answering respondd (is_online false, old lastseen),
    // while b still reports a good link to it.
    let agentUp = true;
    let cLastSeen = t0;
    const reports = (now: number): SourceReport[] => {
      if (agentUp) cLastSeen = now;
      const nodes = [{ id: "a" }, { id: "b", name: "roof-b" }, { id: "c", name: "roof-c", lastSeen: cLastSeen, reportedOnline: now - cLastSeen < 300_000 }];
      return [ok(snapshot("meshviewer", now, nodes, [link("b", "c", 0.95), link("a", "b", 1)]))];
    };
    driver.run(120, 60, reports);
    agentUp = false;
    driver.run(480, 60, reports);
    assert.equal(driver.fired("MeshNodeDown").length, 0);
    const silent = driver.fired("MeshAgentSilent");
    assert.equal(silent.length, 1);
    assert.equal(silent[0]?.labels.severity, "warning");
    assert.equal(silent[0]?.labels.node, "c");
  });

  it("a router's own socket failing while neighbours still route to it is 'agent silent', with no 'collector blind' besides", () => {
    const driver = new Driver(config);
    let agentUp = true;
    // babeld style: one collector per router socket; b's table still names c and links to it.
    const reports = (now: number): SourceReport[] => [
      { ...ok(snapshot("babeld@b", now, [{ id: "b" }, { id: "a" }, { id: "c" }], [link("b", "c", 0.95), link("b", "a", 1)])), reporterNodeId: "b" },
      agentUp
        ? { ...ok(snapshot("babeld@c", now, [{ id: "c" }, { id: "b" }], [link("c", "b", 0.95)])), reporterNodeId: "c" }
        : { source: "babeld@c", ok: false, error: "connection refused", reporterNodeId: "c" },
    ];
    driver.run(120, 60, reports);
    agentUp = false;
    driver.run(600, 60, reports);
    assert.deepEqual(
      driver.transitions.map((alert) => `${alert.labels.alertname}:${alert.labels.node}`),
      ["MeshAgentSilent:c"],
    );
  });
});

describe("collector blind", () => {
  it("one alert for the collector, no alert per node, and the nodes' alerts are held while blind", () => {
    const config = parseRulesConfig({ collectorBlind: { afterSeconds: 120 } });
    const driver = new Driver(config);
    const many = Array.from({ length: 40 }, (_, i) => ({ id: `n${i}` }));
    let failing = false;
    driver.run(120, 60, (now) => [
      failing ? { source: "meshviewer", ok: false, error: "HTTP 502" } : ok(snapshot("meshviewer", now, many, [link("n0", "n1", 1)])),
    ]);
    failing = true;
    driver.run(3600, 60, (now) => [
      failing ? { source: "meshviewer", ok: false, error: "HTTP 502" } : ok(snapshot("meshviewer", now, many, [link("n0", "n1", 1)])),
    ]);
    assert.equal(driver.fired("MeshCollectorBlind").length, 1);
    assert.match(driver.fired("MeshCollectorBlind")[0]?.annotations.description ?? "", /HTTP 502/);
    assert.equal(driver.transitions.filter((alert) => alert.labels.alertname !== "MeshCollectorBlind").length, 0, "no node or link alerts while blind");
    failing = false;
    driver.run(120, 60, (now) => [ok(snapshot("meshviewer", now, many, [link("n0", "n1", 1)]))]);
    assert.equal(driver.resolved("MeshCollectorBlind").length, 1);
    assert.equal(driver.fired("MeshNodeDown").length, 0, "nodes came back with the collector: nothing was down");
  });

  it("a collector that suddenly returns zero nodes is blind too (a broken collector, not a dead mesh)", () => {
    const driver = new Driver(parseRulesConfig({ collectorBlind: { afterSeconds: 60 } }));
    let empty = false;
    driver.run(600, 60, (now) => {
      if (now > t0 + 120_000) empty = true;
      return [ok(snapshot("yanic", now, empty ? [] : three, []))];
    });
    assert.equal(driver.fired("MeshCollectorBlind").length, 1);
    assert.equal(driver.fired("MeshNodeDown").length, 0);
  });
});

describe("resources over time (OpenWISP defaults)", () => {
  it("CPU above 90 % fires after 5 minutes, a short spike never does, and recovery needs 5 minutes too", () => {
    const driver = new Driver(defaultRulesConfig);
    let load = 0.2;
    const reports = (now: number) => [
      ok(snapshot("mon", now, [{ id: "a", name: "roof-a", resources: { cpuLoad: load, memoryUsed: 0.5, diskUsed: 0.3 } }], [])),
    ];
    driver.run(120, 60, reports);
    load = 0.99;
    driver.run(180, 60, reports); // 3-minute spike
    load = 0.2;
    driver.run(120, 60, reports);
    assert.equal(driver.fired("MeshNodeCpuHigh").length, 0, "a 3-minute spike is not an alert");
    load = 0.95;
    driver.run(360, 60, reports);
    assert.equal(driver.fired("MeshNodeCpuHigh").length, 1);
    assert.match(driver.fired("MeshNodeCpuHigh")[0]?.annotations.description ?? "", /90 %/);
    load = 0.3;
    driver.run(240, 60, reports);
    assert.equal(driver.resolved("MeshNodeCpuHigh").length, 0);
    driver.run(120, 60, reports);
    assert.equal(driver.resolved("MeshNodeCpuHigh").length, 1);
    assert.equal(driver.fired("MeshNodeMemoryHigh").length + driver.fired("MeshNodeDiskHigh").length, 0);
  });

  it("disk and memory use their own thresholds", () => {
    const driver = new Driver(defaultRulesConfig);
    driver.run(600, 60, (now) => [ok(snapshot("mon", now, [{ id: "a", resources: { memoryUsed: 0.96, diskUsed: 0.85 } }], []))]);
    assert.equal(driver.fired("MeshNodeMemoryHigh").length, 1);
    assert.equal(driver.fired("MeshNodeDiskHigh").length, 0, "85 % disk is under the 90 % default");
  });
});

describe("uplink, gateways and new nodes", () => {
  it("the only gateway stopping its default route is one 'uplink lost' (critical), then resolved", () => {
    const driver = new Driver(parseRulesConfig({ uplink: { forSeconds: 0, resolveAfterSeconds: 0 } }));
    let up = true;
    const reports = (now: number) => [ok(snapshot("babel", now, three, [link("a", "b", 1)], { gateways: up ? ["a"] : [], uplinkUp: up }))];
    driver.run(120, 60, reports);
    up = false;
    driver.run(120, 60, reports);
    assert.deepEqual(
      driver.transitions.map((alert) => `${alert.labels.alertname}:${alert.status}`),
      ["MeshUplinkLost:firing"],
    );
    assert.match(driver.fired("MeshUplinkLost")[0]?.annotations.description ?? "", /local chat/i);
    up = true;
    driver.run(60, 60, reports);
    assert.equal(driver.resolved("MeshUplinkLost").length, 1);
  });

  it("losing one of two gateways is a warning; the mesh still has internet", () => {
    const driver = new Driver(parseRulesConfig({ uplink: { forSeconds: 0, resolveAfterSeconds: 0 } }));
    let gateways = ["a", "b"];
    driver.run(600, 60, (now) => {
      if (now > t0 + 120_000) gateways = ["b"];
      return [ok(snapshot("babel", now, three, [], { gateways, uplinkUp: true }))];
    });
    assert.deepEqual(
      driver.transitions.map((alert) => `${alert.labels.alertname}:${alert.labels.node}`),
      ["MeshGatewayLost:a"],
    );
  });

  it("a node seen for the first time after start is announced once (info)", () => {
    const driver = new Driver(defaultRulesConfig);
    let nodes = three;
    driver.run(600, 60, (now) => {
      if (now > t0 + 300_000) nodes = [...three, { id: "d", name: "garden" }];
      return [ok(snapshot("graph", now, nodes, []))];
    });
    const fired = driver.fired("MeshNewNode");
    assert.equal(fired.length, 1, "nodes present at start are not new; the garden node is");
    assert.equal(fired[0]?.labels.node_name, "garden");
    assert.equal(fired[0]?.labels.severity, "info");
  });
});

describe("rules configuration", () => {
  it("defaults are OpenWISP's thresholds and trusted hold times", () => {
    const config = parseRulesConfig(undefined);
    assert.equal(config.cpu.above, 0.9);
    assert.equal(config.memory.above, 0.95);
    assert.equal(config.disk.above, 0.9);
    assert.equal(config.nodeDown.silenceSeconds, 300);
    assert.deepEqual([config.linkDegraded.enterBelow, config.linkDegraded.leaveAbove], [0.5, 0.65]);
  });

  it("a partial override keeps the other defaults", () => {
    const config = parseRulesConfig({ cpu: { above: 0.8 } });
    assert.equal(config.cpu.above, 0.8);
    assert.equal(config.cpu.forSeconds, 300);
  });

  it("typos and bad values are errors naming the key and what is accepted", () => {
    assert.throws(
      () => parseRulesConfig({ cpu: { abvoe: 0.8 } }),
      (error: unknown) => error instanceof RulesConfigError && /rules\.cpu\.abvoe.*known: above, forSeconds/.test(error.message),
    );
    assert.throws(() => parseRulesConfig({ cpu: { above: 90 } }), /rules\.cpu\.above is 90; expected a fraction between 0 and 1/);
    assert.throws(() => parseRulesConfig({ nodeDown: { silenceSeconds: "5m" } }), /rules\.nodeDown\.silenceSeconds is "5m"; expected a number of seconds/);
    assert.throws(() => parseRulesConfig({ linkDegraded: { enterBelow: 0.7, leaveAbove: 0.6 } }), /leaveAbove .* must be ≥ enterBelow/);
    assert.throws(() => parseRulesConfig({ nodeDwn: {} }), /rules\.nodeDwn is not a known rule/);
  });
});
