// The appservice's saved to-device position, lowered before Synapse starts on SQLite (appserviceStreamRepair.ts).
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { lowerAppserviceToDevicePosition } from "../src/appserviceStreamRepair.ts";

const dir = mkdtempSync(join(tmpdir(), "blockshare-stream-repair-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Synapse's tables as far as the repair reads them, with the saved position and the ids of the rows left. */
function synapseDatabase(name: string, position: number, inbox: number[], outbox: number[]): string {
  const path = join(dir, name);
  const db = new DatabaseSync(path);
  db.exec(`
    CREATE TABLE application_services_state (as_id TEXT PRIMARY KEY, state TEXT, to_device_stream_id BIGINT);
    CREATE TABLE device_inbox (user_id TEXT, device_id TEXT, stream_id BIGINT, message_json TEXT);
    CREATE TABLE device_federation_outbox (destination TEXT, stream_id BIGINT, messages_json TEXT);
  `);
  db.prepare("INSERT INTO application_services_state VALUES ('blockshare', 'up', ?)").run(position);
  for (const id of inbox) db.prepare("INSERT INTO device_inbox VALUES ('@polls:b', 'BLOCKSHARE', ?, '{}')").run(id);
  for (const id of outbox) db.prepare("INSERT INTO device_federation_outbox VALUES ('other.b', ?, '{}')").run(id);
  db.close();
  return path;
}

const position = (path: string) => {
  const db = new DatabaseSync(path, { readOnly: true });
  const row = db.prepare("SELECT to_device_stream_id AS id FROM application_services_state").get();
  db.close();
  return Number(row?.id);
};

test("a saved position above every to-device id left is lowered to the highest one, so the next message reaches the bots", () => {
  const path = synapseDatabase("above.db", 9, [2, 4], [6]);
  assert.equal(lowerAppserviceToDevicePosition(path), 1);
  assert.equal(position(path), 6);
});

test("with no to-device rows left the position goes to 0, where Synapse's ids start again", () => {
  const path = synapseDatabase("empty.db", 3, [], []);
  assert.equal(lowerAppserviceToDevicePosition(path), 1);
  assert.equal(position(path), 0);
});

test("a position at or below the rows left is not touched (nothing is sent twice)", () => {
  const path = synapseDatabase("below.db", 4, [2, 7], []);
  assert.equal(lowerAppserviceToDevicePosition(path), 0);
  assert.equal(position(path), 4);
});

test("no database yet (first start, or PostgreSQL) and a database without the tables are left alone", () => {
  assert.equal(lowerAppserviceToDevicePosition(join(dir, "missing.db")), 0);
  const path = join(dir, "bare.db");
  new DatabaseSync(path).close();
  assert.equal(lowerAppserviceToDevicePosition(path), 0);
});
