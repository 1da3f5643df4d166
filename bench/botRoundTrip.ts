// bot_rtt_ratio_p50/p95: 20 neighbors send a bot command at once; the time until each sees the bot's
// reply, over the time a plain message takes from one neighbor to another in the same run and Synapse.
import { performance } from "node:perf_hooks";
import { startTestNeighborhood } from "../test/harness/testNeighborhood.ts";
import type { NeighborClient } from "../test/harness/neighborClient.ts";
import { percentile } from "./percentile.ts";

const NEIGHBORS = 20;
// Within the bot's per-neighbor burst allowance, so the rate limiter never shapes the figure.
const ROUNDS = 4;

export async function measureBotRoundTrip(): Promise<Record<string, number>> {
  const block = await startTestNeighborhood({ name: "Bench Block" });
  try {
    const lobby = block.running.rooms.get("lobby")!;
    const porch = `@porch:${block.running.neighborhood.server_name}`;
    const token = await block.newToken(NEIGHBORS + 5);
    const neighbors: NeighborClient[] = [];
    // Clients without crypto: the Lobby is unencrypted, and twenty Rust-crypto clients in this one process
    // make the harness the bottleneck (the bot leg carries twice the messages of the plain one). What
    // encryption costs is e2ee-bot-rtt's figure.
    for (let i = 0; i < NEIGHBORS; i++) neighbors.push(await block.addNeighbor(`bench${i}`, token, { encrypted: false }));
    // Let the welcomes settle so they do not overlap the measurement.
    await Promise.all(neighbors.map((n) => n.waitForEvent((e) => e.sender === porch && String(e.content.body).includes(n.userId), "welcome", 60_000)));

    const plain: number[] = [];
    const bot: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      plain.push(...(await Promise.all(neighbors.map((sender, i) => plainMessageTime(sender, neighbors[(i + 1) % NEIGHBORS]!, lobby, round)))));
      bot.push(...(await Promise.all(neighbors.map((sender) => botReplyTime(sender, lobby, porch)))));
    }
    const figures = {
      bot_rtt_ratio_p50: percentile(bot, 50) / percentile(plain, 50),
      bot_rtt_ratio_p95: percentile(bot, 95) / percentile(plain, 95),
    };
    console.log(
      `  plain message p50 ${percentile(plain, 50).toFixed(1)} ms, p95 ${percentile(plain, 95).toFixed(1)} ms; ` +
        `bot reply p50 ${percentile(bot, 50).toFixed(1)} ms, p95 ${percentile(bot, 95).toFixed(1)} ms`,
    );
    return figures;
  } finally {
    await block.stop();
  }
}

async function plainMessageTime(sender: NeighborClient, receiver: NeighborClient, roomId: string, round: number): Promise<number> {
  const text = `hello from ${sender.userId} in round ${round}`;
  const started = performance.now();
  const seen = receiver.waitForEvent((e) => e.room_id === roomId && e.sender === sender.userId && e.content.body === text, "a plain message", 60_000);
  await sender.sendText(roomId, text);
  return (await seen).receivedAt - started;
}

async function botReplyTime(sender: NeighborClient, roomId: string, bot: string): Promise<number> {
  const started = performance.now();
  const commandId = await sender.sendText(roomId, "!about");
  return (await sender.waitForReply(roomId, commandId, bot, 60_000)).receivedAt - started;
}
