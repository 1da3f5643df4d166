// What `npm run bench` prints: each benchmark's figures (or its failure) as it finishes, and a summary
// that names every failed benchmark and the figures it left missing.
import type { BenchmarkOutcome, BenchmarkSummary } from "./runBenchmarks.ts";

const figureLine = ([name, value]: [string, number]) => `${name.padEnd(36)} ${value}`;

export function renderOutcome(outcome: BenchmarkOutcome): string {
  const figures = Object.entries(outcome.figures).map(figureLine);
  if (outcome.kind === "measured") return figures.join("\n");
  return [...figures, `${outcome.benchmark} FAILED, missing ${outcome.missing.join(", ") || "no declared figure"}:`, indent(outcome.error)].join("\n");
}

export function renderSummary(summary: BenchmarkSummary, ran: number): string {
  if (summary.failures.length === 0) return `All ${ran} benchmark${ran === 1 ? "" : "s"} measured.`;
  return [
    `${summary.failures.length} of ${ran} benchmarks FAILED; their figures are missing from the results:`,
    ...summary.failures.map((failure) => `  ${failure.benchmark}: ${failure.error.split("\n")[0]}\n    missing: ${failure.missing.join(", ")}`),
  ].join("\n");
}

const indent = (text: string) =>
  text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
