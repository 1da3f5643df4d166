// What the host lets bots do beyond replying, against a real Synapse: private rooms (reused), room
// state, joined members, timed work, webhooks, and the community settings.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { BotContext } from "../bots/framework/contract.ts";
import { defineBot } from "../bots/framework/defineBot.ts";
import { defineCommand } from "../bots/framework/defineCommand.ts";
import { message, paragraph } from "../bots/framework/richText.ts";
import { startTestNeighborhood, type TestNeighborhood } from "./harness/testNeighborhood.ts";
import type { NeighborClient } from "./harness/neighborClient.ts";

const plain = (text: string) => message(paragraph(text));
let ticks = 0;

// A bot that exercises every capability through commands, so each step is what a neighbor would see.
const probeBot = defineBot({
  localpart: "probe",
  displayName: "Probe",
  about: "Exercises the host's capabilities in tests.",
  commands: [
    defineCommand({
      name: "dm",
      summary: "DMs the sender",
      args: [],
      permission: "anyone",
      async run({ sender, context }) {
        const roomId = await context.actions.openPrivateRoom([sender]);
        await context.actions.sendMessage(roomId, plain(`private hello in ${roomId}`));
      },
    }),
    defineCommand({
      name: "members",
      summary: "lists joined members",
      args: [],
      permission: "anyone",
      async run({ roomId, context }) {
        return plain(`members: ${(await context.actions.joinedMembers(roomId)).join(" ")}`);
      },
    }),
    defineCommand({
      name: "topic",
      summary: "sets the topic through room state and reads it back",
      args: [],
      permission: "anyone",
      async run({ roomId, context }) {
        await context.actions.setState(roomId, "m.room.topic", "", { topic: "set by probe" });
        const topic = await context.actions.getState(roomId, "m.room.topic", "");
        const missing = await context.actions.getState(roomId, "org.blockshare.nothing", "");
        return plain(`topic: ${String(topic?.topic)}; missing: ${String(missing)}; ticks>0: ${ticks > 0}`);
      },
    }),
  ],
  onTick() {
    ticks += 1;
  },
  webhooks: {
    async echo(body: unknown, context: BotContext) {
      const text = typeof body === "object" && body !== null && "text" in body ? String(body.text) : undefined;
      if (text === undefined) return { status: 400, body: { error: 'expected {"text": string}' } };
      const [lobby] = context.neighborhood.roomsWithRole("lobby");
      await context.actions.sendEvent(lobby!, "m.room.message", { msgtype: "m.notice", body: `webhook: ${text}` });
      return { status: 200, body: { limits: context.community.sharingLimits() } };
    },
  },
});

describe("bot capabilities on a real homeserver", () => {
  let block: TestNeighborhood;
  let bea: NeighborClient;
  let lobby: string;
  const probe = "@probe:testblock.localhost";

  before(async () => {
    block = await startTestNeighborhood({ name: "Capabilities", bots: [probeBot] });
    lobby = block.running.rooms.get("lobby")!;
    bea = await block.addNeighbor("bea");
    // The probe bot is not auto-joined to the Lobby: the operator invites it.
    await fetch(`${block.running.clientUrl}/_matrix/client/v3/rooms/${encodeURIComponent(lobby)}/invite`, {
      method: "POST",
      headers: { authorization: `Bearer ${block.running.operatorToken}`, "content-type": "application/json" },
      body: JSON.stringify({ user_id: probe }),
    });
    await bea.waitForEvent(
      (e) => e.room_id === lobby && e.type === "m.room.member" && e.state_key === probe && e.content.membership === "join",
      "the probe joining",
    );
    // …and makes it a moderator, as provisioning does for the bots that live in a room.
    const levelsUrl = `${block.running.clientUrl}/_matrix/client/v3/rooms/${encodeURIComponent(lobby)}/state/m.room.power_levels/`;
    const auth = { authorization: `Bearer ${block.running.operatorToken}`, "content-type": "application/json" };
    const levels = (await (await fetch(levelsUrl, { headers: auth })).json()) as { users: Record<string, number> };
    await fetch(levelsUrl, { method: "PUT", headers: auth, body: JSON.stringify({ ...levels, users: { ...levels.users, [probe]: 50 } }) });
  });
  after(() => block?.stop());

  test("a bot's private room with a neighbor is created once and reused", async () => {
    await bea.sendText(lobby, "!dm");
    const first = await bea.waitForEvent((e) => e.sender === probe && String(e.content.body).startsWith("private hello"), "a private hello");
    assert.notEqual(first.room_id, lobby);
    const invite = bea.seen(
      (e) => e.room_id === first.room_id && e.type === "m.room.member" && e.state_key === bea.userId && e.content.membership === "invite",
    );
    assert.equal(invite[0]?.content.is_direct, true, "Element shows the bot's room as a direct chat");
    await bea.sendText(lobby, "!dm");
    const second = await bea.waitForEvent(
      (e) => e.sender === probe && e.event_id !== first.event_id && String(e.content.body).startsWith("private hello"),
      "a second private hello",
    );
    assert.equal(second.room_id, first.room_id);
  });

  test("joined members, room state and timed work", async () => {
    const ask = await bea.sendText(lobby, "!members");
    const members = await bea.waitForReply(lobby, ask, probe);
    for (const user of [bea.userId, probe, block.running.operatorUserId]) assert.ok(String(members.content.body).includes(user), user);
    const topic = await bea.sendText(lobby, "!topic");
    const answer = await bea.waitForReply(lobby, topic, probe);
    assert.match(String(answer.content.body), /topic: set by probe; missing: undefined; ticks>0: true/);
  });

  test("webhooks need the webhook token and reach the bot", async () => {
    const url = `${block.running.host.url}/_blockshare/webhooks/probe/echo`;
    const post = (body: string, token?: string) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
    assert.equal((await post('{"text":"hi"}')).status, 401);
    assert.equal((await post('{"text":"hi"}', "wrong")).status, 403);
    const bad = await post("{not json", block.running.secrets.webhook_token);
    assert.equal(bad.status, 400);
    const wrongShape = await post("[]", block.running.secrets.webhook_token);
    assert.equal(wrongShape.status, 400);
    assert.match(JSON.stringify(await wrongShape.json()), /expected/);
    const missing = await fetch(`${block.running.host.url}/_blockshare/webhooks/probe/nope`, {
      method: "POST",
      headers: { authorization: `Bearer ${block.running.secrets.webhook_token}` },
      body: "{}",
    });
    assert.equal(missing.status, 404);
    assert.match(JSON.stringify(await missing.json()), /probe\/echo/);
    const ok = await post('{"text":"the uplink is back"}', block.running.secrets.webhook_token);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { limits: { maxOpenListings: 10, maxClaimsPerWeek: 10, pactNeighborsMayClaim: true } });
    await bea.waitForEvent((e) => e.room_id === lobby && e.sender === probe && e.content.body === "webhook: the uplink is back", "the webhook's notice");
  });
});
