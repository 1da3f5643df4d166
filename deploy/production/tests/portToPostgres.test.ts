// SQLite → PostgreSQL with Synapse's port script keeps a populated neighborhood intact: the same users,
// rooms and messages, the neighbor's session, and the bots.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { startTestNeighborhood, type TestNeighborhood } from "../../../test/harness/testNeighborhood.ts";
import { startNeighborhood } from "../../src/startNeighborhood.ts";
import { synapsePython } from "../../src/synapseProcess.ts";
import { portSqliteToPostgres, switchNeighborhoodToPostgres } from "../../../homeserver-config/database/portToPostgres.ts";
import { synapseDatabaseConfig } from "../../../homeserver-config/database/synapseDatabase.ts";
import { psql } from "../postgresAdmin.ts";
import { countSqliteBlock, createThrowawayDatabase, relaxedRateLimits, type BlockCounts, testPostgres, type ThrowawayDatabase } from "./testSupport.ts";

describe("moving a populated block from SQLite to PostgreSQL", () => {
  const admin = testPostgres();
  let block: TestNeighborhood;
  let database: ThrowawayDatabase;
  let sqliteCounts: BlockCounts;

  before(async () => {
    database = createThrowawayDatabase(admin);
    block = await startTestNeighborhood({ name: "Porting Block" });
    const lobby = block.running.rooms.get("lobby")!;
    for (const name of ["alice", "bob"]) {
      const neighbor = await block.addNeighbor(name);
      for (let i = 0; i < 5; i++) await neighbor.sendText(lobby, `${name} message ${i}`);
    }
    for (const neighbor of block.neighbors) neighbor.stop();
    await block.running.stop();
    sqliteCounts = countSqliteBlock(block.running.neighborhood.dataDir);
  });
  after(async () => {
    await block?.stop();
    database?.drop();
  });

  test("the port script copies every user, room and message", async () => {
    const lines: string[] = [];
    await portSqliteToPostgres({
      sqlitePath: block.running.paths.database,
      target: database.settings,
      homeserverConfig: block.running.paths.config,
      synapsePython: synapsePython(),
      progress: (line) => (lines.push(line), console.log(new Date().toISOString(), line)),
    });
    const count = (sql: string) => Number(psql(admin, database.settings.name, sql));
    assert.equal(count("SELECT count(*) FROM users"), sqliteCounts.users);
    assert.equal(count("SELECT count(*) FROM rooms"), sqliteCounts.rooms);
    assert.equal(count("SELECT count(*) FROM events WHERE type = 'm.room.message'"), sqliteCounts.messages);
    assert.ok(
      lines.some((line) => /Porting/.test(line)),
      "the operator sees progress",
    );
  });

  test("the block starts on PostgreSQL: the neighbor's session works and the bot answers", async () => {
    const lobby = block.running.rooms.get("lobby")!;
    block.running = await startNeighborhood(block.file, {
      synapseOverrides: { ...relaxedRateLimits, database: synapseDatabaseConfig(database.settings, "") },
    });
    assert.match(readFileSync(block.running.paths.config, "utf8"), /name: psycopg2/);
    assert.equal(block.running.rooms.get("lobby"), lobby, "the same Lobby");
    const alice = block.neighbors[0]!;
    await alice.start();
    const about = await alice.sendText(lobby, "!about");
    const reply = await alice.waitForReply(lobby, about, `@porch:${block.running.neighborhood.server_name}`);
    assert.match(reply.content.body, /Porting Block/);
    assert.ok(
      Number(psql(admin, database.settings.name, "SELECT count(*) FROM events WHERE type = 'm.room.message'")) >= sqliteCounts.messages + 2,
      "new messages land in PostgreSQL",
    );
  });

  test("the neighborhood file is switched to PostgreSQL, keeping its other keys", () => {
    switchNeighborhoodToPostgres(block.file, database.settings);
    const text = readFileSync(block.file, "utf8");
    assert.match(text, /engine: postgresql/);
    assert.match(text, /name: Porting Block/);
  });
});
