import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MatrixEvent } from "../../bots/framework/contract.ts";
import { CapturingLog, gate, messageEvent, recordingBot, sendEvents, startTestHost, userIdOf } from "./hostFixture.ts";

const roomA = "!a:block.test";
const roomB = "!b:block.test";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("per-room ordered processing", () => {
  it("keeps each room's order while two rooms progress in parallel", async () => {
    const bFirstDone = gate();
    let aWaitedForB = false;
    const sent: MatrixEvent[] = [];
    const bot = recordingBot("share", async (event) => {
      // Handlers see the event as parsed from the transaction, so compare ids, not objects.
      const index = sent.findIndex((candidate) => candidate.event_id === event.event_id);
      if (index === 0) {
        // Room A's first event can only finish once room B has handled one: impossible if rooms ran one at a time.
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve("timeout"), 2000);
        });
        aWaitedForB = (await Promise.race([bFirstDone.opened.then(() => "opened"), timedOut])) === "opened";
        clearTimeout(timer);
      } else {
        await pause((index * 7) % 5);
      }
      if (index === 1) bFirstDone.open();
    });
    const host = await startTestHost({ bots: [bot.definition] });
    try {
      host.store.membership.recordJoin(userIdOf("share"), roomA);
      host.store.membership.recordJoin(userIdOf("share"), roomB);
      for (let txn = 0; txn < 6; txn += 1) {
        const batch = Array.from({ length: 10 }, (_, i) => messageEvent(i % 2 === 0 ? roomA : roomB, `t${txn}e${i}`));
        sent.push(...batch);
        assert.equal((await sendEvents(host, `order-${txn}`, batch)).status, 200);
      }
      await host.whenIdle();
      assert.ok(aWaitedForB, "room B progressed while room A's first event was still in its handler");
      for (const room of [roomA, roomB]) {
        assert.deepEqual(
          bot.deliveries.filter((delivery) => delivery.roomId === room).map((delivery) => delivery.eventId),
          sent.filter((event) => event.room_id === room).map((event) => event.event_id),
        );
      }
    } finally {
      bFirstDone.open();
      await host.stop();
    }
  });

  it("moves on after a handler throws, logging and counting the failure", async () => {
    const bot = recordingBot("share", async (event) => {
      if (event.content.body === "boom") throw new Error("handler exploded");
    });
    const log = new CapturingLog();
    const host = await startTestHost({ bots: [bot.definition], log });
    try {
      host.store.membership.recordJoin(userIdOf("share"), roomA);
      const events = [messageEvent(roomA, "before"), messageEvent(roomA, "boom"), messageEvent(roomA, "after")];
      assert.equal((await sendEvents(host, "throws", events)).status, 200);
      await host.whenIdle();
      assert.deepEqual(bot.eventIds(), [events[0]!.event_id, events[2]!.event_id]);
      assert.equal(host.store.transactions.pendingCount(), 0);
      const failure = log.lines.find((line) => line.level === "error");
      assert.equal(failure?.fields?.error, "handler exploded");
      assert.equal(failure?.fields?.bot, "share");
      const metrics = await (await fetch(`${host.url}/metrics`)).text();
      assert.match(metrics, /blockshare_events_processed_total\{bot="share",outcome="error"\} 1\b/);
      assert.match(metrics, /blockshare_events_processed_total\{bot="share",outcome="ok"\} 2\b/);
      // Still serving.
      const later = messageEvent(roomA, "later");
      await sendEvents(host, "after-throw", [later]);
      await host.whenIdle();
      assert.equal(bot.eventIds().at(-1), later.event_id);
    } finally {
      await host.stop();
    }
  });
});
