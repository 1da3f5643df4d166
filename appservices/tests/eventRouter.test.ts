import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ledgerKey } from "../src/transactionAdmission.ts";
import { alice, FakeMatrix, memberEvent, messageEvent, recordingBot, sendEvents, sender, startTestHost, userIdOf } from "./hostFixture.ts";

const share = userIdOf("share");
const polls = userIdOf("polls");

async function routingHost() {
  const shareBot = recordingBot("share");
  const pollsBot = recordingBot("polls");
  const matrix = new FakeMatrix();
  const host = await startTestHost({ bots: [shareBot.definition, pollsBot.definition], matrix });
  return { host, matrix, shareBot, pollsBot };
}

describe("event routing", () => {
  it("joins a bot to the room it is invited to and records is_direct", async () => {
    const { host, matrix, shareBot, pollsBot } = await routingHost();
    try {
      const dm = "!dm:block.test";
      const group = "!group:block.test";
      const invites = [memberEvent(dm, alice, share, { membership: "invite", is_direct: true }), memberEvent(group, alice, share, { membership: "invite" })];
      assert.equal((await sendEvents(host, "invites", invites)).status, 200);
      await host.whenIdle();
      assert.deepEqual(matrix.joins, [
        { userId: share, roomId: dm },
        { userId: share, roomId: group },
      ]);
      // The contract promises a bot its invites.
      assert.deepEqual(
        shareBot.eventIds(),
        invites.map((event) => event.event_id),
      );
      const context = shareBot.deliveries[0]!.context;
      assert.equal(context.self, share);
      assert.equal(context.isDirectRoom(dm), true);
      assert.equal(context.isDirectRoom(group), false);
      assert.equal(pollsBot.deliveries[0]?.context.isDirectRoom(dm), undefined);

      const hello = messageEvent(dm, "hello bot");
      await sendEvents(host, "after-invite", [hello]);
      await host.whenIdle();
      assert.equal(shareBot.eventIds().at(-1), hello.event_id);
      assert.deepEqual(pollsBot.eventIds(), [], "a bot not in the room sees nothing from it");
    } finally {
      await host.stop();
    }
  });

  it("never delivers events sent by the appservice's own users, yet tracks their membership", async () => {
    const { host, matrix, shareBot, pollsBot } = await routingHost();
    try {
      const room = "!board:block.test";
      const senderId = userIdOf(sender);
      const fromOwnUsers = [
        // Provisioning (the sender) invites a bot: the bot joins, but the invite is not delivered.
        memberEvent(room, senderId, polls, { membership: "invite" }),
        memberEvent(room, share, share, { membership: "join" }),
        memberEvent(room, polls, polls, { membership: "join" }),
        messageEvent(room, "posted by share", share),
        messageEvent(room, "posted by polls", polls),
        messageEvent(room, "posted by the sender", senderId),
      ];
      await sendEvents(host, "own-users", fromOwnUsers);
      await host.whenIdle();
      assert.deepEqual(matrix.joins, [{ userId: polls, roomId: room }]);
      assert.deepEqual(shareBot.eventIds(), []);
      assert.deepEqual(pollsBot.eventIds(), []);
      assert.deepEqual(host.store.membership.joinedBots(room), [polls, share]);

      const neighbor = messageEvent(room, "from a neighbor");
      await sendEvents(host, "neighbor", [neighbor]);
      await host.whenIdle();
      assert.deepEqual(shareBot.eventIds(), [neighbor.event_id]);
      assert.deepEqual(pollsBot.eventIds(), [neighbor.event_id]);
    } finally {
      await host.stop();
    }
  });

  it("stops delivering to a bot that left or was kicked, and tells bots each room's role", async () => {
    const { host, shareBot, pollsBot } = await routingHost();
    try {
      const room = "!sharing:block.test";
      host.store.setRoomRole(room, "sharing");
      host.store.membership.recordJoin(share, room);
      host.store.membership.recordJoin(polls, room);
      const kick = memberEvent(room, alice, polls, { membership: "leave" });
      const after = messageEvent(room, "after the kick");
      await sendEvents(host, "kick", [kick, after]);
      await host.whenIdle();
      assert.deepEqual(shareBot.eventIds(), [kick.event_id, after.event_id]);
      assert.deepEqual(pollsBot.eventIds(), []);
      const context = shareBot.deliveries[0]!.context;
      assert.equal(context.neighborhood.roomRole(room), "sharing");
      assert.equal(context.neighborhood.roomRole("!elsewhere:block.test"), undefined);
      assert.equal(context.neighborhood.serverName, "block.test");
      assert.deepEqual(context.neighborhood.operators, [alice]);
    } finally {
      await host.stop();
    }
  });

  it("logs a failed join and keeps the room going", async () => {
    const { host, matrix, shareBot } = await routingHost();
    matrix.failJoins = true;
    try {
      const room = "!gone:block.test";
      const invite = memberEvent(room, alice, share, { membership: "invite" });
      await sendEvents(host, "failed-join", [invite]);
      await host.whenIdle();
      assert.deepEqual(host.store.membership.joinedBots(room), []);
      assert.deepEqual(shareBot.eventIds(), [invite.event_id]);
      assert.equal(host.store.transactions.pendingCount(), 0);
    } finally {
      await host.stop();
    }
  });

  it("acknowledges our own bots' messages without storing them, but still tracks a bot's membership", async () => {
    const { host, shareBot } = await routingHost();
    try {
      const room = "!echo:block.test";
      const echoes = [messageEvent(room, "listing posted", share), messageEvent(room, "poll opened", polls)];
      assert.equal((await sendEvents(host, "echo-only", echoes)).status, 200);
      assert.equal(host.store.transactions.hasTransaction(ledgerKey("echo-only", echoes)), false, "nothing written for a no-op transaction");
      assert.equal(host.store.transactions.pendingCount(), 0);

      const join = memberEvent(room, share, share, { membership: "join" });
      const mixed = [messageEvent(room, "another echo", share), join, messageEvent(room, "!help")];
      assert.equal((await sendEvents(host, "mixed", mixed)).status, 200);
      assert.equal(host.store.transactions.hasTransaction(ledgerKey("mixed", mixed)), true);
      await host.whenIdle();
      assert.deepEqual(host.store.membership.joinedBots(room), [share], "the bot's own join still counts");
      assert.deepEqual(shareBot.eventIds(), [mixed[2]!.event_id], "only the neighbor's message reaches the bot");
    } finally {
      await host.stop();
    }
  });
});
