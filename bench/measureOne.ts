// One benchmark in a process of its own (started by measureInChild.ts): `node bench/measureOne.ts NAME`.
// Its figures or its error go back over the IPC channel (or to stdout when run by hand); then the
// process exits, whatever timers a failed benchmark left behind.
import { benchmarks } from "./benchmarks.ts";

export type ChildAnswer = { figures: Record<string, number> } | { error: string };

const name = process.argv[2];
const benchmark = benchmarks.find((each) => each.name === name);

async function answer(): Promise<ChildAnswer> {
  try {
    if (benchmark === undefined)
      throw new Error(`no benchmark is named ${name ?? "(none given)"}; the names are ${benchmarks.map((each) => each.name).join(", ")}`);
    return { figures: await benchmark.measure() };
  } catch (error) {
    return { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

const result = await answer();
if (process.send) await new Promise<void>((resolve) => process.send!(result, () => resolve()));
else console.log(JSON.stringify(result, null, 2));
process.exit("error" in result && !process.send ? 1 : 0);
