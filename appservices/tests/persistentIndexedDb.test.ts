import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import * as crypto from "@matrix-org/matrix-sdk-crypto-wasm";
import { silentLog } from "../src/hostLog.ts";
import { openPersistentIndexedDb } from "../src/persistentIndexedDb.ts";
import { tempStoreDir } from "./hostFixture.ts";

// fake-indexeddb's types lean on the DOM's, which this project does not load: the handles are loosely typed.
type Handle = any;

const request = <T>(req: Handle): Promise<T> =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

const committed = (transaction: Handle): Promise<void> =>
  new Promise((resolve, reject) => {
    transaction.addEventListener("complete", () => resolve());
    transaction.addEventListener("abort", () => reject(transaction.error ?? new Error("aborted")));
  });

/** Opens `name` at `version`; `upgrade` runs only if IndexedDB asks for one. */
function openDatabase(factory: Handle, name: string, version: number, upgrade: (db: Handle, transaction: Handle) => void = () => {}): Promise<Handle> {
  const req = factory.open(name, version);
  req.onupgradeneeded = () => upgrade(req.result, req.transaction);
  return request(req);
}

const recordRows = (path: string): number => {
  const raw = new DatabaseSync(path, { readOnly: true });
  try {
    return Number(raw.prepare("SELECT count(*) AS n FROM idb_records").get()!.n);
  } finally {
    raw.close();
  }
};

const childScript = fileURLToPath(new URL("./persistentIndexedDbChild.ts", import.meta.url));

