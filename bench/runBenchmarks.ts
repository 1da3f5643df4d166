// Runs benchmarks one after another so that one failing cannot stop the rest: each ends in a typed
// outcome (its figures, or its error and the figures it owes), the run's results hold only measured
// figures, and the failures are listed apart. Pure apart from what `measure` does.

export type Figures = Record<string, number>;

export interface Benchmark {
  /** What `npm run bench -- NAME` selects, and what a failure is reported under. */
  name: string;
  /** The figures it writes, so a failure can say which are missing. */
  figures: readonly string[];
  measure(): Promise<Figures>;
  /** How long before it is given up on (only enforced when run in a child process). */
  timeoutMinutes?: number;
}

export type BenchmarkOutcome =
  | { kind: "measured"; benchmark: string; figures: Figures }
  | { kind: "failed"; benchmark: string; error: string; figures: Figures; missing: readonly string[] };

/** How one benchmark is run: in this process by default, in a child process by `npm run bench`. */
export type Measure = (benchmark: Benchmark) => Promise<Figures>;

export async function runBenchmarks(
  benchmarks: readonly Benchmark[],
  report: (outcome: BenchmarkOutcome) => void,
  measure: Measure = (benchmark) => benchmark.measure(),
): Promise<BenchmarkOutcome[]> {
  const outcomes: BenchmarkOutcome[] = [];
  for (const benchmark of benchmarks) {
    const outcome = await measureOne(benchmark, measure);
    report(outcome);
    outcomes.push(outcome);
  }
  return outcomes;
}

async function measureOne(benchmark: Benchmark, measure: Measure): Promise<BenchmarkOutcome> {
  let figures: Figures;
  try {
    // Called inside the try: a benchmark that throws before returning its promise fails like any other.
    figures = await measure(benchmark);
  } catch (error) {
    return { kind: "failed", benchmark: benchmark.name, error: describe(error), figures: {}, missing: benchmark.figures };
  }
  // JSON would write NaN or Infinity as null: such a figure is missing, not measured.
  const entries = Object.entries(figures);
  const broken = entries.filter(([, value]) => !Number.isFinite(value)).map(([name]) => name);
  const measured = Object.fromEntries(entries.filter(([, value]) => Number.isFinite(value)).map(([name, value]) => [name, Math.round(value * 1000) / 1000]));
  if (broken.length === 0) return { kind: "measured", benchmark: benchmark.name, figures: measured };
  const error = broken.map((name) => `${name} came out as ${figures[name]}`).join("; ");
  return { kind: "failed", benchmark: benchmark.name, error, figures: measured, missing: broken };
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

export interface BenchmarkSummary {
  /** Every measured figure, for bench/results.json ({ "metric_name": number }). */
  results: Figures;
  failures: Array<{ benchmark: string; error: string; missing: readonly string[] }>;
}

export function summarize(outcomes: readonly BenchmarkOutcome[]): BenchmarkSummary {
  return {
    results: Object.assign({}, ...outcomes.map((outcome) => outcome.figures)) as Figures,
    failures: outcomes.flatMap((outcome) =>
      outcome.kind === "failed" ? [{ benchmark: outcome.benchmark, error: outcome.error, missing: outcome.missing }] : [],
    ),
  };
}

/** The benchmarks named on the command line (all when none is); names nobody knows are returned apart. */
export function selectBenchmarks(benchmarks: readonly Benchmark[], names: readonly string[]): { selected: Benchmark[]; unknown: string[] } {
  if (names.length === 0) return { selected: [...benchmarks], unknown: [] };
  return {
    selected: benchmarks.filter((benchmark) => names.includes(benchmark.name)),
    unknown: names.filter((name) => !benchmarks.some((benchmark) => benchmark.name === name)),
  };
}
