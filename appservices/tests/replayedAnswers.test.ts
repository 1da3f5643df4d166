// A bot killed after answering but before its inbox row was deleted sees the event again at the next
// start (at-least-once): its answer must carry the same transaction id, so the homeserver (which keeps
// a client's transaction ids, as Synapse does) posts it once.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import type { BotDefinition } from "../../bots/framework/contract.ts";
import { createMatrixBotActions } from "../src/botActions.ts";
import type { HostMatrix } from "../src/appserviceHost.ts";
import { gate, messageEvent, sendEvents, startTestHost, tempStoreDir, userIdOf } from "./hostFixture.ts";

/** The part of a homeserver this needs: PUT …/send/…/{txnId}, the same txnId answered with the same event. */
function fakeHomeserver(): Promise<{ url: string; posted: string[]; server: Server; failNext: Array<"502" | "drop"> }> {
  const byTxn = new Map<string, string>();
  const posted: string[] = [];
  // Failures to answer with first, as a restarting Synapse (behind nginx, or not yet listening) gives.
  const failNext: Array<"502" | "drop"> = [];
  const server = createServer((req, res) => {
    const failure = failNext.shift();
    if (failure === "drop") {
      req.socket.destroy();
      return;
    }
    if (failure === "502") {
      res.writeHead(502).end("Bad Gateway");
      return;
    }
    const match = /\/send\/[^/]+\/([^/?]+)/.exec(req.url ?? "");
    req.resume();
    res.setHeader("content-type", "application/json");
    if (req.method !== "PUT" || !match) {
      res.end("{}");
      return;
    }
    const txnId = decodeURIComponent(match[1]!);
    let eventId = byTxn.get(txnId);
    if (eventId === undefined) {
      eventId = `$answer${byTxn.size + 1}`;
      byTxn.set(txnId, eventId);
      posted.push(eventId);
    }
    res.end(JSON.stringify({ event_id: eventId }));
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posted, server, failNext })),
  );
}

describe("an event handled again after a crash", () => {
  const dir = tempStoreDir();
  let homeserver: Awaited<ReturnType<typeof fakeHomeserver>>;
  before(async () => {
    homeserver = await fakeHomeserver();
  });
  after(() => {
    homeserver.server.close();
    dir.remove();
  });

  it("is answered once: the replayed answer carries the same transaction id", async () => {
    const storePath = dir.path("replay.sqlite");
    const room = "!lobby:block.test";
    const matrix: HostMatrix = {
      actionsFor: (userId, privateRooms) => createMatrixBotActions({ homeserverUrl: homeserver.url, asToken: "as", userId, privateRooms }),
      ensureUser: async () => {},
    };
    const held = gate();
    const answering = (hold: boolean): BotDefinition => ({
      localpart: "porch",
      displayName: "Porch",
      async handleEvent(event, context) {
        if (event.type !== "m.room.message") return;
        await context.actions.sendMessage(event.room_id, { text: "About this block", html: "About this block" }, { replyTo: event.event_id });
        // The crash comes after the answer went out and before the host marked the event handled.
        if (hold) await held.opened;
      },
    });
    const command = messageEvent(room, "!about");

    const first = await startTestHost({ bots: [answering(true)], storePath, matrix });
    first.store.membership.recordJoin(userIdOf("porch"), room);
    assert.equal((await sendEvents(first, "txn-1", [command])).status, 200);
    const deadline = Date.now() + 5_000;
    while (homeserver.posted.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await first.stop();
    held.open();
    assert.equal(homeserver.posted.length, 1);

    const second = await startTestHost({ bots: [answering(false)], storePath, matrix });
    try {
      await second.whenIdle();
    } finally {
      await second.stop();
    }
    assert.deepEqual(homeserver.posted, ["$answer1"], "the neighbor sees one answer, not two");
  });

  it("is answered once Synapse is back when the answer met it restarting", async () => {
    const room = "!lobby2:block.test";
    const matrix: HostMatrix = {
      actionsFor: (userId, privateRooms) => createMatrixBotActions({ homeserverUrl: homeserver.url, asToken: "as", userId, privateRooms }),
      ensureUser: async () => {},
    };
    const failures: unknown[] = [];
    const bot: BotDefinition = {
      localpart: "porch",
      displayName: "Porch",
      async handleEvent(event, context) {
        if (event.type !== "m.room.message") return;
        await context.actions.sendMessage(event.room_id, { text: "About", html: "About" }, { replyTo: event.event_id }).catch((error: unknown) => {
          failures.push(error);
        });
      },
    };
    const before = homeserver.posted.length;
    homeserver.failNext.push("drop", "502");
    const host = await startTestHost({ bots: [bot], storePath: dir.path("restarting.sqlite"), matrix });
    try {
      host.store.membership.recordJoin(userIdOf("porch"), room);
      assert.equal((await sendEvents(host, "txn-r", [messageEvent(room, "!about")])).status, 200);
      await host.whenIdle();
    } finally {
      await host.stop();
    }
    assert.deepEqual(failures, [], "the answer was not given up on");
    assert.equal(homeserver.posted.length - before, 1, "posted once");
  });
});
