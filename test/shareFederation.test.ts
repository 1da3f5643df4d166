// Two blocks' sharing boards over real federation: each block a real Synapse with its bots, run by the
// CLI in its own network namespace, federating over a mesh link the test cuts. A #shared offer reaches
// the other block; while cut off, both blocks take the same offer and post new listings; after healing
// both boards show the same listings, the home block's promise stands and the other taker is told.
// Board updates from a neighbor (not a share bot) and an oversized one from a pact bot are refused and
// counted. Own prefix and subnets, so it never collides with test/federation.test.ts or the benchmarks.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as Y from "yjs";
import { defineBlock, shareCommunityCa, type BlockProcess } from "./harness/blockProcess.ts";
import { newNeighbor } from "./harness/blockNeighbor.ts";
import { createMeshNetwork, namespacesUnavailable, type MeshNetwork } from "./harness/meshNamespaces.ts";
import type { NeighborClient, SeenEvent } from "./harness/neighborClient.ts";

const unavailable = namespacesUnavailable();
const A = "maple.mesh:8448";
const B = "elm.mesh:8448";
const botA = `@share:${A}`;
const botB = `@share:${B}`;

/** One listing line of `!list`, with the id written as the board's key (server/number) so both blocks' lists compare. */
function boardLines(listText: string, ownServer: string, pact: Record<string, string>): string[] {
  return listText
    .split("\n")
    .filter((line) => /#\d+/u.test(line))
    .map((line) => line.slice(line.indexOf("#")).trim())
    .map((line) =>
      line.replace(
        /#(\d+)(?:\.([a-z0-9-]+))?/u,
        (_, number: string, block: string | undefined) => `${block === undefined ? ownServer : (pact[block] ?? block)}/${number}`,
      ),
    )
    .sort();
}

describe("two blocks' sharing boards over real federation", { skip: unavailable }, () => {
  let mesh: MeshNetwork;
  let dir: string;
  let blocks: [BlockProcess, BlockProcess];
  let alice: NeighborClient; // on A, posts
  let amy: NeighborClient; // on A, takes
  let bob: NeighborClient; // on B
  let sharingA: string;
  let sharingB: string;

  before(async () => {
    mesh = createMeshNetwork("bsshr", "10.83.0", "10.84.0", 2);
    dir = mkdtempSync(join(tmpdir(), "blockshare-share-federation-"));
    blocks = [A, B].map((serverName, index) => {
      const host = mesh.hosts[index]!;
      return defineBlock({
        dir: join(dir, `block${index}`),
        name: `Block ${"AB"[index]}`,
        serverName,
        namespace: host.namespace,
        address: host.address,
        clientAddress: host.clientAddress,
        hostsFile: host.hostsFile,
      });
    }) as [BlockProcess, BlockProcess];
    const [a, b] = blocks;
    await shareCommunityCa(a, [b]);
    await a.command("neighbor", "add", B, b.spec.address);
    await b.command("neighbor", "add", A, a.spec.address);
    await Promise.all(blocks.map((block) => block.start()));
    [alice, amy, bob] = await Promise.all([newNeighbor(a, "alice"), newNeighbor(a, "amy"), newNeighbor(b, "bob")]);
    sharingA = (await alice.client.getRoomIdForAlias(`#sharing:${A}`)).room_id;
    sharingB = (await bob.client.getRoomIdForAlias(`#sharing:${B}`)).room_id;
  });

  after(async () => {
    for (const client of [alice, amy, bob]) client?.stop();
    await Promise.all((blocks ?? []).map((block) => block.stop()));
    mesh?.destroy();
    if (dir && !process.env.BLOCKSHARE_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
  });

  async function command(neighbor: NeighborClient, roomId: string, bot: string, body: string): Promise<string> {
    const sent = await neighbor.sendText(roomId, body);
    const reply = await neighbor.waitForReply(roomId, sent, bot, 60_000).catch((error: Error) => {
      throw new Error(`no answer to “${body}”: ${error.message}`);
    });
    return String(reply.content.body);
  }

  const listingMessage = (neighbor: NeighborClient, roomId: string, bot: string, id: string, timeoutMs = 60_000) =>
    neighbor.waitForEvent(
      (e) =>
        e.room_id === roomId &&
        e.sender === bot &&
        e.type === "m.room.message" &&
        e.content["m.relates_to"] === undefined &&
        String(e.content.body).includes(` ${id} ·`),
      `listing ${id}`,
      timeoutMs,
    );

  const edited = (neighbor: NeighborClient, listing: SeenEvent, pattern: RegExp, timeoutMs = 90_000) =>
    neighbor.waitForEvent(
      (e) =>
        e.content["m.relates_to"]?.rel_type === "m.replace" &&
        e.content["m.relates_to"]?.event_id === listing.event_id &&
        pattern.test(String(e.content["m.new_content"]?.body)),
      `${listing.event_id} edited to ${pattern}`,
      timeoutMs,
    );

  let tomatoesOnB: SeenEvent;

  test("a #shared offer on block A appears on block B's board; a block-only one does not", async () => {
    assert.match(await command(alice, sharingA, botA, "!offer 5 lbs of tomatoes #food #shared first-come"), /^Posted #1: .*shared with the pact/);
    assert.match(await command(alice, sharingA, botA, "!offer plum jam #food"), /^Posted #2: .*this block only/);
    // The share bots join each other's board-sync rooms once both blocks are up.
    tomatoesOnB = await listingMessage(bob, sharingB, botB, "#1.maple", 120_000);
    assert.match(tomatoesOnB.content.body, /Offer #1\.maple · food — 5 lbs of tomatoes/);
    const list = await command(bob, sharingB, botB, "!list");
    assert.match(list, /#1\.maple 5 lbs of tomatoes · food · open/);
    assert.doesNotMatch(list, /jam/);
  });

  test("cut off, both blocks take the same offer and post new listings; healed, both boards agree", async () => {
    const tomatoesOnA = await listingMessage(alice, sharingA, botA, "#1");
    mesh.cut(mesh.hosts[0]!);
    try {
      // B's neighbor is first by the clocks, but the offer's own block decides.
      assert.match(await command(bob, sharingB, botB, "!claim 1.maple"), /It's yours!/);
      assert.match(await command(amy, sharingA, botA, "!claim 1"), /It's yours!/);
      assert.match(await command(alice, sharingA, botA, "!lend ladder #tools #shared"), /^Posted #3/);
      assert.match(await command(bob, sharingB, botB, "!ask a wheelbarrow #tools #shared"), /^Posted #1/);
      assert.doesNotMatch(await command(bob, sharingB, botB, "!list"), /ladder/, "nothing crosses the cut link");
      assert.match(await blocks[0].command("federation", "status"), /elm\.mesh:8448 at 10\.83\.0\.2: NOT reachable/, "the blocks really are cut off");
    } finally {
      mesh.restore(mesh.hosts[0]!);
    }

    // After healing: the promise made on A stands on both boards; bob is told why and is on the list.
    const promisedToAmy = new RegExp(`Status: promised to ${amy.userId.replace(/[.]/gu, "\\.")} · 1 waiting`);
    await edited(alice, tomatoesOnA, promisedToAmy);
    await edited(bob, tomatoesOnB, promisedToAmy);
    const sorry = await bob.waitForEvent(
      (e) => e.sender === botB && /^Sorry: while this block and maple\.mesh:8448 were cut off/.test(String(e.content.body)),
      "bob told his promise did not stand",
      60_000,
    );
    assert.match(
      sorry.content.body,
      new RegExp(
        `promised both by you and by ${amy.userId.replace(/[.]/gu, "\\.")}.*the promise made on the listing's own block stands.*You are on its list`,
        "su",
      ),
    );
    await listingMessage(alice, sharingA, botA, "#1.elm", 60_000);
    await listingMessage(bob, sharingB, botB, "#3.maple", 60_000);

    const pact = { maple: A, elm: B };
    const onA = boardLines(await command(alice, sharingA, botA, "!list"), A, pact);
    const onB = boardLines(await command(bob, sharingB, botB, "!list"), B, pact);
    assert.deepEqual(
      onB,
      onA.filter((line) => !line.includes("plum jam")),
      "both boards show the same shared listings in the same state",
    );
    assert.equal(onA.length, 4, onA.join("\n"));
    assert.ok(
      onA.some((line) => line.startsWith(`${A}/1 5 lbs of tomatoes · food · promised`)),
      onA.join("\n"),
    );
    assert.ok(
      onA.some((line) => line.startsWith(`${B}/1 a wheelbarrow`)),
      onA.join("\n"),
    );
    assert.equal(bob.seen((e) => e.sender === botB && String(e.content.body).startsWith("Sorry:")).length, 1, "told once");
  });

  test("a board update from a neighbor and an oversized one from a pact bot are refused and counted", async () => {
    const boardSyncB = (await bob.client.joinRoom(`#board-sync:${B}`)).roomId;
    const forged = new Y.Doc();
    const listing = new Y.Map<unknown>();
    forged.getMap("listings").set(`${B}/99`, listing);
    for (const [field, value] of Object.entries({
      number: 99,
      home: B,
      kind: "offer",
      state: "open",
      title: "free money",
      owner: bob.userId,
      visibility: "shared",
      createdAt: Date.now(),
      expiresAt: Date.now() + 86_400_000,
    }))
      listing.set(field, value);
    await bob.sendEvent(boardSyncB, "org.blockshare.board.update", { update: Buffer.from(Y.encodeStateAsUpdate(forged)).toString("base64") });

    // As B's share bot itself (the appservice's token, from B's own data directory): a pact bot gone wrong.
    const asToken = readFileSync(join(blocks[1].spec.dir, "data", "secrets", "appservice_as_token"), "utf8").trim();
    const url = `${blocks[1].clientUrl}/_matrix/client/v3/rooms/${encodeURIComponent(boardSyncB)}/send/org.blockshare.board.update/oversize${Date.now()}?user_id=${encodeURIComponent(botB)}`;
    const sent = await fetch(url, {
      method: "PUT",
      headers: { authorization: `Bearer ${asToken}`, "content-type": "application/json" },
      body: JSON.stringify({ update: "A".repeat(50_000) }),
    });
    assert.equal(sent.status, 200, await sent.text());

    const refused = /Refused: 1 from unauthorized senders, 1 oversize, 0 malformed/;
    let stats = "";
    for (let attempt = 0; attempt < 30 && !refused.test(stats); attempt += 1) {
      stats = await command(alice, sharingA, botA, "!board stats");
      if (!refused.test(stats)) await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    assert.match(stats, refused);
    assert.match(
      await command(bob, sharingB, botB, "!board stats"),
      /Refused: 1 from unauthorized senders, 0 oversize/,
      "B's own bot refuses the neighbor's update too",
    );
    for (const [neighbor, roomId, bot] of [
      [alice, sharingA, botA],
      [bob, sharingB, botB],
    ] as const) {
      assert.doesNotMatch(await command(neighbor, roomId, bot, "!list"), /free money/);
    }
  });
});
