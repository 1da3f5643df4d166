// e2ee_store_rss_mb_24h: how much the appservice host's resident memory grows over a day of encrypted
// traffic, compressed in time. The block runs in a child process (e2eeHostProcess.ts) so that the 20
// neighbors' Rust-crypto clients, here, do not count. Each neighbor has an encrypted DM with each of the
// four bots and sends `!help` in all four, WAVES times; every command is a new Megolm session (the rooms ask
// for rotation after every message, as if each came a rotation period after the last), so the bots take in
// one Olm-wrapped room key per command — a week of a busy block's sessions in one run. Memory is read after
// two forced full GCs (--expose-gc in the host process), after warm-up and after the traffic.
// e2ee_store_mb_24h is the bots' crypto store on disk after the day (appservice/crypto.sqlite and its WAL).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import * as sdk from "matrix-js-sdk";
import type { NeighborClient } from "../test/harness/neighborClient.ts";
import { writeBenchNeighborhood } from "./benchNeighborhood.ts";
import { registerEncryptedNeighbors } from "./encryptedNeighbors.ts";
import { startHostInChild } from "./hostInChild.ts";

const NEIGHBORS = 20;
const BOTS = ["porch", "share", "polls", "mesh"];
const WAVES = 12;
// One command per neighbor per bot per wave: the bots refill a neighbor's allowance every 3 s.
const MIN_WAVE_MS = 3_500;
const REPLY_TIMEOUT_MS = 120_000;
const SETTLE_MS = 5_000;

export async function measureE2eeStoreMemory(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), "blockshare-e2ee-memory-"));
  const file = await writeBenchNeighborhood(dir, "Cipher Memory Block", "ciphermemory.localhost");
  const host = startHostInChild(file);
  const neighbors: NeighborClient[] = [];
  try {
    const ready = await host.ready;
    const { serverName } = ready;
    await registerEncryptedNeighbors(ready, "day", NEIGHBORS, neighbors);
    const bots = BOTS.map((bot) => `@${bot}:${serverName}`);
    const dms = await Promise.all(neighbors.map(async (neighbor) => Promise.all(bots.map((bot) => rotatingDirectChat(neighbor, bot)))));

    // Warm-up: every DM's first exchange (Olm sessions, the first Megolm sessions, device lists, the
    // crypto library's own caches), so the figure is what the day adds.
    // A second wave primes the allocators' pools too (V8's heap, malloc's arenas), so that what they keep
    // after the first burst of load is not counted as the day's.
    await wave(neighbors, bots, dms);
    await wave(neighbors, bots, dms);
    console.log(`  ${NEIGHBORS} neighbors, ${dms.flat().length} encrypted DMs warmed up`);
    await sleep(SETTLE_MS);
    const before = await host.measure();

    const started = performance.now();
    let commands = 0;
    for (let i = 0; i < WAVES; i++) {
      const waveStarted = performance.now();
      commands += await wave(neighbors, bots, dms);
      // Readings through the day tell steady growth (kept state) from a step (what the allocators keep).
      if ((i + 1) % 4 === 0 && i + 1 < WAVES) {
        const rss = (await host.measure()).rssKib / 1024;
        console.log(`  wave ${i + 1}/${WAVES}: ${((performance.now() - started) / 1000).toFixed(0)} s, host RSS ${rss.toFixed(1)} MB`);
      }
      await sleep(Math.max(0, MIN_WAVE_MS - (performance.now() - waveStarted)));
    }
    const seconds = (performance.now() - started) / 1000;
    await sleep(SETTLE_MS);
    const after = await host.measure();

    const sessions = new Set(neighbors.flatMap((neighbor, i) => dms[i]!.flatMap((room) => sessionIds(neighbor, room))));
    const mb = (bytes: number) => bytes / 1024 / 1024;
    console.log(
      `  ${commands} encrypted commands and replies in ${seconds.toFixed(0)} s; ${sessions.size} Megolm sessions in the DMs ` +
        `(neighbors' and bots' outbound, as the neighbors saw them)\n` +
        `  host RSS ${(before.rssKib / 1024).toFixed(1)} → ${(after.rssKib / 1024).toFixed(1)} MB; ` +
        `V8 heap used ${mb(before.heapUsed).toFixed(1)} → ${mb(after.heapUsed).toFixed(1)} MB ` +
        `(reserved ${mb(before.heapTotal).toFixed(1)} → ${mb(after.heapTotal).toFixed(1)} MB); ` +
        `external ${mb(before.external).toFixed(1)} → ${mb(after.external).toFixed(1)} MB; ` +
        `crypto WASM memory ${mb(before.wasmBytes).toFixed(1)} → ${mb(after.wasmBytes).toFixed(1)} MB; ` +
        `crypto store on disk ${mb(before.cryptoStoreBytes).toFixed(2)} → ${mb(after.cryptoStoreBytes).toFixed(2)} MB`,
    );
    return { e2ee_store_rss_mb_24h: (after.rssKib - before.rssKib) / 1024, e2ee_store_mb_24h: mb(after.cryptoStoreBytes) };
  } finally {
    for (const neighbor of neighbors) neighbor.stop();
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every neighbor sends `!help` in each DM at once; resolves with how many answers came (all, or it throws). */
async function wave(neighbors: NeighborClient[], bots: string[], dms: string[][]): Promise<number> {
  const replies = await Promise.all(
    neighbors.flatMap((neighbor, i) =>
      bots.map(async (bot, b) => {
        const room = dms[i]![b]!;
        const command = await neighbor.sendText(room, "!help");
        const reply = await neighbor.waitForReply(room, command, bot, REPLY_TIMEOUT_MS);
        if (!reply.encrypted || reply.undecryptable)
          throw new Error(`${bot}'s reply to ${neighbor.userId} came ${reply.encrypted ? "unreadable" : "in clear"}`);
      }),
    ),
  );
  return replies.length;
}

/** An encrypted DM as Element X opens one, whose Megolm sessions are to rotate after every message. */
async function rotatingDirectChat(neighbor: NeighborClient, bot: string): Promise<string> {
  const { room_id: roomId } = await neighbor.client.createRoom({
    preset: sdk.Preset.TrustedPrivateChat,
    is_direct: true,
    invite: [bot],
    initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2", rotation_period_msgs: 1 } }],
  });
  await neighbor.waitForEncryption(roomId);
  await neighbor.waitForEvent(
    (e) => e.room_id === roomId && e.type === "m.room.member" && e.state_key === bot && e.content.membership === "join",
    `${bot} joining the DM`,
    60_000,
  );
  return roomId;
}

function sessionIds(neighbor: NeighborClient, roomId: string): string[] {
  const events = neighbor.client.getRoom(roomId)?.getLiveTimeline().getEvents() ?? [];
  return events.flatMap((event) => {
    const id = event.isEncrypted() ? event.getWireContent().session_id : undefined;
    return typeof id === "string" ? [id] : [];
  });
}
