import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { AppserviceHost } from "../src/appserviceHost.ts";
import { gate, hsToken, messageEvent, putTransaction, recordingBot, sendEvents, startTestHost, userIdOf, type RecordingBot } from "./hostFixture.ts";

const room = "!intake:block.test";

describe("transaction intake", () => {
  let host: AppserviceHost;
  let bot: RecordingBot;

  before(async () => {
    bot = recordingBot("share");
    host = await startTestHost({ bots: [bot.definition], bodyLimit: "64kb" });
    host.store.membership.recordJoin(userIdOf("share"), room);
  });
  after(() => host.stop());

  async function pendingInbox(): Promise<number> {
    const health = (await (await fetch(`${host.url}/health`)).json()) as { inbox: number };
    return health.inbox;
  }

  it("answers 401 M_UNAUTHORIZED without a token, and records nothing", async () => {
    const event = messageEvent(room, "no token");
    const response = await putTransaction(host, "t-noauth", { events: [event] }, {});
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { errcode: string }).errcode, "M_UNAUTHORIZED");
    // The legacy query parameter is not accepted either.
    const legacy = await putTransaction(host, "t-noauth", { events: [event] }, {});
    const viaQuery = await fetch(`${host.url}/_matrix/app/v1/transactions/t-noauth?access_token=${hsToken}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ events: [event] }),
    });
    assert.equal(legacy.status, 401);
    assert.equal(viaQuery.status, 401);
    await host.whenIdle();
    assert.equal(await pendingInbox(), 0);
    assert.ok(!bot.eventIds().includes(event.event_id));
    // Not in the ledger: the same txnId, authenticated, is taken in.
    assert.equal((await sendEvents(host, "t-noauth", [event])).status, 200);
    await host.whenIdle();
    assert.ok(bot.eventIds().includes(event.event_id));
  });

  it("answers 403 M_FORBIDDEN for a wrong token, and records nothing", async () => {
    const event = messageEvent(room, "wrong token");
    for (const wrong of ["wrong", `${hsToken}x`, hsToken.slice(0, -1)]) {
      const response = await putTransaction(host, "t-forbidden", { events: [event] }, { authorization: `Bearer ${wrong}` });
      assert.equal(response.status, 403);
      assert.equal(((await response.json()) as { errcode: string }).errcode, "M_FORBIDDEN");
    }
    await host.whenIdle();
    assert.ok(!bot.eventIds().includes(event.event_id));
    assert.equal((await sendEvents(host, "t-forbidden", [event])).status, 200);
    await host.whenIdle();
    assert.ok(bot.eventIds().includes(event.event_id));
  });

  it("delivers a valid transaction once, and a repeated txnId not again", async () => {
    const events = [messageEvent(room, "one"), messageEvent(room, "two")];
    const first = await sendEvents(host, "t-once", events);
    assert.equal(first.status, 200);
    assert.deepEqual(await first.json(), {});
    await host.whenIdle();
    const second = await sendEvents(host, "t-once", events);
    assert.equal(second.status, 200);
    assert.deepEqual(await second.json(), {});
    await host.whenIdle();
    const ids = events.map((event) => event.event_id);
    assert.deepEqual(
      bot.eventIds().filter((id) => ids.includes(id)),
      ids,
    );
  });

  it("takes in a txnId reused with other events (Synapse on SQLite after a restart), but not a retry", async () => {
    const before = messageEvent(room, "before Synapse restarted");
    const afterRestart = messageEvent(room, "after Synapse restarted");
    assert.equal((await sendEvents(host, "t-reused", [before])).status, 200);
    assert.equal((await sendEvents(host, "t-reused", [afterRestart])).status, 200);
    assert.equal((await sendEvents(host, "t-reused", [afterRestart])).status, 200);
    await host.whenIdle();
    assert.equal(bot.eventIds().filter((id) => id === before.event_id).length, 1);
    assert.equal(bot.eventIds().filter((id) => id === afterRestart.event_id).length, 1);
  });

  it("processes concurrent deliveries of one txnId once", async () => {
    const event = messageEvent(room, "concurrent");
    const responses = await Promise.all(Array.from({ length: 8 }, () => sendEvents(host, "t-concurrent", [event])));
    assert.deepEqual(
      responses.map((response) => response.status),
      Array(8).fill(200),
    );
    await host.whenIdle();
    assert.equal(bot.eventIds().filter((id) => id === event.event_id).length, 1);
  });

  it("answers 413 M_TOO_LARGE for an oversized body and keeps serving", async () => {
    const huge = messageEvent(room, "huge");
    huge.content.body = "x".repeat(100 * 1024);
    const response = await sendEvents(host, "t-huge", [huge]);
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as { errcode: string }).errcode, "M_TOO_LARGE");
    const after = messageEvent(room, "after huge");
    assert.equal((await sendEvents(host, "t-after-huge", [after])).status, 200);
    await host.whenIdle();
    assert.ok(bot.eventIds().includes(after.event_id));
    assert.ok(!bot.eventIds().includes(huge.event_id));
  });

  it("answers 400 for malformed JSON or a body without events, and keeps serving", async () => {
    const malformed = await putTransaction(host, "t-bad-json", '{"events": [');
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { errcode: string }).errcode, "M_NOT_JSON");
    for (const body of [{}, { events: "nope" }, [1, 2]]) {
      const response = await putTransaction(host, "t-no-events", body);
      assert.equal(response.status, 400);
      const answer = (await response.json()) as { errcode: string; error: string };
      assert.equal(answer.errcode, "M_BAD_JSON");
      assert.match(answer.error, /events/);
    }
    assert.equal((await sendEvents(host, "t-no-events", [messageEvent(room, "fine")])).status, 200);
  });

  it("drops events without the fields routing needs, delivering the rest", async () => {
    const good = messageEvent(room, "good");
    const response = await putTransaction(host, "t-partial", { events: [{ type: "m.room.message" }, good, null] });
    assert.equal(response.status, 200);
    await host.whenIdle();
    assert.ok(bot.eventIds().includes(good.event_id));
  });
});

describe("backpressure", () => {
  it("delays the ack while the inbox is full, then answers 503 so the homeserver retries", async () => {
    const hold = gate();
    const bot = recordingBot("share", () => hold.opened);
    const host = await startTestHost({ bots: [bot.definition], maxPendingEvents: 2, backpressureWaitMs: 150 });
    try {
      host.store.membership.recordJoin(userIdOf("share"), room);
      const stored = [messageEvent(room, "a"), messageEvent(room, "b")];
      assert.equal((await sendEvents(host, "bp-1", stored)).status, 200);
      // A retry of a transaction already stored is answered at once, full inbox or not.
      const retryStarted = Date.now();
      assert.equal((await sendEvents(host, "bp-1", stored)).status, 200);
      assert.ok(Date.now() - retryStarted < 100, "the retry did not wait for the inbox to drain");
      const started = Date.now();
      const held = messageEvent(room, "c");
      const busy = await sendEvents(host, "bp-2", [held]);
      assert.equal(busy.status, 503);
      assert.equal(((await busy.json()) as { errcode: string }).errcode, "M_LIMIT_EXCEEDED");
      assert.ok(Date.now() - started >= 140, "the ack was delayed before giving up");
      hold.open();
      await host.whenIdle();
      assert.equal((await sendEvents(host, "bp-2", [held])).status, 200);
      await host.whenIdle();
      assert.deepEqual(bot.eventIds().slice(-1), [held.event_id]);
    } finally {
      hold.open();
      await host.stop();
    }
  });

  it("acknowledges as soon as the inbox drains within the wait", async () => {
    const hold = gate();
    const bot = recordingBot("share", () => hold.opened);
    const host = await startTestHost({ bots: [bot.definition], maxPendingEvents: 1, backpressureWaitMs: 2000 });
    try {
      host.store.membership.recordJoin(userIdOf("share"), room);
      assert.equal((await sendEvents(host, "bp-a", [messageEvent(room, "a")])).status, 200);
      const waiting = sendEvents(host, "bp-b", [messageEvent(room, "b")]);
      setTimeout(hold.open, 50);
      assert.equal((await waiting).status, 200);
      await host.whenIdle();
      assert.equal(bot.deliveries.length, 2);
    } finally {
      hold.open();
      await host.stop();
    }
  });
});

describe("default body limit", () => {
  it("accepts a full-size Synapse transaction: 100 events of about 60 KiB each", async () => {
    const bot = recordingBot("share");
    const host = await startTestHost({ bots: [bot.definition] });
    try {
      host.store.membership.recordJoin(userIdOf("share"), room);
      const events = Array.from({ length: 100 }, (_, i) => {
        const event = messageEvent(room, `big ${i}`);
        event.content.body = "y".repeat(60 * 1024);
        return event;
      });
      assert.equal((await sendEvents(host, "full-size", events)).status, 200);
      await host.whenIdle();
      assert.equal(bot.deliveries.length, 100);
    } finally {
      await host.stop();
    }
  });
});
