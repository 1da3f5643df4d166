// A monitor restart, as the neighbors would notice it: alerts already posted are not posted again, a
// node already known is not announced as new, and an alert that fired before the restart resolves
// after it with the same fingerprint (so the bot edits the same message). The state file is written
// atomically, and a damaged one is set aside rather than crashing the monitor.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { MeshLink, MeshNode, MeshSnapshot } from "../src/model.ts";
import { MeshMonitor, type PolledSource } from "../src/monitor.ts";
import type { MeshAlert } from "../src/rules/alert.ts";
import { parseRulesConfig } from "../src/rules/config.ts";
import { evaluateRules, type RuleState } from "../src/rules/evaluate.ts";
import type { SourceReport } from "../src/rules/meshView.ts";
import { loadRuleState, restoreRuleState, serializeRuleState } from "../src/rules/ruleStateFile.ts";

const t0 = Date.parse("2026-11-21T10:00:00Z");
const config = parseRulesConfig({
  collectionIntervalSeconds: 60,
  nodeDown: { silenceSeconds: 120, resolveAfterSeconds: 60 },
  linkDegraded: { enterForSeconds: 120 },
});
const dir = mkdtempSync(join(tmpdir(), "bsmesh-state-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function snapshot(at: number, nodes: Partial<MeshNode>[], links: MeshLink[]): MeshSnapshot {
  return {
    source: "graph",
    protocol: "netjson",
    collectedAt: at,
    nodes: nodes.map((node) => ({ id: node.id ?? "?", lastSeen: at, ...node })),
    links,
    gateways: [],
  };
}
const link = (source: string, target: string, quality: number): MeshLink => ({ source, target, quality, cost: 1 });
const names = (alerts: readonly MeshAlert[]) => alerts.map((alert) => `${alert.labels.alertname}/${alert.status}/${alert.labels.node ?? alert.labels.link}`);

/** The mesh over time: a, b, c from the start; c dies at 5 min; d joins at 6 min; a–b weakens at 7 min. */
function reports(now: number, cBack = false): SourceReport[] {
  const minutes = (now - t0) / 60_000;
  const nodes: Partial<MeshNode>[] = [
    { id: "a", name: "roof-a" },
    { id: "b", name: "roof-b" },
  ];
  const links = [link("a", "b", minutes >= 7 ? 0.3 : 0.9)];
  if (minutes < 5 || cBack) {
    nodes.push({ id: "c", name: "roof-c" });
    links.push(link("b", "c", 0.9));
  }
  if (minutes >= 6) nodes.push({ id: "d", name: "garden" });
  return [{ source: "graph", ok: true, snapshot: snapshot(now, nodes, links) }];
}

function run(state: RuleState | undefined, from: number, to: number, cBack = false): { state: RuleState; transitions: MeshAlert[] } {
  let current = state;
  const transitions: MeshAlert[] = [];
  for (let minute = from; minute <= to; minute++) {
    const now = t0 + minute * 60_000;
    const result = evaluateRules(current, reports(now, cBack), now, config);
    current = result.state;
    transitions.push(...result.transitions);
  }
  return { state: current!, transitions };
}

describe("rule state across a restart", () => {
  it("nothing is posted twice, nothing re-announced, and the resolution matches the firing", () => {
    const before = run(undefined, 0, 8);
    assert.deepEqual(names(before.transitions), ["MeshNewNode/firing/d", "MeshNodeDown/firing/c"]);
    const pending = [...before.state.conditions.entries()].filter(([, , state]) => state.phase === "pending").map(([name, subject]) => `${name}/${subject}`);
    assert.deepEqual(pending, ["MeshLinkDegraded/a|b"], "the weak link is still within its hold time");

    // Restart: the state goes through its file form.
    const text = serializeRuleState(before.state, t0 + 8 * 60_000);
    const restored = restoreRuleState(text, t0 + 10 * 60_000);
    assert.equal(restored.conditions.active().length, 2);
    const after = run(restored, 10, 11);
    assert.deepEqual(names(after.transitions), [], "no re-fired node-down, no second 'new node' for d");

    // The weak link's hold restarted with the monitor: it fires two minutes after the restart, once.
    const later = run(after.state, 12, 12);
    assert.deepEqual(names(later.transitions), ["MeshLinkDegraded/firing/a--b"]);

    // c comes back: resolved after the resolve hold, with the fingerprint it fired with before the restart.
    const back = run(later.state, 13, 15, true);
    const resolved = back.transitions.filter((alert) => alert.labels.alertname === "MeshNodeDown");
    assert.deepEqual(names(resolved), ["MeshNodeDown/resolved/c"]);
    const fired = before.transitions.find((alert) => alert.labels.alertname === "MeshNodeDown");
    assert.equal(resolved[0]?.fingerprint, fired?.fingerprint);
    assert.equal(resolved[0]?.startsAt, fired?.startsAt, "the incident keeps its start");
  });

  it("a damaged or foreign file is refused with the place that is wrong, set aside, and the monitor starts fresh", () => {
    const file = join(dir, "damaged.json");
    writeFileSync(file, '{"format":"blockshare-mesh-rule-state","version":1,"baselineAt":0,"nodes":[["a",null,"yesterday",0,[]]]}');
    const messages: string[] = [];
    assert.equal(
      loadRuleState(file, t0, (message) => messages.push(message)),
      undefined,
    );
    assert.match(messages[0] ?? "", /nodes\[0\]\[2\] is not a time in ms; starting fresh/);
    assert.ok(existsSync(`${file}.unreadable`) && !existsSync(file), "kept aside for a look, out of the way");
    assert.throws(() => restoreRuleState("{truncated", t0), /is not JSON/);
    assert.throws(() => restoreRuleState('{"format":"something-else"}', t0), /is not a blockshare-mesh-rule-state file/);
    assert.throws(() => restoreRuleState('{"format":"blockshare-mesh-rule-state","version":7}', t0), /this monitor reads version 1/);
  });
});

describe("the monitor's state file", () => {
  const file = join(dir, "monitor", "rule-state.json");
  let now = t0;
  const source: PolledSource = { source: "graph", poll: async () => reports(now)[0]! };
  const monitor = () => new MeshMonitor({ sources: [source], rules: config, clock: () => now, stateFile: file });

  it("is written when alerts change and on stop, atomically, and read back by the next monitor", async () => {
    const first = monitor();
    const seen: MeshAlert[] = [];
    for (let minute = 0; minute <= 8; minute++) {
      now = t0 + minute * 60_000;
      seen.push(...(await first.runCycle()).transitions);
    }
    assert.deepEqual(names(seen), ["MeshNewNode/firing/d", "MeshNodeDown/firing/c"]);
    await first.stop();
    assert.deepEqual(readdirSync(join(dir, "monitor")), ["rule-state.json"], "no temp file left behind");
    const saved = JSON.parse(readFileSync(file, "utf8")) as { nodes: unknown[]; conditions: unknown[] };
    assert.equal(saved.nodes.length, 4);

    const logs: string[] = [];
    now = t0 + 9 * 60_000;
    const second = new MeshMonitor({ sources: [source], rules: config, clock: () => now, stateFile: file, log: (message) => logs.push(message) });
    assert.match(logs.join("\n"), /resumed the rule state .*\(4 nodes, 2 alerts firing\)/);
    const cycle = await second.runCycle();
    assert.deepEqual(names(cycle.transitions), [], "the restarted monitor posts nothing it already posted");
    assert.deepEqual(names(cycle.active).sort(), ["MeshNewNode/firing/d", "MeshNodeDown/firing/c"]);
    await second.stop();
  });
});
