// End to end against a real Synapse: registration, the porch bot, the transaction endpoint's
// security and idempotency, and a full stop/start of the stack.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { startTestNeighborhood, registerNeighbor, RegistrationRefused, type TestNeighborhood } from "./harness/testNeighborhood.ts";
import { repliesTo, type NeighborClient } from "./harness/neighborClient.ts";

describe("a neighborhood on a real Synapse", () => {
  let block: TestNeighborhood;
  let alice: NeighborClient;
  let porch: string;
  let lobby: string;

  before(async () => {
    block = await startTestNeighborhood();
    porch = `@porch:${block.running.neighborhood.server_name}`;
    lobby = block.running.rooms.get("lobby")!;
  });
  after(async () => {
    await block?.stop();
  });

  test("registration needs a valid token", async () => {
    const url = block.running.clientUrl;
    await assert.rejects(registerNeighbor(url, "mallory", "pw-pw-pw-pw"), (error: RegistrationRefused) => error.status === 401);
    await assert.rejects(registerNeighbor(url, "mallory", "pw-pw-pw-pw", "not-a-token"), RegistrationRefused);
    const token = await block.newToken(1);
    const bob = await registerNeighbor(url, "bob", "pw-pw-pw-pw", token);
    assert.equal(bob.user_id, `@bob:${block.running.neighborhood.server_name}`);
    await assert.rejects(registerNeighbor(url, "carol", "pw-pw-pw-pw", token), RegistrationRefused, "a one-use token works once");
  });

  test("a new neighbor lands in the Lobby, is welcomed by the porch bot, and gets an answer to !help", async () => {
    alice = await block.addNeighbor("alice");
    const welcome = await alice.waitForEvent(
      (e) => e.room_id === lobby && e.sender === porch && e.type === "m.room.message" && String(e.content.body).includes(alice.userId),
      "the porch bot's welcome",
    );
    assert.match(welcome.content.formatted_body, new RegExp(`https://matrix.to/#/${alice.userId}`), "the welcome mentions her");
    const help = await alice.sendText(lobby, "!help");
    const reply = await alice.waitForReply(lobby, help, porch);
    assert.match(reply.content.body, /!about/);
    assert.equal(reply.content.format, "org.matrix.custom.html");
  });

  test("the porch bot answers in a DM, without the ! prefix", async () => {
    const { room_id } = await alice.client.createRoom({ is_direct: true, invite: [porch], preset: "trusted_private_chat" as never });
    await alice.waitForEvent(
      (e) => e.room_id === room_id && e.type === "m.room.member" && e.state_key === porch && e.content.membership === "join",
      "the bot to join the DM",
    );
    const about = await alice.sendText(room_id, "about");
    const reply = await alice.waitForReply(room_id, about, porch);
    assert.match(reply.content.body, /Test Block/);
  });

  // Each forged command comes from its own neighbor, so the bot's per-neighbor rate limit stays out of the way.
  const transaction = (roomId: string, body: string, sender = `@n${randomUUID().slice(0, 8)}:${block.running.neighborhood.server_name}`) => ({
    events: [
      {
        event_id: `$${randomUUID()}`,
        room_id: roomId,
        sender,
        type: "m.room.message",
        content: { msgtype: "m.text", body },
        origin_server_ts: Date.now(),
      },
    ],
  });
  const put = (txnId: string, body: unknown, authorization?: string) =>
    fetch(`${block.running.host.url}/_matrix/app/v1/transactions/${txnId}`, {
      method: "PUT",
      headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
    });
  const hsToken = () => `Bearer ${block.running.secrets.appservice_hs_token}`;
  const repliesFromPorchTo = (eventId: string) => alice.seen((e) => e.sender === porch && repliesTo(e) === eventId).length;
  /** Per-room order means that once a later command is answered, every earlier event was handled. */
  const settle = async () => {
    const sentinel = transaction(lobby, "!about");
    assert.equal((await put(randomUUID(), sentinel, hsToken())).status, 200);
    await alice.waitForReply(lobby, sentinel.events[0]!.event_id, porch);
  };

  test("a transaction with a missing or wrong token is refused and has no effect", async () => {
    const forged = transaction(lobby, "!about");
    const missing = await put("forged-1", forged);
    assert.equal(missing.status, 401);
    assert.equal(((await missing.json()) as { errcode: string }).errcode, "M_UNAUTHORIZED");
    const wrong = await put("forged-2", forged, "Bearer not-the-hs-token");
    assert.equal(wrong.status, 403);
    assert.equal(((await wrong.json()) as { errcode: string }).errcode, "M_FORBIDDEN");
    await settle();
    assert.equal(repliesFromPorchTo(forged.events[0]!.event_id), 0, "the bot never answered the forged command");
  });

  test("the same transaction delivered twice is handled once, also across a restart of the whole stack", async () => {
    const txnId = `replayed-${randomUUID()}`;
    const body = transaction(lobby, "!about");
    const eventId = body.events[0]!.event_id;
    assert.equal((await put(txnId, body, hsToken())).status, 200);
    await alice.waitForReply(lobby, eventId, porch);
    assert.equal((await put(txnId, body, hsToken())).status, 200, "a replay is acknowledged");
    await settle();
    assert.equal(repliesFromPorchTo(eventId), 1);

    await block.restart();
    assert.equal((await put(txnId, body, hsToken())).status, 200);
    await settle();
    assert.equal(repliesFromPorchTo(eventId), 1, "after the restart the replay is still a no-op");
  });

  test("stopping and starting the stack keeps rooms, members and bot state", async () => {
    const lobbyBefore = lobby;
    await block.restart();
    assert.equal(block.running.rooms.get("lobby"), lobbyBefore, "the same Lobby");
    const members = await alice.client.getJoinedRoomMembers(lobbyBefore);
    assert.ok(alice.userId in members.joined, "Alice is still in the Lobby");
    assert.ok(porch in members.joined, "the porch bot is still in the Lobby");
    const welcomes = () => alice.seen((e) => e.room_id === lobby && e.sender === porch && String(e.content.body).includes(`Welcome`)).length;
    const before = welcomes();
    // The bot still knows it is in the Lobby (its membership is in the host's store) and answers.
    const help = await alice.sendText(lobby, "!help");
    await alice.waitForReply(lobby, help, porch);
    assert.equal(welcomes(), before, "nobody is welcomed twice");
  });
});
