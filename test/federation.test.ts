// Neighboring blocks federating over a mesh, each a real Synapse with its bots, run by the CLI in its
// own network namespace: the pact, the community CA, what neighbors can and cannot see, a partition
// of the mesh link, and leaving and rejoining the pact.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineBlock, shareCommunityCa, type BlockProcess } from "./harness/blockProcess.ts";
import { newNeighbor } from "./harness/blockNeighbor.ts";
import { createMeshNetwork, namespacesUnavailable, type MeshNetwork } from "./harness/meshNamespaces.ts";
import { type NeighborClient, repliesTo } from "./harness/neighborClient.ts";

const unavailable = namespacesUnavailable();
const A = "blocka.mesh:8448";
const B = "blockb.mesh:8448";
const C = "blockc.mesh:8448";
const ROGUE = "rogue.mesh:8448";

/** A TLS server posing as a pact member, with a certificate the community CA never issued. */
function rogueServer(dir: string, address: string): Promise<{ server: Server; state: { handshakeFailures: string[]; requests: number } }> {
  const key = join(dir, "rogue.key");
  const certificate = join(dir, "rogue.crt");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      key,
      "-out",
      certificate,
      "-days",
      "2",
      "-subj",
      "/CN=rogue.mesh",
      "-addext",
      "subjectAltName=DNS:rogue.mesh",
    ],
    { stdio: "ignore" },
  );
  const state = { handshakeFailures: [] as string[], requests: 0 };
  const server = createServer({ key: readFileSync(key), cert: readFileSync(certificate) }, (_req, res) => {
    state.requests += 1;
    res.end("{}");
  });
  server.on("tlsClientError", (error) => state.handshakeFailures.push(error.message));
  return new Promise((resolve) => server.listen(8448, address, () => resolve({ server, state })));
}

const messages = (client: NeighborClient, roomId: string, prefix: string) =>
  client.seen((e) => e.room_id === roomId && e.type === "m.room.message" && String(e.content.body).startsWith(prefix));

