import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { eventually, gate, messageEvent, recordingBot, sendEvents, startTestHost, tempStoreDir, userIdOf } from "./hostFixture.ts";

const room = "!durable:block.test";

describe("durability across restarts", () => {
  const dir = tempStoreDir();
  after(() => dir.remove());

  it("does not deliver a txnId again after the host is reopened on the same file", async () => {
    const storePath = dir.path("ledger.sqlite");
    const first = recordingBot("share");
    const event = messageEvent(room, "before restart");
    const host = await startTestHost({ bots: [first.definition], storePath });
    host.store.membership.recordJoin(userIdOf("share"), room);
    assert.equal((await sendEvents(host, "txn-restart", [event])).status, 200);
    await host.whenIdle();
    await host.stop();
    assert.deepEqual(first.eventIds(), [event.event_id]);

    const second = recordingBot("share");
    const reopened = await startTestHost({ bots: [second.definition], storePath });
    try {
      assert.equal((await sendEvents(reopened, "txn-restart", [event])).status, 200);
      await reopened.whenIdle();
      assert.deepEqual(second.eventIds(), []);
      // Membership survived too: a new transaction reaches the bot without a fresh join.
      const later = messageEvent(room, "after restart");
      await sendEvents(reopened, "txn-later", [later]);
      await reopened.whenIdle();
      assert.deepEqual(second.eventIds(), [later.event_id]);
    } finally {
      await reopened.stop();
    }
  });

  it("delivers, in order, the events still undelivered when the host stopped", async () => {
    const storePath = dir.path("inbox.sqlite");
    const stuck = gate();
    const blocked = recordingBot("share", () => stuck.opened);
    const events = [messageEvent(room, "first"), messageEvent(room, "second"), messageEvent(room, "third")];
    const host = await startTestHost({ bots: [blocked.definition], storePath });
    host.store.membership.recordJoin(userIdOf("share"), room);
    assert.equal((await sendEvents(host, "txn-stuck", events)).status, 200);
    await host.stop();
    // The abandoned handler finishing late must not mark anything delivered in the closed store.
    stuck.open();
    await eventually(() => blocked.deliveries.length > 0, "the abandoned handler to finish");
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(blocked.eventIds(), [events[0]!.event_id], "the stopped host started no further events");

    const healthy = recordingBot("share");
    const restarted = await startTestHost({ bots: [healthy.definition], storePath });
    try {
      await restarted.whenIdle();
      assert.deepEqual(
        healthy.eventIds(),
        events.map((event) => event.event_id),
      );
      assert.equal(restarted.store.transactions.pendingCount(), 0);
    } finally {
      await restarted.stop();
    }

    // Handled events are gone from the file: a third start replays nothing.
    const third = recordingBot("share");
    const again = await startTestHost({ bots: [third.definition], storePath });
    await again.whenIdle();
    await again.stop();
    assert.deepEqual(third.eventIds(), []);
  });
});
