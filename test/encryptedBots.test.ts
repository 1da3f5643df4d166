// Private by default (issue 15): neighbors on phones talk to the bots in end-to-end encrypted rooms, as
// Element X creates them, on a real Synapse. Neighbors are matrix-js-sdk clients with Rust crypto.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestNeighborhood, type TestNeighborhood } from "./harness/testNeighborhood.ts";
import type { NeighborClient, SeenEvent } from "./harness/neighborClient.ts";
import { say } from "../bots/framework/speak.ts";

const bodyOf = (event: SeenEvent) => String(event.content.body ?? "");

describe("bots in encrypted rooms", () => {
  let block: TestNeighborhood;
  let server: string;
  let ana: NeighborClient;

  before(async () => {
    block = await startTestNeighborhood({ name: "Cipher Row" });
    server = block.running.neighborhood.server_name;
    ana = await block.addNeighbor("ana", undefined, { encrypted: true });
  });
  after(async () => {
    await block?.stop();
  });

  test("a neighbor's encrypted DM with each bot: a command gets an encrypted reply she can read", async () => {
    for (const bot of ["porch", "share", "polls", "mesh"]) {
      const botId = `@${bot}:${server}`;
      const room = await ana.openEncryptedDirectChat(botId);
      await ana.waitForEvent(
        (event) => event.room_id === room && event.type === "m.room.member" && event.state_key === botId && event.content.membership === "join",
        `${bot} joins`,
      );
      const command = await ana.sendText(room, "!help");
      const reply = await ana.waitForReply(room, command, botId, 30_000);
      assert.equal(reply.encrypted, true, `${bot}'s reply is encrypted`);
      assert.equal(reply.undecryptable, false, `ana can read ${bot}'s reply`);
      assert.ok(bodyOf(reply).length > 20, `${bot}'s help has words: ${bodyOf(reply)}`);
    }
  });
});
