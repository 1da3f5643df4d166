// federation_latency_ratio_p50: a message from a neighbor on block A to a neighbor on block B over
// federation, over the same between two neighbors on A, same run. federation_catchup_s_1000: after a
// partition during which 1,000 messages were sent on each side, seconds from healing until both sides
// hold all 2,000. Two real blocks, each run by the CLI in its own network namespace (needs root).
import { performance } from "node:perf_hooks";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineBlock, shareCommunityCa, type BlockProcess } from "../test/harness/blockProcess.ts";
import { createMeshNetwork, namespacesUnavailable } from "../test/harness/meshNamespaces.ts";
import { NeighborClient } from "../test/harness/neighborClient.ts";
import { registerNeighbor } from "../test/harness/testNeighborhood.ts";
import { percentile } from "./percentile.ts";

const SAMPLES = 15;
const CATCH_UP_MESSAGES = 1000;

async function neighbor(block: BlockProcess, localpart: string): Promise<NeighborClient> {
  const token = /token: (\S+)/.exec(await block.command("token", "create", "--uses", "1"))?.[1];
  const { user_id, access_token } = await registerNeighbor(block.clientUrl, localpart, "correct horse battery", token);
  const client = new NeighborClient(block.clientUrl, user_id, access_token);
  await client.start();
  return client;
}

async function deliveryTime(from: NeighborClient, to: NeighborClient, roomId: string, text: string): Promise<number> {
  const started = performance.now();
  const seen = to.waitForEvent((e) => e.room_id === roomId && e.content.body === text, "a message", 60_000);
  await from.sendText(roomId, text);
  return (await seen).receivedAt - started;
}

/** The appservice's own user: not rate-limited, so a burst of 1,000 is really a burst. */
function appserviceSender(block: BlockProcess) {
  const asToken = readFileSync(join(block.spec.dir, "data", "secrets", "appservice_as_token"), "utf8").trim();
  const userId = `@blockshare:${block.spec.serverName}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const url = `${block.clientUrl}/_matrix/client/v3${path}${path.includes("?") ? "&" : "?"}user_id=${encodeURIComponent(userId)}`;
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${asToken}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, any>;
  };
  return {
    join: (room: string) => call("POST", `/join/${encodeURIComponent(room)}`, {}),
    send: (roomId: string, body: string, txn: string) =>
      call("PUT", `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${txn}`, { msgtype: "m.text", body }),
    /** How many messages whose body starts with `prefix` this block holds in the room (paginating, which also back-fills). */
    async count(roomId: string, prefix: string): Promise<number> {
      let from: string | undefined;
      let total = 0;
      const filter = encodeURIComponent(JSON.stringify({ types: ["m.room.message"] }));
      for (;;) {
        const page = await call("GET", `/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=500&filter=${filter}${from ? `&from=${from}` : ""}`);
        total += (page.chunk as { content: { body?: string } }[]).filter((event) => String(event.content.body).startsWith(prefix)).length;
        if (!page.end || page.chunk.length === 0) return total;
        from = page.end;
      }
    },
  };
}

export async function federationBenchmarks(): Promise<Record<string, number>> {
  const unavailable = namespacesUnavailable();
  if (unavailable) {
    console.log(`  federation benchmarks skipped: ${unavailable}`);
    return {};
  }
  const mesh = createMeshNetwork("bsbench", "10.79.0", "10.80.0", 2);
  const dir = mkdtempSync(join(tmpdir(), "blockshare-federation-bench-"));
  const blocks = ["blocka.mesh:8448", "blockb.mesh:8448"].map((serverName, index) => {
    const host = mesh.hosts[index]!;
    return defineBlock({
      dir: join(dir, `block${index}`),
      name: `Bench ${index}`,
      serverName,
      namespace: host.namespace,
      address: host.address,
      clientAddress: host.clientAddress,
      hostsFile: host.hostsFile,
    });
  }) as [BlockProcess, BlockProcess];
  const clients: NeighborClient[] = [];
  try {
    const [a, b] = blocks;
    await shareCommunityCa(a, [b]);
    await a.command("neighbor", "add", b.spec.serverName, b.spec.address);
    await b.command("neighbor", "add", a.spec.serverName, a.spec.address);
    await Promise.all(blocks.map((block) => block.start()));
    const [alice, amy, bob] = await Promise.all([neighbor(a, "alice"), neighbor(a, "amy"), neighbor(b, "bob")]);
    clients.push(alice, amy, bob);
    const exchangeAlias = `#exchange:${b.spec.serverName}`;
    const exchange = (await alice.client.joinRoom(exchangeAlias)).roomId;
    await amy.client.joinRoom(exchangeAlias);
    await bob.waitForEvent((e) => e.room_id === exchange && e.state_key === amy.userId, "amy joining", 60_000);

    const local: number[] = [];
    const federated: number[] = [];
    for (let i = 0; i < SAMPLES; i += 1) {
      local.push(await deliveryTime(alice, amy, exchange, `local ${i}`));
      federated.push(await deliveryTime(alice, bob, exchange, `federated ${i}`));
    }
    console.log(`  same block p50 ${percentile(local, 50).toFixed(1)} ms; across the pact p50 ${percentile(federated, 50).toFixed(1)} ms`);

    const senders = blocks.map(appserviceSender);
    for (const sender of senders) await sender.join(exchangeAlias);
    mesh.cut(mesh.hosts[0]!);
    await Promise.all(
      senders.map(async (sender, side) => {
        for (let i = 0; i < CATCH_UP_MESSAGES; i += 1) await sender.send(exchange, `burst ${side} ${i}`, `burst-${side}-${i}-${Date.now()}`);
      }),
    );
    const healed = performance.now();
    mesh.restore(mesh.hosts[0]!);
    const deadline = healed + 300_000;
    for (;;) {
      const counts = await Promise.all(senders.map((sender) => sender.count(exchange, "burst ")));
      if (counts.every((count) => count >= 2 * CATCH_UP_MESSAGES)) break;
      if (performance.now() > deadline) throw new Error(`after 300 s the blocks hold ${counts.join(" and ")} of ${2 * CATCH_UP_MESSAGES}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return {
      federation_latency_ratio_p50: percentile(federated, 50) / percentile(local, 50),
      federation_catchup_s_1000: (performance.now() - healed) / 1000,
    };
  } finally {
    for (const client of clients) client.stop();
    await Promise.all(blocks.map((block) => block.stop()));
    mesh.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) console.log(await federationBenchmarks());
