// `npm run bench`: each figure is a ratio against a baseline measured in the same run (these machines
// are noisy), printed and written to bench/results.json.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { measureBotRoundTrip } from "./botRoundTrip.ts";
import { measureIntakeThroughput } from "./intakeThroughput.ts";
import { measureStackMemory } from "./stackMemory.ts";
import { boardBenchmarks } from "./boardBench.ts";
import { federationBenchmarks } from "./federationBench.ts";
import { monitorBenchmarks } from "./monitorBench.ts";
import { pollsBenchmarks } from "./pollsBench.ts";
import { productionBenchmarks } from "./productionBench.ts";

const results: Record<string, number> = {};
const record = (figures: Record<string, number>) => {
  for (const [name, value] of Object.entries(figures)) {
    results[name] = Math.round(value * 1000) / 1000;
    console.log(`${name.padEnd(36)} ${results[name]}`);
  }
};

record(await measureIntakeThroughput());
record(await measureBotRoundTrip());
record(await measureStackMemory());
record(await boardBenchmarks());
record(await pollsBenchmarks());
record(await monitorBenchmarks());
record(await federationBenchmarks());
record(await productionBenchmarks());

const file = join(import.meta.dirname, "results.json");
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`written to ${file}`);
