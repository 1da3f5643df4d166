// What a block with three neighbors and its operator shows, on a real Synapse with every bot:
// the operator's admin account and the bots are not counted as neighbors (a poll's turnout, `status`),
// and `!help` in the Lobby tells a newcomer what each bot does and in which room.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { startTestNeighborhood, type TestNeighborhood } from "./harness/testNeighborhood.ts";
import { NeighborClient, type SeenEvent } from "./harness/neighborClient.ts";

const cli = join(import.meta.dirname, "..", "deploy", "src", "cli.ts");
const bodyOf = (event: SeenEvent) => String(event.content.body ?? "");

describe("a block with three neighbors and its operator", () => {
  const clock = { offsetMs: 0 };
  let block: TestNeighborhood;
  let server: string;
  let governance: string;
  let lobby: string;
  let ann: NeighborClient, bob: NeighborClient, cy: NeighborClient;
  let operator: NeighborClient;

  before(async () => {
    block = await startTestNeighborhood({ name: "Birch Row", now: () => Date.now() + clock.offsetMs });
    server = block.running.neighborhood.server_name;
    governance = block.running.rooms.get("governance")!;
    lobby = block.running.rooms.get("lobby")!;
    [ann, bob, cy] = (await Promise.all(
      ["ann", "bob", "cy"].map(async (name) => {
        const neighbor = await block.addNeighbor(name);
        for (const roomId of [lobby, governance]) await neighbor.client.joinRoom(roomId);
        return neighbor;
      }),
    )) as [NeighborClient, NeighborClient, NeighborClient];
    operator = new NeighborClient(block.running.clientUrl, block.running.operatorUserId, block.running.operatorToken);
  });
  after(async () => {
    await block?.stop();
  });

  test("a poll's turnout counts the three neighbors, not the operator sitting in the room", async () => {
    const polls = `@polls:${server}`;
    const members = await ann.client.getJoinedRoomMembers(governance);
    assert.ok(block.running.operatorUserId in members.joined, "the operator is in the Governance room");

    await ann.sendText(governance, "!propose Fix the gate closes in 30 seconds");
    const start = await ann.waitForEvent(
      (event) =>
        event.sender === polls &&
        event.type === "org.matrix.msc3381.poll.start" &&
        String(event.content["org.matrix.msc1767.text"]).includes(": Fix the gate\n"),
      "the poll",
    );
    const rules = await ann.waitForEvent(
      (event) => event.sender === polls && bodyOf(event).includes(": Fix the gate") && bodyOf(event).includes("eligible"),
      "the rules notice",
    );
    assert.match(bodyOf(rules), /\b3 eligible members\b/);

    const answer = (neighbor: NeighborClient, answers: string[]) =>
      neighbor.sendEvent(governance, "org.matrix.msc3381.poll.response", {
        "m.relates_to": { rel_type: "m.reference", event_id: start.event_id },
        "org.matrix.msc3381.poll.response": { answers },
      });
    for (const neighbor of [ann, bob, cy, operator]) await answer(neighbor, ["agree"]);
    // Answered after the votes (room order), so the bot has them all before its clock jumps.
    const listed = await ann.sendText(governance, "!polls");
    await ann.waitForReply(governance, listed, polls);
    clock.offsetMs = 31_000;

    const results = bodyOf(
      await ann.waitForEvent(
        (event) => event.sender === polls && bodyOf(event).startsWith("Results — ") && bodyOf(event).includes(start.event_id),
        "the results",
        30_000,
      ),
    );
    assert.match(results, /Turnout: 3 of 3 eligible \(100%\)/);
    assert.match(results, /Agree: 3 votes/);
    assert.ok(results.includes(`Not counted (not eligible for this poll): ${block.running.operatorUserId}.`), results);
  });

  test("status counts three neighbors, not the bots' accounts or the operator's", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [cli, "status", "--config", block.file], { timeout: 60_000 });
    assert.match(stdout, /Neighbors\s+3 accounts\b/);
    assert.doesNotMatch(stdout, /NOT OK/);
  });

  test("!help in the Lobby says what each bot does and in which room", async () => {
    const porch = `@porch:${server}`;
    const asked = await ann.sendText(lobby, "!help");
    const help = bodyOf(await ann.waitForReply(lobby, asked, porch));
    // A line per bot with its room's name as the neighbor sees it, and how to get that bot's own help.
    assert.match(help, /Sharing board — [^\n]*\bIn Sharing: send `!help` there\./);
    assert.match(help, /Polls — [^\n]*\bIn Governance: send `!help` there\./);
    assert.match(help, /Mesh alerts — [^\n]*\bIn Mesh alerts: send `!help` there\./);
    assert.match(help, /`!about` — /, "the porch's own commands are still listed");
  });
});
