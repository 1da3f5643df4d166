// The block (Synapse, the appservice host and the bots) in a child process (e2eeHostProcess.ts), for
// benchmarks whose neighbors' clients must not share the host's process: its memory or its event loop.
import { HOST_NODE_FLAGS } from "../appservices/src/hostRuntime.ts";
import { fork } from "node:child_process";
import { join } from "node:path";
import type { HostMemory, HostReady, HostRequest } from "./e2eeHostProcess.ts";

export interface HostInChild {
  ready: Promise<HostReady["ready"]>;
  measure(): Promise<HostMemory["memory"]>;
  stop(): Promise<void>;
}

export function startHostInChild(file: string): HostInChild {
  const child = fork(join(import.meta.dirname, "e2eeHostProcess.ts"), [file], { execArgv: ["--expose-gc", ...HOST_NODE_FLAGS], silent: true });
  // The block's log stays out of the benchmark's output unless the block fails.
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString("utf8")).slice(-20_000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const next = <T>(pick: (message: unknown) => T | undefined, timeoutMs: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`the host process gave no ${what} within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
      const onMessage = (message: unknown) => {
        const value = pick(message);
        if (value !== undefined) done(undefined, value);
      };
      const onExit = (code: number | null) => done(new Error(`the host process exited (${code}) before its ${what}:\n${output}`));
      const done = (error?: Error, value?: T) => {
        clearTimeout(timer);
        child.off("message", onMessage);
        child.off("exit", onExit);
        if (error) reject(error);
        else resolve(value as T);
      };
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
  const send = (request: HostRequest) => child.send(request);
  return {
    ready: next((m) => (m as Partial<HostReady>).ready, 180_000, "start"),
    measure() {
      const answer = next((m) => (m as Partial<HostMemory>).memory, 60_000, "memory reading");
      send("measure");
      return answer;
    },
    async stop() {
      if (child.exitCode === null && child.connected) send("stop");
      const killed = setTimeout(() => child.kill("SIGKILL"), 60_000);
      await exited;
      clearTimeout(killed);
    },
  };
}
