// Polls figures: `poll_tally_ratio_10k` (an MSC3381 tally of 10,000 response events, with vote changes
// and spoiled votes, divided by a plain count loop over the same events, same run) and
// `poll_close_lag_s` (from a poll's deadline to its end event seen by a neighbor's client, real stack).
import { performance } from "node:perf_hooks";
import type { MatrixEvent } from "../bots/framework/contract.ts";
import { readPollResponse } from "../bots/polls/pollEvents.ts";
import { createPollsBot } from "../bots/polls/pollsBot.ts";
import { tallyResponses } from "../bots/polls/tallyResponses.ts";
import type { StoredResponse } from "../bots/polls/pollModel.ts";
import type { NeighborClient } from "../test/harness/neighborClient.ts";
import { startTestNeighborhood } from "../test/harness/testNeighborhood.ts";

const answerIds = ["agree", "disagree", "abstain"];

/** 10,000 response events from 2,000 voters (most change their vote; about 3% name an unknown answer). */
export function syntheticResponses(count = 10_000, voters = 2_000): MatrixEvent[] {
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  return Array.from({ length: count }, (_, index) => {
    const spoiled = random() < 0.03;
    const answer = spoiled ? "maybe" : (answerIds[Math.floor(random() * answerIds.length)] ?? "agree");
    return {
      event_id: `$r${index}`,
      room_id: "!governance:bench",
      sender: `@v${Math.floor(random() * voters)}:bench`,
      type: "org.matrix.msc3381.poll.response",
      content: { "m.relates_to": { rel_type: "m.reference", event_id: "$start" }, "org.matrix.msc3381.poll.response": { answers: [answer] } },
      origin_server_ts: 1_000_000 + index * 10,
    };
  });
}

function plainCount(events: readonly MatrixEvent[]): number {
  const counts = new Map<string, number>();
  for (const event of events) {
    const answer = (event.content["org.matrix.msc3381.poll.response"] as { answers: string[] }).answers[0] ?? "";
    counts.set(answer, (counts.get(answer) ?? 0) + 1);
  }
  return counts.size;
}

function fullTally(events: readonly MatrixEvent[], eligible: ReadonlySet<string>): number {
  const responses: StoredResponse[] = [];
  for (const event of events) {
    const read = readPollResponse(event);
    if (read !== undefined) responses.push(read);
  }
  return tallyResponses({ answerIds, maxSelections: 1, responses, endTs: Number.MAX_SAFE_INTEGER, eligible }).votes.size;
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export function measurePollTallyRatio(): number {
  const events = syntheticResponses();
  const eligible = new Set(Array.from({ length: 1_800 }, (_, index) => `@v${index}:bench`));
  const baselineTimes: number[] = [];
  const tallyTimes: number[] = [];
  let sink = 0;
  // Interleaved, so a noisy neighbor on the machine slows both alike; the first rounds warm the JIT.
  for (let round = 0; round < 80; round += 1) {
    let started = performance.now();
    sink += plainCount(events);
    const baseline = performance.now() - started;
    started = performance.now();
    sink += fullTally(events, eligible);
    const tally = performance.now() - started;
    if (round >= 20) {
      baselineTimes.push(baseline);
      tallyTimes.push(tally);
    }
  }
  if (sink < 0) console.log(sink); // keeps the work observable
  return median(tallyTimes) / Math.max(median(baselineTimes), 1e-6);
}

/**
 * Starts a real neighborhood with the polls bot, opens `polls` proposals that close in `closeInSeconds`,
 * and returns the worst lag, in seconds, from a deadline to its end event arriving at a neighbor's client.
 * The deadline is taken as the start event's origin_server_ts plus the duration: the bot fixes the
 * deadline just before it sends the start event, so this can only under-state the lag by a few ms.
 */
export async function measurePollCloseLag(options: { polls?: number; closeInSeconds?: number } = {}): Promise<number> {
  const polls = options.polls ?? 3;
  const closeInSeconds = options.closeInSeconds ?? 10;
  const block = await startTestNeighborhood({ bots: [createPollsBot()] });
  try {
    const server = block.running.neighborhood.server_name;
    const governance = block.running.rooms.get("governance");
    if (governance === undefined) throw new Error("the neighborhood has no Governance room");
    const neighbor: NeighborClient = await block.addNeighbor("lagwatch");
    await neighbor.client.joinRoom(governance);
    const bot = `@polls:${server}`;
    const starts = [];
    for (let index = 0; index < polls; index += 1) {
      await neighbor.sendText(governance, `!propose Lag check ${index + 1} closes in ${closeInSeconds} seconds`);
      starts.push(
        await neighbor.waitForEvent(
          (event) =>
            event.sender === bot &&
            event.type === "org.matrix.msc3381.poll.start" &&
            String(event.content["org.matrix.msc1767.text"]).includes(`Lag check ${index + 1}\n`),
          `poll start ${index + 1}`,
        ),
      );
    }
    const lags = await Promise.all(
      starts.map(async (start) => {
        const end = await neighbor.waitForEvent(
          (event) => event.type === "org.matrix.msc3381.poll.end" && event.content["m.relates_to"]?.event_id === start.event_id,
          "the poll's end event",
          (closeInSeconds + 30) * 1000,
        );
        const seenAtWallClock = performance.timeOrigin + end.receivedAt;
        // Let the bot finish posting the results before the stack stops.
        await neighbor.waitForEvent(
          (event) =>
            event.sender === bot &&
            event.type === "m.room.message" &&
            String(event.content.body).includes("Results") &&
            String(event.content.body).includes(start.event_id),
          "the results",
        );
        return (seenAtWallClock - (start.origin_server_ts + closeInSeconds * 1000)) / 1000;
      }),
    );
    return Math.max(...lags);
  } finally {
    await block.stop();
  }
}

export async function pollsBenchmarks(): Promise<Record<string, number>> {
  return {
    poll_tally_ratio_10k: measurePollTallyRatio(),
    poll_close_lag_s: await measurePollCloseLag(),
  };
}
