// e2ee_bot_rtt_ratio_p50: 20 neighbors (matrix-js-sdk with Rust crypto, as Element X) each send `!about`
// to the porch bot at once in their end-to-end encrypted DM with it; the p50 time from send to the
// decrypted reply seen by the neighbor, over the same in each neighbor's unencrypted DM with the same bot,
// same run. Both rooms are warmed up first (the first message in a new room shares keys both ways).
// The block runs in a child process (hostInChild.ts). BLOCKSHARE_BENCH_BREAKDOWN=1 runs it in this process
// instead and prints where the bot's time goes (e2eeBreakdown.ts).
import { performance } from "node:perf_hooks";
import * as sdk from "matrix-js-sdk";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestNeighborhood } from "../test/harness/testNeighborhood.ts";
import type { NeighborClient } from "../test/harness/neighborClient.ts";
import { writeBenchNeighborhood } from "./benchNeighborhood.ts";
import { registerEncryptedNeighbors } from "./encryptedNeighbors.ts";
import { startHostInChild } from "./hostInChild.ts";
import { percentile } from "./percentile.ts";

const NEIGHBORS = 20;
const ROUNDS = 5;
// The bot allows a burst of 5 commands per neighbor, then one every 3 s: two warm-ups, then one encrypted
// and one plain command per round, a round every 6.5 s, never reach the limiter.
const ROUND_GAP_MS = 6_500;
const REPLY_TIMEOUT_MS = 90_000;

export async function measureE2eeBotRoundTrip(): Promise<Record<string, number>> {
  const breakdown = process.env.BLOCKSHARE_BENCH_BREAKDOWN === "1" ? await (await import("./e2eeBreakdown.ts")).installBreakdown() : undefined;
  // The breakdown wraps the host's code, so the host must run here; otherwise it runs in a child process, as
  // in production: 20 Rust-crypto clients on the host's event loop would slow the bot as no real box does.
  const block = breakdown ? await blockInThisProcess() : await blockInChild();
  try {
    const { porch, neighbors } = block;
    // Welcomes settle first so they do not overlap the measurement.
    await Promise.all(neighbors.map((n) => n.waitForEvent((e) => e.sender === porch && String(e.content.body).includes(n.userId), "welcome", 60_000)));

    const rooms = await Promise.all(
      neighbors.map(async (neighbor) => ({ encrypted: await directChat(neighbor, porch, true), plain: await directChat(neighbor, porch, false) })),
    );
    // Warm-up: the first encrypted message in each direction shares a Megolm session (and the Olm sessions
    // that carry it); later messages reuse them, as a conversation does.
    await Promise.all(neighbors.map((neighbor, i) => replyTime(neighbor, rooms[i]!.encrypted, porch, true)));
    await Promise.all(neighbors.map((neighbor, i) => replyTime(neighbor, rooms[i]!.plain, porch, false)));
    breakdown?.reset();

    const encrypted: number[] = [];
    const plain: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await new Promise((resolve) => setTimeout(resolve, ROUND_GAP_MS));
      // Which kind goes first alternates, so neither always meets a quieter box.
      const kinds = round % 2 === 0 ? ([true, false] as const) : ([false, true] as const);
      for (const kind of kinds) {
        const times = await Promise.all(neighbors.map((neighbor, i) => replyTime(neighbor, kind ? rooms[i]!.encrypted : rooms[i]!.plain, porch, kind)));
        (kind ? encrypted : plain).push(...times);
      }
    }
    console.log(
      `  unencrypted DM: p50 ${percentile(plain, 50).toFixed(0)} ms, p95 ${percentile(plain, 95).toFixed(0)} ms; ` +
        `encrypted DM: p50 ${percentile(encrypted, 50).toFixed(0)} ms, p95 ${percentile(encrypted, 95).toFixed(0)} ms ` +
        `(${NEIGHBORS} neighbors at once, ${ROUNDS} rounds)`,
    );
    if (breakdown) console.log(breakdown.render());
    return { e2ee_bot_rtt_ratio_p50: percentile(encrypted, 50) / percentile(plain, 50) };
  } finally {
    breakdown?.uninstall();
    await block.stop();
  }
}

interface BenchBlock {
  porch: string;
  neighbors: NeighborClient[];
  stop(): Promise<void>;
}

async function blockInThisProcess(): Promise<BenchBlock> {
  const block = await startTestNeighborhood({ name: "Cipher Bench" });
  const token = await block.newToken(NEIGHBORS);
  const neighbors: NeighborClient[] = [];
  for (let i = 0; i < NEIGHBORS; i++) neighbors.push(await block.addNeighbor(`cipher${i}`, token));
  return { porch: `@porch:${block.running.neighborhood.server_name}`, neighbors, stop: () => block.stop() };
}

async function blockInChild(): Promise<BenchBlock> {
  const dir = mkdtempSync(join(tmpdir(), "blockshare-e2ee-rtt-"));
  const host = startHostInChild(await writeBenchNeighborhood(dir, "Cipher Bench", "cipherbench.localhost"));
  const neighbors: NeighborClient[] = [];
  const stop = async () => {
    for (const neighbor of neighbors) neighbor.stop();
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ready = await host.ready;
    await registerEncryptedNeighbors(ready, "cipher", NEIGHBORS, neighbors);
    return { porch: `@porch:${ready.serverName}`, neighbors, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A DM with the bot as Element opens one: encrypted (openDirectChat), or without the encryption state. */
async function directChat(neighbor: NeighborClient, bot: string, encrypted: boolean): Promise<string> {
  const roomId = encrypted
    ? await neighbor.openDirectChat(bot)
    : (await neighbor.client.createRoom({ preset: sdk.Preset.TrustedPrivateChat, is_direct: true, invite: [bot] })).room_id;
  await neighbor.waitForEvent(
    (e) => e.room_id === roomId && e.type === "m.room.member" && e.state_key === bot && e.content.membership === "join",
    `${bot} joining the DM`,
    60_000,
  );
  return roomId;
}

/** From send to the reply this neighbor reads; it must have come the way the room is (encrypted or not). */
async function replyTime(neighbor: NeighborClient, roomId: string, bot: string, encrypted: boolean): Promise<number> {
  const started = performance.now();
  const commandId = await neighbor.sendText(roomId, "!about");
  const reply = await neighbor.waitForReply(roomId, commandId, bot, REPLY_TIMEOUT_MS);
  if (reply.encrypted !== encrypted || reply.undecryptable)
    throw new Error(`${bot}'s reply in ${roomId} came ${reply.encrypted ? "encrypted" : "in clear"}${reply.undecryptable ? " and unreadable" : ""}`);
  return reply.receivedAt - started;
}
