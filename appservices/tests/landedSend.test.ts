// A homeserver that stores a bot's answer and then fails the request (Synapse on a full disk) must not
// make the bot answer twice: the bot finds its event by transaction id instead of giving up and having
// the event handled again. Real Synapse behind a loopback proxy that turns the first send's answer into a 500.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { startTestNeighborhood, type TestNeighborhood } from "../../test/harness/testNeighborhood.ts";
import { createMatrixBotActions } from "../src/botActions.ts";
import { findLandedEvent } from "../src/landedSend.ts";

it("findLandedEvent matches the sender and the transaction id, nothing else", () => {
  const events = [
    { event_id: "$other", sender: "@porch:b", unsigned: { transaction_id: "t2" } },
    { event_id: "$someone", sender: "@ana:b", unsigned: { transaction_id: "t1" } },
    { event_id: "$mine", sender: "@porch:b", unsigned: { transaction_id: "t1" } },
  ];
  assert.equal(findLandedEvent(events, "@porch:b", "t1"), "$mine");
  assert.equal(findLandedEvent(events, "@porch:b", "t3"), undefined);
  assert.equal(findLandedEvent([{ event_id: "$x", sender: "@porch:b" }], "@porch:b", "t1"), undefined);
});

/**
 * Forwards everything to Synapse; the first message send is forwarded (stored) and then answered 500, or
 * (`drop`) its connection is cut as if Synapse had been killed before answering.
 */
function storeThenFailProxy(
  target: string,
  mode: "500" | "drop" | "full" = "500",
): Promise<{ url: string; server: Server; failedSends: number; sendsForwarded: number }> {
  const state = { url: "", server: undefined as unknown as Server, failedSends: 0, sendsForwarded: 0 };
  state.server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    // `full`: the first two sends are refused with a 500 and not stored, as Synapse does on a full disk.
    if (mode === "full" && req.method === "PUT" && /\/send\/m\.room\.message\//.test(req.url ?? "") && state.failedSends < 2) {
      state.failedSends += 1;
      res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ errcode: "M_UNKNOWN", error: "Internal server error" }));
      return;
    }
    const forwarded = await fetch(`${target}${req.url}`, {
      method: req.method,
      headers: { authorization: req.headers.authorization ?? "", "content-type": req.headers["content-type"] ?? "application/json" },
      ...(body.length > 0 ? { body } : {}),
    });
    const answer = await forwarded.text();
    const isSend = req.method === "PUT" && /\/send\/m\.room\.message\//.test(req.url ?? "");
    if (isSend) state.sendsForwarded += 1;
    if (isSend && state.failedSends === 0) {
      state.failedSends += 1;
      if (mode === "drop") return void req.socket.destroy();
      res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ errcode: "M_UNKNOWN", error: "Internal server error" }));
      return;
    }
    res.writeHead(forwarded.status, { "content-type": "application/json" }).end(answer);
  });
  return new Promise((resolve) =>
    state.server.listen(0, "127.0.0.1", () => ((state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}`), resolve(state))),
  );
}

describe("a send the homeserver stored but failed", { timeout: 120_000 }, () => {
  let block: TestNeighborhood;
  let proxy: Awaited<ReturnType<typeof storeThenFailProxy>>;
  before(async () => {
    block = await startTestNeighborhood({ bots: [] });
    proxy = await storeThenFailProxy(block.running.clientUrl);
  });
  after(async () => {
    proxy?.server.close();
    await block?.stop();
  });

  it("counts as sent, once: the bot finds its own event by transaction id", async () => {
    const lobby = block.running.rooms.get("lobby")!;
    const sender = `@blockshare:${block.running.neighborhood.server_name}`;
    const actions = createMatrixBotActions({
      homeserverUrl: proxy.url,
      asToken: block.running.secrets.appservice_as_token,
      userId: sender,
      privateRooms: block.running.host.store.privateRooms,
    });
    const eventId = await actions.sendMessage(lobby, { text: "stored then failed", html: "stored then failed" });
    assert.equal(proxy.failedSends, 1, "the homeserver's answer was a 500");
    const page = (await (
      await fetch(
        `${block.running.clientUrl}/_matrix/client/v3/rooms/${encodeURIComponent(lobby)}/messages?dir=b&limit=20&user_id=${encodeURIComponent(sender)}`,
        {
          headers: { authorization: `Bearer ${block.running.secrets.appservice_as_token}` },
        },
      )
    ).json()) as { chunk: Array<{ event_id: string; content: { body?: string } }> };
    const posted = page.chunk.filter((event) => event.content.body === "stored then failed");
    assert.deepEqual(
      posted.map((event) => event.event_id),
      [eventId],
      "one event, and the send returned its id",
    );
  });

  it("a full disk (500s, nothing stored) delays the answer, it is not dropped: sent once when the disk has room", async () => {
    const full = await storeThenFailProxy(block.running.clientUrl, "full");
    try {
      const lobby = block.running.rooms.get("lobby")!;
      const actions = createMatrixBotActions({
        homeserverUrl: full.url,
        asToken: block.running.secrets.appservice_as_token,
        userId: `@blockshare:${block.running.neighborhood.server_name}`,
        privateRooms: block.running.host.store.privateRooms,
      });
      const eventId = await actions.sendMessage(lobby, { text: "after the disk was full", html: "after the disk was full" });
      assert.equal(full.failedSends, 2, "two sends were refused first");
      assert.equal(full.sendsForwarded, 1, "then it was sent, once");
      assert.match(eventId, /^\$/);
    } finally {
      full.server.close();
    }
  });

  it("after a lost connection the bot looks for its event before sending again, and sends nothing twice", async () => {
    const dropping = await storeThenFailProxy(block.running.clientUrl, "drop");
    try {
      const lobby = block.running.rooms.get("lobby")!;
      const actions = createMatrixBotActions({
        homeserverUrl: dropping.url,
        asToken: block.running.secrets.appservice_as_token,
        userId: `@blockshare:${block.running.neighborhood.server_name}`,
        privateRooms: block.running.host.store.privateRooms,
      });
      const eventId = await actions.sendMessage(lobby, { text: "stored then cut off", html: "stored then cut off" });
      assert.equal(dropping.failedSends, 1, "the first send's connection was cut after Synapse stored it");
      // A restarted Synapse has forgotten the transaction id: a second PUT would post it again.
      assert.equal(dropping.sendsForwarded, 1, "the bot found its event instead of sending again");
      assert.match(eventId, /^\$/);
    } finally {
      dropping.server.close();
    }
  });
});
