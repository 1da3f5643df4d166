// Runs INSIDE the fresh box, with the Node the install put there: the block's resident memory as the
// operator's `ps` sees it — stack_rss_mb, the RSS of Synapse, the bots' host and the mesh monitor (each
// unit's main process and its children), as bench/stackMemory.ts sums it — idle, and then the peak
// while a few neighbors keep the bots busy with commands and the monitor's map and metrics are read.
// PostgreSQL and nginx are reported beside it, not in it (bench's stack has neither).
//
// On an emulated box each process's RSS also holds qemu-user's own memory (its translated code, its
// heap, its binary), which a real Pi does not have. `*_guest` leaves those mappings out (read from
// /proc/PID/smaps: the emulator's file, [heap] and [stack], and anonymous mappings at or above
// 0x7f0000000000, where the host places them; the arm64 program's own live lower down), which is an
// estimate of the same processes' RSS on a Pi. Natively the two figures are equal.
//
// Synapse's caches after the load (entries held and the most they may hold, from its metrics on
// 127.0.0.1:9000) say whether caches.global_factor is what the memory goes to.
// Prints one JSON line.
//   node stackMemoryUnderLoad.ts https://maple.test REGISTRATION_TOKEN NEIGHBORS ROUNDS REPLY_WITHIN_S
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { registerNeighbor } from "../../../../test/harness/testNeighborhood.ts";
import { childrenOfEveryProcess, processTree, residentKib } from "../../../../test/harness/processMemory.ts";

const STACK = ["blockshare-synapse", "blockshare-appservices", "blockshare-mesh-monitor"];
const BESIDE = ["postgresql", "nginx"];
const COMMANDS = ["!about", "!help"];

const [url, token, neighborsArg, roundsArg, replyWithinArg] = process.argv.slice(2);
const neighborCount = Number(neighborsArg);
const rounds = Number(roundsArg);
const replyWithinMs = Number(replyWithinArg) * 1000;
if (!url || !token || !(neighborCount > 0 && neighborCount <= 20) || !(rounds > 0 && rounds <= 50) || !(replyWithinMs > 0))
  throw new Error("usage: stackMemoryUnderLoad.ts URL REGISTRATION_TOKEN NEIGHBORS(1-20) ROUNDS(1-50) REPLY_WITHIN_S");

/**
 * Each unit's main process, asked of systemd once: a systemctl per sample would stall this script's
 * requests for seconds on an emulated box.
 */
function mainPids(units: string[]): Map<string, number[]> {
  const systemctl = (...args: string[]) => execFileSync("systemctl", args, { encoding: "utf8" }).trim();
  return new Map(
    units.map((unit) => {
      // postgresql.service is a wrapper with no process: the cluster runs as postgresql@VERSION-main.
      const names =
        unit === "postgresql"
          ? systemctl("list-units", "--plain", "--no-legend", "--type=service", "postgresql@*")
              .split(/\s+/)
              .filter((name) => name.endsWith(".service"))
          : [unit];
      return [unit, names.map((name) => Number(systemctl("show", "-p", "MainPID", "--value", name))).filter((pid) => pid > 0)];
    }),
  );
}
const mains = mainPids([...STACK, ...BESIDE]);

/** Resident MiB per unit (its main process and every descendant, read from /proc); `guest` leaves qemu's own out. */
function residentByUnit(withGuest: boolean): { all: Record<string, number>; guest: Record<string, number> } {
  const children = childrenOfEveryProcess();
  const all: Record<string, number> = {};
  const guest: Record<string, number> = {};
  for (const [unit, pids] of mains) {
    const tree = processTree(pids, children);
    all[unit] = tree.reduce((sum, pid) => sum + residentKib(pid), 0) / 1024;
    if (withGuest) guest[unit] = all[unit]! - tree.reduce((sum, pid) => sum + emulatorKib(pid), 0) / 1024;
  }
  return { all, guest };
}

/** The resident KiB of qemu-user's own mappings in an emulated process (0 for a native one). */
function emulatorKib(pid: number): number {
  let smaps: string;
  try {
    smaps = readFileSync(`/proc/${pid}/smaps`, "utf8");
  } catch {
    return 0;
  }
  if (!smaps.includes("qemu-")) return 0;
  let kib = 0;
  let emulators = false;
  for (const line of smaps.split("\n")) {
    const mapping = /^([0-9a-f]+)-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (mapping) {
      const path = mapping[2]!;
      emulators = /qemu-/.test(path) || path === "[heap]" || path === "[stack]" || (path === "" && Number.parseInt(mapping[1]!, 16) >= 0x7f0000000000);
    } else if (emulators && line.startsWith("Rss:")) kib += Number(/(\d+)/.exec(line)?.[1] ?? 0);
  }
  return kib;
}

