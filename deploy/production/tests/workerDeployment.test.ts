// The worker deployment really runs: PostgreSQL, Redis, Synapse's main process plus five workers behind
// nginx, the foundation's porch-bot story and the other bots' commands through the proxy.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeLoopbackNeighborhood, registerNeighbor } from "../../../test/harness/testNeighborhood.ts";
import { NeighborClient } from "../../../test/harness/neighborClient.ts";
import { registrationTokens } from "../../src/homeserverAdmin.ts";
import { startWorkerNeighborhood, type RunningWorkerNeighborhood } from "../workerDeployment.ts";
import { psql } from "../postgresAdmin.ts";
import { createThrowawayDatabase, freeWorkerSettings, relaxedRateLimits, testPostgres, type ThrowawayDatabase } from "./testSupport.ts";

describe("the worker deployment on PostgreSQL and Redis, behind nginx", () => {
  const admin = testPostgres();
  let dir: string;
  let database: ThrowawayDatabase;
  let stack: RunningWorkerNeighborhood;
  let alice: NeighborClient;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "blockshare-workers-"));
    database = createThrowawayDatabase(admin);
    const file = await writeLoopbackNeighborhood(dir, "Worker Block", "workers.localhost");
    stack = await startWorkerNeighborhood(file, {
      database: database.settings,
      workers: await freeWorkerSettings(),
      runDir: join(dir, "run"),
      privateRedis: true,
      synapseOverrides: relaxedRateLimits,
    });
  });
  after(async () => {
    alice?.stop();
    await stack?.stop();
    database?.drop();
    if (!process.env.BLOCKSHARE_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
  });

  test("every worker is running and the database is PostgreSQL", () => {
    assert.deepEqual([...stack.workers.keys()].sort(), ["appservice_notifier", "client_reader", "event_persister", "federation_reader", "federation_sender"]);
    const config = readFileSync(stack.running.paths.config, "utf8");
    assert.match(config, /name: psycopg2/);
    assert.match(config, /notify_appservices_from_worker: appservice_notifier/);
  });

  test("a neighbor registers with a token through the proxy, is welcomed in the Lobby, and !about is answered", async () => {
    const { running } = stack;
    const porch = `@porch:${running.neighborhood.server_name}`;
    const lobby = running.rooms.get("lobby")!;
    const token = await registrationTokens.create(running.clientUrl, running.operatorToken, { usesAllowed: 1, expiryTime: null });
    const registered = await registerNeighbor(running.clientUrl, "alice", "correct horse battery", token.token);
    alice = new NeighborClient(running.clientUrl, registered.user_id, registered.access_token);
    await alice.start();
    await alice.waitForEvent(
      (e) => e.room_id === lobby && e.sender === porch && e.type === "m.room.message" && String(e.content.body).includes(alice.userId),
      "the porch bot's welcome",
      60_000,
    );
    const about = await alice.sendText(lobby, "!about");
    const reply = await alice.waitForReply(lobby, about, porch, 30_000);
    assert.match(reply.content.body, /Worker Block/);
  });

  test("the other bots work through the workers too: a listing on the sharing board, a proposal, mesh status", async () => {
    const { running } = stack;
    const server = running.neighborhood.server_name;
    const sharing = running.rooms.get("sharing")!;
    const governance = running.rooms.get("governance")!;
    const meshAlerts = running.rooms.get("mesh-alerts")!;
    await alice.sendText(sharing, "!offer 5 lbs of tomatoes #food");
    await alice.waitForEvent(
      (e) => e.room_id === sharing && e.sender === `@share:${server}` && /tomatoes/.test(String(e.content.body)),
      "the tomatoes listing",
      30_000,
    );
    await alice.sendText(governance, "!propose Quiet hours from 10pm closes in 7 days");
    await alice.waitForEvent(
      (e) => e.room_id === governance && e.sender === `@polls:${server}` && e.type === "org.matrix.msc3381.poll.start",
      "the proposal's poll",
      30_000,
    );
    const status = await alice.sendText(meshAlerts, "!mesh status");
    const reply = await alice.waitForReply(meshAlerts, status, `@mesh:${server}`, 30_000);
    assert.ok(String(reply.content.body).length > 0);
  });

  test("Element X's sliding sync (MSC4186) through the proxy lists the Lobby", async () => {
    const response = await fetch(`${stack.running.clientUrl}/_matrix/client/unstable/org.matrix.simplified_msc3575/sync?timeout=0`, {
      method: "POST",
      headers: { authorization: `Bearer ${alice.accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({ lists: { all_rooms: { ranges: [[0, 49]], timeline_limit: 1, required_state: [["m.room.name", ""]] } } }),
    });
    const body = (await response.json()) as { rooms?: Record<string, unknown> };
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.ok(body.rooms?.[stack.running.rooms.get("lobby")!], `the Lobby is among ${Object.keys(body.rooms ?? {}).join(", ")}`);
  });

  test("the proxy sent sync, registration and sending to the client reader, and the event persister wrote the events", () => {
    const readerPort = `127.0.0.1:${stack.layout.workers.find((w) => w.name === "client_reader")!.port}`;
    const lines = readFileSync(stack.accessLog, "utf8").trim().split("\n");
    const servedBy = (pattern: RegExp) => lines.filter((line) => pattern.test(line)).map((line) => line.split(" ").at(-1));
    for (const [what, pattern] of [
      ["sync", /\/_matrix\/client\/v3\/sync /],
      ["sliding sync", /\/org\.matrix\.simplified_msc3575\/sync /],
      ["message sending", /\/rooms\/[^ ]+\/send\/m\.room\.message\//],
      ["registration", /\/_matrix\/client\/v3\/register /],
    ] as const) {
      const upstreams = servedBy(pattern);
      assert.ok(upstreams.length > 0, `the proxy saw ${what} requests`);
      assert.ok(upstreams.includes(readerPort), `${what} reached the client reader (saw ${[...new Set(upstreams)].join(", ")})`);
    }
    const writers = psql(admin, database.settings.name, "SELECT DISTINCT instance_name FROM events WHERE type = 'm.room.message';").split("\n");
    assert.deepEqual(writers, ["event_persister"], "messages were persisted by the event persister, not the main process");
  });
});
