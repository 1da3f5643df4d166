// Where a bot's time goes in encrypted rooms, for e2eeBotRoundTrip.ts (BLOCKSHARE_BENCH_BREAKDOWN=1): wraps,
// in this process only, the bot device's entry points (BotCrypto), the bots' OlmMachine calls, the crypto
// store's SQLite commits (IndexedDbFile.writeChanges) and the bots' HTTP requests (global fetch, the ones
// that assert a user with `user_id`, which neighbors' clients never send). A diagnostic, not a figure: the
// wrappers cost a little themselves.
import { OlmMachine } from "@matrix-org/matrix-sdk-crypto-wasm";
import { performance } from "node:perf_hooks";
import { BotCrypto } from "../appservices/src/botCrypto.ts";
import { IndexedDbFile } from "../appservices/src/indexedDbFile.ts";

interface Tally {
  count: number;
  totalMs: number;
}

export interface Breakdown {
  reset(): void;
  render(): string;
  uninstall(): void;
}

const machineCalls = [
  "decryptRoomEvent",
  "encryptRoomEvent",
  "shareRoomKey",
  "receiveSyncChanges",
  "outgoingRequests",
  "markRequestAsSent",
  "updateTrackedUsers",
  "getMissingSessions",
] as const;

export async function installBreakdown(): Promise<Breakdown> {
  const tallies = new Map<string, Tally>();
  const note = (name: string, ms: number) => {
    const tally = tallies.get(name) ?? { count: 0, totalMs: 0 };
    tally.count++;
    tally.totalMs += ms;
    tallies.set(name, tally);
  };
  const restore: (() => void)[] = [];
  const wrap = (target: any, method: string, name: string, only?: (self: any) => boolean) => {
    const original = target[method];
    target[method] = function (this: unknown, ...args: unknown[]) {
      if (only !== undefined && !only(this)) return original.apply(this, args);
      const started = performance.now();
      const result = original.apply(this, args);
      if (result instanceof Promise) return result.finally(() => note(name, performance.now() - started));
      note(name, performance.now() - started);
      return result;
    };
    restore.push(() => (target[method] = original));
  };

  wrap(BotCrypto.prototype, "encrypt", "BotCrypto.encrypt (whole)");
  wrap(BotCrypto.prototype, "decrypt", "BotCrypto.decrypt (whole)");
  wrap(BotCrypto.prototype, "receive", "BotCrypto.receive (a transaction's crypto parts)");
  wrap(IndexedDbFile.prototype, "writeChanges", "crypto store SQLite commit (synchronous, blocks the event loop)");
  // Neighbors' clients run OlmMachines in this process too: only the bots' devices count.
  const isBot = (machine: OlmMachine) => machine.deviceId.toString() === "BLOCKSHARE";
  for (const method of machineCalls) wrap(OlmMachine.prototype, method, `OlmMachine.${method}`, isBot);

  const originalFetch = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    if (!url.searchParams.has("user_id")) return originalFetch(input, init);
    const started = performance.now();
    try {
      return await originalFetch(input, init);
    } finally {
      note(`bot HTTP ${init?.method ?? "GET"} ${requestKind(url.pathname)}`, performance.now() - started);
    }
  };
  restore.push(() => (globalThis.fetch = originalFetch));

  return {
    reset: () => tallies.clear(),
    render: () =>
      [...tallies.entries()]
        .sort(([, a], [, b]) => b.totalMs - a.totalMs)
        .map(([name, { count, totalMs }]) => `    ${name}: ${count} calls, ${totalMs.toFixed(0)} ms total, ${(totalMs / count).toFixed(1)} ms each`)
        .join("\n"),
    uninstall: () => {
      for (const undo of restore.reverse()) undo();
    },
  };
}

/** The request's kind without its ids: /rooms/!x/send/m.room.encrypted/t1 → /rooms/…/send/m.room.encrypted. */
function requestKind(path: string): string {
  const parts = path.replace(/^\/_matrix\/client\/(v3|r0|v1)/, "").split("/");
  if (parts[1] === "rooms")
    return ["", "rooms", "…", parts[3], ...(parts[3] === "send" || parts[3] === "state" ? [decodeURIComponent(parts[4] ?? "")] : [])].join("/");
  if (parts[1] === "sendToDevice") return `/sendToDevice/${decodeURIComponent(parts[2] ?? "")}`;
  return parts.slice(0, 3).join("/");
}