/** Runs one step in a new node process (a true restart) and returns what it printed. */
function inChild(step: string, file: string, input: unknown = {}, nodeFlags: string[] = []): any {
  const result = spawnSync(process.execPath, [...nodeFlags, childScript, step, file], {
    input: JSON.stringify(input),
    encoding: "utf8",
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(`child step ${step} failed (${result.status ?? result.signal}): ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!);
}

describe("persistent IndexedDB", () => {
  const dir = tempStoreDir();
  after(() => dir.remove());

  it("keeps databases, object stores, indexes and records across reopening, each transaction on disk before it completes", async () => {
    const path = dir.path("idb.sqlite");
    let idb = openPersistentIndexedDb(path);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal((globalThis as Handle).indexedDB, idb.indexedDB);
    let db = await openDatabase(idb.indexedDB, "shop", 1, (created) => {
      const items = created.createObjectStore("items", { keyPath: "id" });
      items.createIndex("byTag", "tags", { multiEntry: true });
      items.createIndex("bySku", "sku", { unique: true });
      created.createObjectStore("log", { autoIncrement: true });
      created.createObjectStore("plain");
    });

    let transaction = db.transaction(["items", "log", "plain"], "readwrite");
    const items = transaction.objectStore("items");
    items.put({ id: 1, sku: "a", tags: ["red", "big"] });
    items.put({ id: 2, sku: "b", tags: ["red"] });
    items.put({ id: 3, sku: "c", tags: [] });
    items.delete(3);
    transaction.objectStore("log").add("first");
    transaction.objectStore("log").add("second");
    const plain = transaction.objectStore("plain");
    plain.put("string key", "s");
    plain.put("number key", 5);
    plain.put("date key", new Date(1000));
    plain.put("array key", ["a", 1]);
    plain.put("binary key", new Uint8Array([1, 2]));
    let rowsWhenCompleteFired = -1;
    transaction.addEventListener("complete", () => {
      rowsWhenCompleteFired = recordRows(path);
    });
    await committed(transaction);
    assert.equal(rowsWhenCompleteFired, 2 + 2 + 5, "the file holds the transaction when its complete event runs");

    transaction = db.transaction(["items", "plain"], "readwrite");
    transaction.objectStore("plain").clear();
    transaction.objectStore("plain").put("after the clear", "k");
    const cursorRequest = transaction.objectStore("items").openCursor();
    cursorRequest.onsuccess = () => {
      const cursor = cursorRequest.result;
      if (!cursor) return;
      cursor.update({ ...cursor.value, sku: `${cursor.value.sku}!` });
      cursor.continue();
    };
    await committed(transaction);

    // Neither an aborted transaction nor one a constraint failed reaches the file.
    transaction = db.transaction(["items"], "readwrite");
    transaction.objectStore("items").put({ id: 9, sku: "z", tags: [] });
    transaction.abort();
    await assert.rejects(committed(transaction));
    transaction = db.transaction(["items"], "readwrite");
    transaction.objectStore("items").put({ id: 8, sku: "y", tags: [] });
    transaction.objectStore("items").add({ id: 10, sku: "a!", tags: [] });
    await assert.rejects(committed(transaction));
    db.close();
    idb.close();

    idb = openPersistentIndexedDb(path);
    let upgrades = 0;
    db = await openDatabase(idb.indexedDB, "shop", 1, () => upgrades++);
    assert.equal(upgrades, 0, "the database comes back at its version, so nothing upgrades it");
    assert.deepEqual([...db.objectStoreNames], ["items", "log", "plain"]);
    transaction = db.transaction(["items", "log", "plain"], "readwrite");
    const itemsAgain = transaction.objectStore("items");
    assert.equal(itemsAgain.keyPath, "id");
    assert.deepEqual([...itemsAgain.indexNames], ["bySku", "byTag"]);
    assert.equal(itemsAgain.index("byTag").multiEntry, true);
    assert.equal(itemsAgain.index("bySku").unique, true);
    assert.deepEqual(await request(itemsAgain.getAll()), [
      { id: 1, sku: "a!", tags: ["red", "big"] },
      { id: 2, sku: "b!", tags: ["red"] },
    ]);
    assert.deepEqual(await request(itemsAgain.index("byTag").getAllKeys("red")), [1, 2]);
    assert.deepEqual(await request(itemsAgain.index("bySku").get("b!")), { id: 2, sku: "b!", tags: ["red"] });
    const log = transaction.objectStore("log");
    assert.equal(log.autoIncrement, true);
    assert.equal(await request(log.add("third")), 3, "the key generator goes on where it was");
    assert.deepEqual(await request(log.getAll()), ["first", "second", "third"]);
    assert.deepEqual(await request(transaction.objectStore("plain").getAllKeys()), ["k"]);
    await committed(transaction);
    db.close();
    idb.close();

    // An upgrade: an index dropped, a store renamed, one deleted, one created.
    idb = openPersistentIndexedDb(path);
    db = await openDatabase(idb.indexedDB, "shop", 2, (upgraded, upgrade) => {
      upgrade.objectStore("items").deleteIndex("bySku");
      upgrade.objectStore("log").name = "journal";
      upgraded.deleteObjectStore("plain");
      upgraded.createObjectStore("fresh", { keyPath: ["a", "b"] }).put({ a: 1, b: "x" });
    });
    db.close();
    idb.close();

    idb = openPersistentIndexedDb(path);
    db = await openDatabase(idb.indexedDB, "shop", 2, () => upgrades++);
    assert.equal(upgrades, 0);
    assert.deepEqual([...db.objectStoreNames], ["fresh", "items", "journal"]);
    transaction = db.transaction(["items", "journal", "fresh"], "readonly");
    assert.deepEqual([...transaction.objectStore("items").indexNames], ["byTag"]);
    assert.deepEqual(await request(transaction.objectStore("journal").getAll()), ["first", "second", "third"]);
    assert.deepEqual(await request(transaction.objectStore("fresh").getAllKeys()), [[1, "x"]]);
    db.close();
    await request(idb.indexedDB.deleteDatabase("shop"));
    idb.close();

    idb = openPersistentIndexedDb(path);
    try {
      assert.deepEqual(await idb.indexedDB.databases(), []);
      assert.equal(recordRows(path), 0);
    } finally {
      idb.close();
    }
  });

  it("refuses a second store in one process, and aborts a transaction that completes after close", async () => {
    const idb = openPersistentIndexedDb(dir.path("once.sqlite"), { log: silentLog });
    assert.throws(() => openPersistentIndexedDb(dir.path("twice.sqlite")), /already open/);
    const db = await openDatabase(idb.indexedDB, "late", 1, (created) => created.createObjectStore("s"));
    const transaction = db.transaction(["s"], "readwrite");
    transaction.objectStore("s").put("v", "k");
    idb.close();
    await assert.rejects(committed(transaction));
    db.close();
  });

  it("gives a bot the same identity keys after a restart (OlmMachine in a new process)", () => {
    const file = dir.path("bot-crypto.sqlite");
    const first = inChild("identity", file);
    const second = inChild("identity", file);
    assert.match(first.ed25519, /^[A-Za-z0-9+/]{43}$/);
    assert.deepEqual(second, first);
    assert.notDeepEqual(inChild("identity", dir.path("another-bot.sqlite")), first, "a new file is a new device");
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it("decrypts after a restart with a room key received before it", async () => {
    const botFile = dir.path("bot-sessions.sqlite");
    // The crypto library takes ownership of ids passed in arrays: a new one for each call.
    const bot = () => new crypto.UserId("@bot:example.org");
    const published = inChild("publish", botFile);

    // Alice's device (memory only, in this process) claims a one-time key of the bot's, shares a room key
    // over the Olm session that makes, and encrypts a message.
    await crypto.initAsync();
    const alice = await crypto.OlmMachine.initialize(new crypto.UserId("@alice:example.org"), new crypto.DeviceId("ALICE"));
    const room = new crypto.RoomId("!garden:example.org");
    await alice.updateTrackedUsers([bot()]);
    for (const outgoing of await alice.outgoingRequests()) {
      if (outgoing instanceof crypto.KeysUploadRequest) {
        await alice.markRequestAsSent(outgoing.id, outgoing.type, JSON.stringify({ one_time_key_counts: { signed_curve25519: 50 } }));
      } else if (outgoing instanceof crypto.KeysQueryRequest) {
        const response = { device_keys: { "@bot:example.org": { DEV1: published.deviceKeys } }, failures: {} };
        await alice.markRequestAsSent(outgoing.id, outgoing.type, JSON.stringify(response));
      }
    }
    const claim = await alice.getMissingSessions([bot()]);
    assert.ok(claim, "Alice needs an Olm session with the bot");
    const [keyId, oneTimeKey] = Object.entries(published.oneTimeKeys)[0]!;
    await alice.markRequestAsSent(
      claim.id,
      claim.type,
      JSON.stringify({ one_time_keys: { "@bot:example.org": { DEV1: { [keyId]: oneTimeKey } } }, failures: {} }),
    );
    const shares = await alice.shareRoomKey(room, [bot()], new crypto.EncryptionSettings());
    assert.equal(shares.length, 1);
    const toDevice = Object.entries(JSON.parse(shares[0]!.body).messages["@bot:example.org"]).map(([, content]) => ({
      sender: "@alice:example.org",
      type: shares[0]!.event_type,
      content,
    }));
    const encrypted = await alice.encryptRoomEvent(room, "m.room.message", JSON.stringify({ msgtype: "m.text", body: "ladder free at 5" }));
    alice.close();
    const event = {
      type: "m.room.encrypted",
      sender: "@alice:example.org",
      event_id: "$ladder",
      origin_server_ts: Date.now(),
      room_id: room.toString(),
      content: JSON.parse(encrypted),
    };

    assert.equal(inChild("receive", botFile, { toDevice }).processed, 1);
    // A restart between receiving the room key and the message.
    const decrypted = inChild("decrypt", botFile, { event });
    assert.equal(decrypted.event.content.body, "ladder free at 5");
    // The same message to a bot whose file never got the key stays unreadable.
    inChild("publish", dir.path("bot-without-key.sqlite"));
    assert.throws(() => inChild("decrypt", dir.path("bot-without-key.sqlite"), { event }), /failed/);
  });

  it("keeps memory flat over 20,000 readwrite transactions", (t) => {
    const result = inChild("churn", dir.path("churn.sqlite"), { transactions: 20_000 }, ["--expose-gc"]);
    const heapGrowthMb = (result.after.heapUsed - result.before.heapUsed) / 1e6;
    t.diagnostic(
      `heapUsed growth after GC ${heapGrowthMb.toFixed(2)} MB, rss ${(result.before.rss / 1e6).toFixed(0)} → ${(result.after.rss / 1e6).toFixed(0)} MB, ` +
        `${(result.msPerTransaction * 1000).toFixed(0)} µs per transaction, file ${(result.fileBytes / 1e6).toFixed(1)} MB`,
    );
    assert.ok(heapGrowthMb < 2, `heap grew by ${heapGrowthMb} MB`);
    assert.ok(result.retainedTransactions <= 1, `${result.retainedTransactions} finished transactions retained`);
  });
});
