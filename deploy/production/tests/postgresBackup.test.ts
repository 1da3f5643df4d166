// A block on PostgreSQL, backed up and restored the way an operator does it: `deploy/blockshare backup`
// while it runs, stop, wipe the data directory and the database, `deploy/blockshare restore`, start.
// Neighbors' accounts, rooms and messages, a sharing-board listing and an open proposal all come back.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parseDocument } from "yaml";
import { writeLoopbackNeighborhood, registerNeighbor } from "../../../test/harness/testNeighborhood.ts";
import { NeighborClient } from "../../../test/harness/neighborClient.ts";
import { startNeighborhood, type RunningNeighborhood } from "../../src/startNeighborhood.ts";
import { registrationTokens } from "../../src/homeserverAdmin.ts";
import { createSynapseDatabase, dropDatabase, psql } from "../postgresAdmin.ts";
import { createThrowawayDatabase, relaxedRateLimits, testPostgres, type ThrowawayDatabase } from "./testSupport.ts";

const cli = join(import.meta.dirname, "..", "..", "src", "cli.ts");

function blockshare(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 180_000 });
  assert.equal(result.status, 0, `deploy/blockshare ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

async function inboxDrained(hostUrl: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const health = (await (await fetch(`${hostUrl}/health`)).json()) as { inbox: number };
    if (health.inbox === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the bots' inbox never drained");
}

interface Counts {
  users: number;
  rooms: number;
  messages: number;
  storeRows: Record<string, number>;
}

describe("backup and restore of a block on PostgreSQL, through the command line", () => {
  const admin = testPostgres();
  let database: ThrowawayDatabase;
  let dir: string;
  let file: string;
  let running: RunningNeighborhood | undefined;
  let alice: NeighborClient;
  let before_: Counts;

  const counts = (): Counts => {
    const n = (sql: string) => Number(psql(admin, database.settings.name, sql));
    const store = new DatabaseSync(join(dir, "data", "appservice", "store.sqlite"), { readOnly: true });
    try {
      const rows = store.prepare("SELECT bot, count(*) AS n FROM bot_kv GROUP BY bot").all() as Array<{ bot: string; n: number }>;
      return {
        users: n("SELECT count(*) FROM users"),
        rooms: n("SELECT count(*) FROM rooms"),
        messages: n("SELECT count(*) FROM events WHERE type = 'm.room.message'"),
        storeRows: Object.fromEntries(rows.map((row) => [row.bot, Number(row.n)])),
      };
    } finally {
      store.close();
    }
  };

  before(async () => {
    database = createThrowawayDatabase(admin);
    dir = mkdtempSync(join(tmpdir(), "blockshare-pgbackup-"));
    file = await writeLoopbackNeighborhood(dir, "Postgres Block", "pgblock.localhost");
    const document = parseDocument(readFileSync(file, "utf8"));
    const { engine, host, port, name, user } = database.settings;
    document.set("database", { engine, host, port, name, user });
    writeFileSync(file, document.toString());
    running = await startNeighborhood(file, { synapseOverrides: relaxedRateLimits });
    const token = await registrationTokens.create(running.clientUrl, running.operatorToken, { usesAllowed: 10, expiryTime: null });
    const registered = await registerNeighbor(running.clientUrl, "alice", "correct horse battery", token.token);
    alice = new NeighborClient(running.clientUrl, registered.user_id, registered.access_token);
    await alice.start();
    const sharing = running.rooms.get("sharing")!;
    const governance = running.rooms.get("governance")!;
    await alice.sendText(sharing, "!offer 5 lbs of tomatoes #food");
    await alice.waitForEvent(
      (event) => event.room_id === sharing && event.sender === "@share:pgblock.localhost" && /tomatoes/.test(String(event.content.body)),
      "the tomatoes listing",
    );
    const propose = await alice.sendText(governance, "!propose Quiet hours from 10pm closes in 7 days");
    await alice.waitForEvent(
      (event) => event.room_id === governance && event.sender === "@polls:pgblock.localhost" && /Quiet hours/.test(JSON.stringify(event.content)),
      "the proposal's poll",
    );
    // The bot's notice under the command comes last: after it, the proposal is fully stored.
    await alice.waitForReply(governance, propose, "@polls:pgblock.localhost");
  });
  after(async () => {
    alice?.stop();
    await running?.stop();
    database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("backup while running, wipe, restore: users, rooms, messages, the listing and the proposal come back", async () => {
    const archive = join(dir, "backups", "block.tar.gz");
    // A command still in the bots' inbox at backup time would run again after the restore (at least once).
    await inboxDrained(running!.host.url);
    const said = blockshare("backup", "--config", file, "--out", archive);
    assert.match(said, /Backup written/);
    alice.stop();
    await running!.stop();
    running = undefined;
    before_ = counts();
    assert.ok(before_.storeRows.share! > 0 && before_.storeRows.polls! > 0, "the bots stored the listing and the poll");

    // The box is lost: data directory and database gone; an empty database is created again.
    rmSync(join(dir, "data"), { recursive: true, force: true });
    dropDatabase(admin, database.settings.name);
    createSynapseDatabase(admin, database.settings.name, admin.user);

    const restored = blockshare("restore", archive, "--config", file);
    assert.match(restored, /Restored \d+ files of Postgres Block/);
    assert.deepEqual(counts(), before_);

    running = await startNeighborhood(file, { synapseOverrides: relaxedRateLimits });
    await alice.start();
    const sharing = running.rooms.get("sharing")!;
    const list = await alice.sendText(sharing, "!list");
    const reply = await alice.waitForReply(sharing, list, "@share:pgblock.localhost");
    assert.match(String(reply.content.body), /tomatoes/, "the listing is on the board after the restore");
  });

  test("restore refuses a data directory that is not empty", () => {
    const archive = join(dir, "backups", "block.tar.gz");
    const result = spawnSync(process.execPath, [cli, "restore", archive, "--config", file], { encoding: "utf8" });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /is not empty/);
    assert.ok(readdirSync(join(dir, "data")).length > 0);
  });
});
