// `npm run bench [-- NAME…]`: each figure is a ratio against a baseline measured in the same run (these
// machines are noisy), printed and written to bench/results.json, which holds only measured figures
// ({ "metric_name": number }). Each benchmark runs in its own process on free ports; one that fails is
// printed with its error and listed in the closing summary, its figures are left out of results.json,
// the others still run and are written, and the process then exits with 1. Naming benchmarks runs only
// those and leaves results.json as it is. See bench/README.md.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchmarks } from "./benchmarks.ts";
import { measureInChild } from "./measureInChild.ts";
import { renderOutcome, renderSummary } from "./renderBenchmarks.ts";
import { runBenchmarks, selectBenchmarks, summarize } from "./runBenchmarks.ts";

const names = process.argv.slice(2);
const usage = `Usage: npm run bench [-- NAME…]   (deploy/blockshare bench [NAME…])
  Runs every benchmark and writes bench/results.json; with names, runs only those and writes nothing.
  Benchmarks: ${benchmarks.map((benchmark) => benchmark.name).join(", ")}`;

if (names.includes("--help") || names.includes("-h")) {
  console.log(usage);
  process.exit(0);
}
const { selected, unknown } = selectBenchmarks(benchmarks, names);
if (unknown.length > 0) {
  console.error(`No benchmark is named ${unknown.join(", ")}.\n${usage}`);
  process.exit(2);
}

const outcomes = await runBenchmarks(
  selected,
  (outcome) => console.log(renderOutcome(outcome)),
  (benchmark) => {
    console.log(`==> ${benchmark.name}`);
    return measureInChild(benchmark);
  },
);
const summary = summarize(outcomes);
if (names.length === 0) {
  const file = join(import.meta.dirname, "results.json");
  writeFileSync(file, `${JSON.stringify(summary.results, null, 2)}\n`);
  console.log(`written to ${file}`);
} else {
  console.log("only some benchmarks ran: bench/results.json is left as it was");
}
console.log(renderSummary(summary, selected.length));
process.exitCode = summary.failures.length > 0 ? 1 : 0;