describe("neighboring blocks on a mesh", { skip: unavailable }, () => {
  let mesh: MeshNetwork;
  let dir: string;
  let blocks: BlockProcess[];
  let alice: NeighborClient; // on A
  let bob: NeighborClient; // on B
  let carol: NeighborClient; // on C, outside A's pact
  let rogue: Awaited<ReturnType<typeof rogueServer>>;
  let exchangeB: string;

  before(async () => {
    mesh = createMeshNetwork("bsfed", "10.77.0", "10.78.0", 3);
    dir = mkdtempSync(join(tmpdir(), "blockshare-federation-"));
    const [a, b, c] = [A, B, C].map((serverName, index) =>
      defineBlock({ dir: join(dir, `block${index}`), name: `Block ${"ABC"[index]}`, serverName, ...pick(mesh, index) }),
    ) as [BlockProcess, BlockProcess, BlockProcess];
    blocks = [a, b, c];
    // The community CA lives on A; A issues B's and C's certificates, and both trust the CA.
    await shareCommunityCa(a, [b, c]);
    // A and B are in a pact; C lists A, but A does not list C. A also lists a rogue server.
    await a.command("neighbor", "add", B, b.spec.address);
    await a.command("neighbor", "add", ROGUE, mesh.bridgeAddress);
    await b.command("neighbor", "add", A, a.spec.address);
    await c.command("neighbor", "add", A, a.spec.address);
    rogue = await rogueServer(dir, mesh.bridgeAddress);
    await Promise.all(blocks.map((block) => block.start()));
    [alice, bob, carol] = await Promise.all([newNeighbor(a, "alice"), newNeighbor(b, "bob"), newNeighbor(c, "carol")]);
  });

  after(async () => {
    for (const client of [alice, bob, carol]) client?.stop();
    await Promise.all((blocks ?? []).map((block) => block.stop()));
    rogue?.server.close();
    mesh?.destroy();
    if (dir && !process.env.BLOCKSHARE_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
  });

  test("a neighbor on A joins B's Exchange and they talk both ways", async () => {
    exchangeB = (await alice.client.joinRoom(`#exchange:${B}`)).roomId;
    await bob.waitForEvent((e) => e.room_id === exchangeB && e.type === "m.room.member" && e.state_key === alice.userId, "alice joining B's Exchange", 60_000);
    const hello = await alice.sendText(exchangeB, "hello from block A");
    await bob.waitForEvent((e) => e.event_id === hello, "alice's hello on B");
    const answer = await bob.sendText(exchangeB, "hello back from block B");
    await alice.waitForEvent((e) => e.event_id === answer, "bob's answer on A");
  });

  test("each block's run also serves the mesh map, on a simulated mesh until routers are configured", async () => {
    const [a] = blocks as [BlockProcess];
    const page = await fetch(`http://${a.spec.clientAddress}:9464/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Block A mesh/);
    const state = (await (await fetch(`http://${a.spec.clientAddress}:9464/api/state`)).json()) as { nodes: unknown[]; links: unknown[] };
    assert.ok(state.nodes.length >= 6 && state.links.length >= 6, `the simulated mesh is on the map: ${state.nodes.length} nodes`);
  });

  test("block-only rooms cannot be joined from another block", async () => {
    for (const alias of [`#governance:${A}`, `#lobby:${A}`]) {
      await assert.rejects(bob.client.joinRoom(alias), (error: { errcode?: string; message?: string }) => {
        assert.ok(error.errcode === "M_FORBIDDEN" || error.errcode === "M_UNKNOWN", `${alias}: ${error.errcode} ${error.message}`);
        return true;
      });
    }
  });

  test("a server outside the pact is refused in both directions", async () => {
    await assert.rejects(carol.client.joinRoom(`#exchange:${A}`), "C cannot join A's Exchange");
    await assert.rejects(alice.client.joinRoom(`#exchange:${C}`), "A does not reach out to C");
  });

  test("a server whose certificate the community CA did not issue is refused", async () => {
    await assert.rejects(alice.client.joinRoom(`#exchange:${ROGUE}`));
    assert.equal(rogue.state.requests, 0, "A never sent the rogue server a request");
    assert.ok(rogue.state.handshakeFailures.length > 0, "A broke off the TLS handshake");
    const status = await blocks[0]!.command("federation", "status");
    assert.match(status, new RegExp(`${B} at 10\\.77\\.0\\.2: reachable`));
    assert.match(status, new RegExp(`${ROGUE} at ${mesh.bridgeAddress}: NOT reachable`));
  });

  test("a cut mesh link: both sides keep chatting locally, and after healing both hold every message once", async () => {
    const [a, b] = blocks as [BlockProcess, BlockProcess];
    mesh.cut(mesh.hosts[0]!);
    for (let i = 0; i < 5; i += 1) {
      await alice.sendText(exchangeB, `cut A ${i}`);
      await bob.sendText(exchangeB, `cut B ${i}`);
    }
    // Local chat on each side still works: the porch bot answers in each block's own Lobby.
    for (const [client, block] of [
      [alice, a],
      [bob, b],
    ] as const) {
      const lobby = (await client.client.getRoomIdForAlias(`#lobby:${block.spec.serverName}`)).room_id;
      const ask = await client.sendText(lobby, "!about");
      await client.waitForEvent((e) => e.room_id === lobby && repliesTo(e) === ask, "the porch bot's answer during the cut");
    }
    assert.equal(messages(alice, exchangeB, "cut B").length, 0, "nothing crossed the cut link");
    mesh.restore(mesh.hosts[0]!);
    for (const [client, prefix] of [
      [alice, "cut B"],
      [bob, "cut A"],
    ] as const) {
      await client.waitForEvent(() => messages(client, exchangeB, prefix).length >= 5, `all of "${prefix}" after healing`, 90_000).catch(() => {});
    }
    for (const client of [alice, bob]) {
      const bodies = messages(client, exchangeB, "cut ")
        .map((e) => String(e.content.body))
        .sort();
      assert.deepEqual(bodies, [0, 1, 2, 3, 4].flatMap((i) => [`cut A ${i}`, `cut B ${i}`]).sort(), `${client.userId} holds every message exactly once`);
    }
  });

  test("removing B from A's pact stops federation; adding it back restores it", async () => {
    const [a] = blocks as [BlockProcess];
    const exchangeA = (await alice.client.getRoomIdForAlias(`#exchange:${A}`)).room_id;
    const isAcl = (e: { room_id: string; type: string }) => e.room_id === exchangeA && e.type === "m.room.server_acl";
    const allowsB = (e: { content: Record<string, any> }) => (e.content.allow as string[]).includes("blockb.mesh");
    await a.command("neighbor", "remove", B);
    const removed = await alice.waitForEvent((e) => isAcl(e) && !allowsB(e), "A's Exchange ACL without B", 120_000);
    const during = await bob.sendText(exchangeB, "while outside the pact");
    await assert.rejects(alice.waitForEvent((e) => e.event_id === during, "a message from outside the pact", 8000));
    await a.command("neighbor", "add", B, mesh.hosts[1]!.address);
    await alice.waitForEvent((e) => isAcl(e) && allowsB(e) && e.origin_server_ts > removed.origin_server_ts, "A's Exchange ACL with B again", 120_000);
    const back = await bob.sendText(exchangeB, "back in the pact");
    await alice.waitForEvent((e) => e.event_id === back, "a message after rejoining the pact", 90_000);
  });
});

function pick(mesh: MeshNetwork, index: number) {
  const host = mesh.hosts[index]!;
  return { namespace: host.namespace, address: host.address, clientAddress: host.clientAddress, hostsFile: host.hostsFile };
}