/** Entries in Synapse's LRU caches and the most they may hold, summed, with the fullest few. */
async function synapseCaches(): Promise<{ entries: number; max_entries: number; largest: Record<string, string> }> {
  const text = await (await fetch("http://127.0.0.1:9000/_synapse/metrics")).text();
  const read = (metric: string) => {
    const byName = new Map<string, number>();
    for (const match of text.matchAll(new RegExp(`^${metric}\\{(?:[^}]*,)?name="([^"]+)"[^}]*\\} (\\S+)$`, "gm"))) byName.set(match[1]!, Number(match[2]));
    return byName;
  };
  const size = read("synapse_util_caches_cache_size");
  const max = read("synapse_util_caches_cache_max_size");
  const sum = (values: Map<string, number>) => [...values.values()].reduce((a, b) => a + b, 0);
  const largest = [...size.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
  return { entries: sum(size), max_entries: sum(max), largest: Object.fromEntries(largest.map(([name, n]) => [name, `${n}/${max.get(name) ?? "?"}`])) };
}

const round1 = (mb: number) => Math.round(mb * 10) / 10;
const stackOf = (figures: Record<string, number>) => round1(STACK.reduce((sum, unit) => sum + figures[unit]!, 0));
type Sample = ReturnType<typeof residentByUnit>;

/**
 * fetch, again (up to three times) when the server closed a kept-alive connection just as it was
 * reused: the requests here are all safe to repeat (GETs, and PUTs with a transaction id).
 */
async function fetchAgain(target: string, init?: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(target, init);
    } catch (error) {
      const code = ((error as Error).cause as { code?: string } | undefined)?.code;
      if (attempt >= 3 || (code !== "UND_ERR_SOCKET" && code !== "ECONNRESET")) throw error;
    }
  }
}

async function call<T>(method: string, path: string, accessToken: string, body?: unknown): Promise<T> {
  const response = await fetchAgain(`${url}${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${accessToken}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

type Sync = {
  next_batch: string;
  rooms?: {
    join?: Record<string, { timeline: { events: Array<{ sender: string; content: { "m.relates_to"?: { "m.in_reply_to"?: { event_id: string } } } }> } }>;
  };
};

/** A neighbor who asks a bot something ROUNDS times in the Lobby, each time waiting for the answer. */
async function neighbor(index: number): Promise<number> {
  const session = await registerNeighbor(url!, `busy${index}-${Date.now()}`, `busy neighbor ${index} password`, token);
  const serverName = session.user_id.split(":").slice(1).join(":");
  const { room_id: roomId } = await call<{ room_id: string }>(
    "POST",
    `/_matrix/client/v3/join/${encodeURIComponent(`#lobby:${serverName}`)}`,
    session.access_token,
    {},
  );
  const filter = encodeURIComponent(JSON.stringify({ room: { rooms: [roomId], timeline: { limit: 50 } } }));
  let since = (await call<Sync>("GET", `/_matrix/client/v3/sync?filter=${filter}`, session.access_token)).next_batch;
  let answered = 0;
  for (let round = 0; round < rounds; round++) {
    const { event_id: asked } = await call<{ event_id: string }>(
      "PUT",
      `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/busy-${index}-${round}-${Date.now()}`,
      session.access_token,
      { msgtype: "m.text", body: COMMANDS[round % COMMANDS.length] },
    );
    const deadline = Date.now() + replyWithinMs;
    let replied = false;
    while (!replied && Date.now() < deadline) {
      const sync = await call<Sync>("GET", `/_matrix/client/v3/sync?timeout=10000&since=${since}&filter=${filter}`, session.access_token);
      since = sync.next_batch;
      replied = !!sync.rooms?.join?.[roomId]?.timeline.events.some((event) => event.content["m.relates_to"]?.["m.in_reply_to"]?.event_id === asked);
    }
    if (!replied) throw new Error(`${session.user_id}: no answer to round ${round} within ${replyWithinMs / 1000} s`);
    answered++;
  }
  return answered;
}

const idle = residentByUnit(true);
const started = Date.now();
let peak: Sample = idle;
/** A new peak is read again with qemu's share (smaps is slow to parse under emulation: only then). */
const keepPeak = () => {
  const sample = residentByUnit(false);
  if (stackOf(sample.all) > stackOf(peak.all)) peak = residentByUnit(true);
};
let reading = true;
// The mesh monitor's map and metrics, read as a neighbor's browser and Prometheus would, throughout.
const reader = (async () => {
  let reads = 0;
  while (reading && reads < 100_000) {
    for (const path of ["/api/state", "/metrics", "/"]) await fetchAgain(`http://127.0.0.1:9464${path}`).then((response) => response.arrayBuffer());
    reads++;
  }
  return reads;
})();
const sampler = setInterval(() => {
  keepPeak();
}, 2000);
try {
  const answered = (await Promise.all(Array.from({ length: neighborCount }, (_, i) => neighbor(i)))).reduce((a, b) => a + b, 0);
  reading = false;
  const monitorReads = await reader;
  keepPeak();
  const perUnit = (figures: Record<string, number>) => Object.fromEntries(Object.entries(figures).map(([unit, mb]) => [unit, round1(mb)]));
  console.log(
    JSON.stringify({
      idle_stack_rss_mb: stackOf(idle.all),
      busy_stack_rss_mb: stackOf(peak.all),
      idle_stack_rss_mb_guest: stackOf(idle.guest),
      busy_stack_rss_mb_guest: stackOf(peak.guest),
      idle: perUnit(idle.all),
      busy: perUnit(peak.all),
      idle_guest: perUnit(idle.guest),
      busy_guest: perUnit(peak.guest),
      synapse_caches: await synapseCaches(),
      commands_answered: answered,
      monitor_reads: monitorReads,
      load_s: Math.round((Date.now() - started) / 1000),
    }),
  );
} finally {
  clearInterval(sampler);
  reading = false;
}
process.exit(0);
