// The block alone in a process of its own, for e2eeStoreMemory.ts: `node --expose-gc bench/e2eeHostProcess.ts
// neighborhood.yaml`, forked with an IPC channel. The appservice host and the bots run here (Synapse is a
// process of its own, as always), so this process's RSS is the host's, unpolluted by the neighbors' clients.
// It answers "measure" with its memory after two full garbage collections, and "stop" by stopping the block.
import { setTimeout as sleep } from "node:timers/promises";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { startNeighborhood } from "../deploy/src/startNeighborhood.ts";
import { relaxedRateLimits } from "../deploy/production/tests/testSupport.ts";

export type HostReady = { ready: { clientUrl: string; operatorToken: string; serverName: string } };
export type HostMemory = {
  memory: { rssKib: number; heapUsed: number; heapTotal: number; external: number; wasmBytes: number; cryptoStoreBytes: number };
};
export type HostRequest = "measure" | "stop";

const file = process.argv[2];
if (file === undefined || process.send === undefined) throw new Error("forked by e2eeStoreMemory.ts with the neighborhood file");
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --expose-gc");

// The crypto library's WASM linear memory (it only ever grows), seen as the module is instantiated: the
// library does not export it. Installed before the block starts, which is when the bots' devices load it.
// (The project's TypeScript library settings leave out the WebAssembly types: the few used are named here.)
interface WasmMemory {
  buffer: ArrayBuffer;
}
interface WasmApi {
  Memory: new (...args: never[]) => WasmMemory;
  Instance: new (...args: never[]) => { exports: Record<string, unknown> };
  instantiate(...args: unknown[]): Promise<unknown>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const wasmMemories: WasmMemory[] = [];
const instantiate = wasmApi.instantiate.bind(wasmApi);
wasmApi.instantiate = async (...args: unknown[]) => {
  const result = (await instantiate(...args)) as { exports: Record<string, unknown> } | { instance: { exports: Record<string, unknown> } };
  const { memory } = "instance" in result ? result.instance.exports : result.exports;
  if (memory instanceof wasmApi.Memory) wasmMemories.push(memory);
  return result;
};

const running = await startNeighborhood(file, { synapseOverrides: relaxedRateLimits });
const cryptoStore = join(running.neighborhood.dataDir, "appservice", "crypto.sqlite");
let stopping: Promise<void> | undefined;
const stop = () => (stopping ??= running.stop().finally(() => process.exit(0)));
// The benchmark went away without saying stop: Synapse must not outlive it.
process.on("disconnect", () => void stop());

process.on("message", async (request: HostRequest) => {
  if (request === "stop") return void stop();
  // Twice, with a pause: finalizers (the crypto library frees WASM objects from them) run between the two.
  gc();
  await sleep(500);
  gc();
  const usage = process.memoryUsage();
  const bytes = (path: string) => statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  const memory: HostMemory = {
    memory: {
      rssKib: rssKib(),
      heapUsed: usage.heapUsed,
      heapTotal: usage.heapTotal,
      external: usage.external,
      wasmBytes: wasmMemories.reduce((sum, memory) => sum + memory.buffer.byteLength, 0),
      cryptoStoreBytes: bytes(cryptoStore) + bytes(`${cryptoStore}-wal`),
    },
  };
  process.send!(memory);
});

process.send({
  ready: { clientUrl: running.clientUrl, operatorToken: running.operatorToken, serverName: running.neighborhood.server_name },
} satisfies HostReady);

/** VmRSS, as the operator's `ps` shows it. */
function rssKib(): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0);
}
