// The benchmark runner's isolation, with fake benchmarks: one failing never stops the next, and what it
// owes is reported as missing instead of written.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runBenchmarks, selectBenchmarks, summarize, type Benchmark, type BenchmarkOutcome } from "./runBenchmarks.ts";
import { renderOutcome, renderSummary } from "./renderBenchmarks.ts";

const fake = (name: string, figures: string[], measure: () => Promise<Record<string, number>>): Benchmark => ({ name, figures, measure });

test("a benchmark that fails does not stop the ones after it, and its figures are reported missing", async () => {
  const ran: string[] = [];
  const benchmarks = [
    fake("first", ["first_ratio"], async () => (ran.push("first"), { first_ratio: 1.23456 })),
    fake("stack-memory", ["stack_rss_mb"], async () => {
      ran.push("stack-memory");
      throw new Error("port 9464 on 127.0.0.1 (ports.mesh_map) is in use by another program");
    }),
    // Not even async: throws before there is a promise to reject.
    fake("sync-thrower", ["sync_figure"], (() => {
      ran.push("sync-thrower");
      throw new TypeError("boom");
    }) as () => Promise<Record<string, number>>),
    fake("last", ["last_s", "last_ratio"], async () => (ran.push("last"), { last_s: 2, last_ratio: 0.5 })),
  ];
  const reported: BenchmarkOutcome[] = [];
  const outcomes = await runBenchmarks(benchmarks, (outcome) => reported.push(outcome));

  assert.deepEqual(ran, ["first", "stack-memory", "sync-thrower", "last"]);
  assert.deepEqual(reported, outcomes, "each outcome is reported as it happens");
  assert.deepEqual(
    outcomes.map((outcome) => outcome.kind),
    ["measured", "failed", "failed", "measured"],
  );

  const summary = summarize(outcomes);
  assert.deepEqual(summary.results, { first_ratio: 1.235, last_s: 2, last_ratio: 0.5 });
  assert.deepEqual(
    summary.failures.map(({ benchmark, missing }) => ({ benchmark, missing })),
    [
      { benchmark: "stack-memory", missing: ["stack_rss_mb"] },
      { benchmark: "sync-thrower", missing: ["sync_figure"] },
    ],
  );
  assert.match(summary.failures[0]!.error, /ports\.mesh_map\) is in use/);

  const printed = outcomes.map(renderOutcome).join("\n");
  assert.match(printed, /stack-memory FAILED, missing stack_rss_mb:\n {4}Error: port 9464/);
  assert.match(printed, /last_ratio +0\.5/);
  assert.equal(
    renderSummary(summary, outcomes.length),
    "2 of 4 benchmarks FAILED; their figures are missing from the results:\n" +
      "  stack-memory: Error: port 9464 on 127.0.0.1 (ports.mesh_map) is in use by another program\n    missing: stack_rss_mb\n" +
      "  sync-thrower: TypeError: boom\n    missing: sync_figure",
  );
});

test("a figure that is not a finite number is missing, not written as null; the rest of its benchmark is kept", async () => {
  const outcomes = await runBenchmarks([fake("monitor", ["ok_ratio", "gc_ratio"], async () => ({ ok_ratio: 2, gc_ratio: Number.NaN }))], () => {});
  const summary = summarize(outcomes);
  assert.deepEqual(summary.results, { ok_ratio: 2 });
  assert.deepEqual(summary.failures, [{ benchmark: "monitor", error: "gc_ratio came out as NaN", missing: ["gc_ratio"] }]);
});

test("a run where everything is measured says so", async () => {
  const outcomes = await runBenchmarks([fake("board", ["a"], async () => ({ a: 1 }))], () => {});
  assert.equal(renderSummary(summarize(outcomes), 1), "All 1 benchmark measured.");
});

test("benchmarks are chosen by name; unknown names are returned to be reported", () => {
  const all = [fake("intake", [], async () => ({})), fake("board", [], async () => ({}))];
  assert.deepEqual(
    selectBenchmarks(all, []).selected.map((b) => b.name),
    ["intake", "board"],
  );
  const chosen = selectBenchmarks(all, ["board", "nope"]);
  assert.deepEqual(
    chosen.selected.map((b) => b.name),
    ["board"],
  );
  assert.deepEqual(chosen.unknown, ["nope"]);
});
