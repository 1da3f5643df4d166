// The block's norms on a real Synapse: a new block's Lobby has them pinned (the porch's message); a
// passed `!propose norms "…"` edits that pinned message in place and the community setting (what the
// join page reads) returns the new text; a failed one changes nothing. Proposals close in 20 seconds of
// the bots' clock, which the test moves forward (Synapse's timestamps stay real), so nobody waits.
// Then a neighbor chooses Spanish and the bots answer her in it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestNeighborhood, type TestNeighborhood } from "../../../test/harness/testNeighborhood.ts";
import type { NeighborClient, SeenEvent } from "../../../test/harness/neighborClient.ts";
import { createPollsBot } from "../../polls/pollsBot.ts";
import { porchBot } from "../porchBot.ts";
import { argumentLabel, sayPlain } from "../../framework/speak.ts";

interface PinnedNorms {
  eventId: string;
  /** The message as Element shows it: with its latest edit applied. */
  body: string;
  pinnedCount: number;
}

describe("the block's norms on a real Synapse", () => {
  const clock = { offsetMs: 0 };
  let block: TestNeighborhood;
  let lobby: string;
  let governance: string;
  let polls: string;
  let ann: NeighborClient, bob: NeighborClient;
  let firstPin: PinnedNorms;

  before(async () => {
    block = await startTestNeighborhood({ bots: [porchBot, createPollsBot()], now: () => Date.now() + clock.offsetMs });
    lobby = block.running.rooms.get("lobby")!;
    governance = block.running.rooms.get("governance")!;
    polls = `@polls:${block.running.neighborhood.server_name}`;
    [ann, bob] = (await Promise.all(
      ["ann", "bob"].map(async (name) => {
        const neighbor = await block.addNeighbor(name);
        await neighbor.client.joinRoom(lobby);
        await neighbor.client.joinRoom(governance);
        return neighbor;
      }),
    )) as [NeighborClient, NeighborClient];
  });
  after(async () => {
    await block?.stop();
  });

  const bodyOf = (event: SeenEvent) => String(event.content.body ?? "");

  /** The porch's pinned norms in the Lobby, read as a neighbor's Element reads them. */
  async function pinnedNorms(): Promise<PinnedNorms | undefined> {
    const state = (await ann.client.getStateEvent(lobby, "m.room.pinned_events", "").catch(() => undefined)) as { pinned?: string[] } | undefined;
    const pinned = state?.pinned ?? [];
    for (const eventId of pinned) {
      const event = (await ann.client.fetchRoomEvent(lobby, eventId)) as { sender: string; content: { body?: string }; unsigned?: Record<string, any> };
      if (event.sender !== `@porch:${block.running.neighborhood.server_name}`) continue;
      const edit = event.unsigned?.["m.relations"]?.["m.replace"];
      return { eventId, body: String(edit?.content?.["m.new_content"]?.body ?? event.content.body), pinnedCount: pinned.length };
    }
    return undefined;
  }

  /** Polls the pin until `check` holds (bounded: 40 tries, 250 ms apart). */
  async function pinWhere(check: (pin: PinnedNorms) => boolean, what: string): Promise<PinnedNorms> {
    let last: PinnedNorms | undefined;
    for (let attempt = 0; attempt < 40; attempt += 1) {
      last = await pinnedNorms();
      if (last !== undefined && check(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.fail(`the Lobby's pin never showed ${what}; last seen: ${JSON.stringify(last)}`);
  }

  /** Opens a norms proposal, has ann and bob vote, closes it by moving the bots' clock; resolves to the results. */
  async function decide(norms: string, answer: "agree" | "disagree"): Promise<string> {
    await ann.sendText(governance, `!propose norms "${norms}" closes in 20 seconds`);
    const start = await ann.waitForEvent(
      (event) =>
        event.sender === polls &&
        event.type === "org.matrix.msc3381.poll.start" &&
        String(event.content["org.matrix.msc1767.text"]).includes(norms.split("\n")[0]!),
      "the norms proposal",
    );
    for (const neighbor of [ann, bob]) {
      await neighbor.sendEvent(governance, "org.matrix.msc3381.poll.response", {
        "m.relates_to": { rel_type: "m.reference", event_id: start.event_id },
        "org.matrix.msc3381.poll.response": { answers: [answer] },
      });
    }
    // Answered after the votes (room order), so the bot has them before its clock passes the deadline.
    const asked = await ann.sendText(governance, "!polls");
    await ann.waitForReply(governance, asked, polls);
    clock.offsetMs += 60_000;
    const results = await ann.waitForEvent(
      (event) => event.sender === polls && bodyOf(event).startsWith("Results — ") && bodyOf(event).includes(start.event_id),
      "the results",
    );
    return bodyOf(results);
  }

  test("a new block's Lobby has the default norms pinned, and the community setting returns them", async () => {
    firstPin = await pinWhere((pin) => pin.body.includes("no selling unless the block agrees"), "the default norms");
    assert.match(firstPin.body, /^Our block's norms\n• Be kind/);
    assert.match(firstPin.body, /the box's operator cannot read them/);
    assert.equal(block.norms().split("\n").length, 5);
    assert.ok(firstPin.body.includes(`• ${block.norms().split("\n")[0]}`));
  });

  test("a passed proposal edits the pinned message, and the join page shows the new text", async () => {
    const results = await decide("Be kind.\nShare what you can.\nNo selling on the board.", "agree");
    assert.match(results, /Outcome: Passed\. Applied: the block's norms become the text proposed here/);
    const pin = await pinWhere((candidate) => candidate.body.includes("• Share what you can."), "the new norms");
    assert.equal(pin.eventId, firstPin.eventId, "the same message, edited (m.replace), still pinned");
    assert.equal(pin.pinnedCount, firstPin.pinnedCount, "no second pin");
    assert.doesNotMatch(pin.body, /no selling unless the block agrees/);
    assert.equal(block.norms(), "Be kind.\nShare what you can.\nNo selling on the board.");
    // What a new neighbor reads before accepting them: the join page, served by the block's Element port.
    const joinPage = await (await fetch(`${block.running.element.url}/join`)).text();
    assert.match(joinPage, /Be kind\.\nShare what you can\.\nNo selling on the board\./);
    assert.doesNotMatch(joinPage, /no selling unless the block agrees/);
  });

  test("a failed proposal changes nothing", async () => {
    const results = await decide("Anything goes.", "disagree");
    assert.match(results, /Outcome: Not passed/);
    assert.doesNotMatch(results, /Applied/);
    // Long enough for the porch's once-a-second check to have acted on a change, had there been one.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal(block.norms(), "Be kind.\nShare what you can.\nNo selling on the board.");
    const pin = await pinnedNorms();
    assert.equal(pin?.eventId, firstPin.eventId);
    assert.match(pin?.body ?? "", /• Share what you can\./);
    assert.doesNotMatch(pin?.body ?? "", /Anything goes/);
  });

  test("a neighbor who sends !language es gets the porch's and the polls bot's answers in Spanish, from the catalog", async () => {
    const serverName = block.running.neighborhood.server_name;
    const porch = `@porch:${serverName}`;
    const ask = async (roomId: string, bot: string, body: string) => bodyOf(await bob.waitForReply(roomId, await bob.sendText(roomId, body), bot));
    assert.equal(await ask(lobby, porch, "!language es"), sayPlain("es", "language.changed", { language: "Español" }));
    const about = await ask(lobby, porch, "!about");
    assert.ok(about.startsWith(sayPlain("es", "porch.aboutCommand.what", { block: block.running.neighborhood.name })), about);
    assert.ok(about.includes(sayPlain("es", "porch.aboutCommand.server", { serverName, publicUrl: block.running.neighborhood.public_url })), about);
    const help = await ask(governance, polls, "!ayuda");
    assert.ok(help.includes(sayPlain("es", "help.more", { usage: `!help <${argumentLabel("es", "command")}>` })), help);
    // Ann never chose: the polls bot still answers her in the block's language.
    const annHelp = bodyOf(await ann.waitForReply(governance, await ann.sendText(governance, "!help"), polls));
    assert.ok(annHelp.includes(sayPlain("en", "help.more", { usage: "!help <command>" })), annHelp);
  });
});
