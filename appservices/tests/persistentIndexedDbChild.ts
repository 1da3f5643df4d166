// A fresh process for persistentIndexedDb.test.ts: one step against the file, then exit (a true restart
// between steps). Usage: node persistentIndexedDbChild.ts <step> <file>; input as JSON on stdin, the
// result as one JSON line on stdout.
import { readFileSync } from "node:fs";
import * as crypto from "@matrix-org/matrix-sdk-crypto-wasm";
import { openPersistentIndexedDb } from "../src/persistentIndexedDb.ts";

const [step, file] = process.argv.slice(2);
if (step === undefined || file === undefined) throw new Error("usage: persistentIndexedDbChild.ts <step> <file>");
const input = JSON.parse(readFileSync(0, "utf8") || "{}");
const store = openPersistentIndexedDb(file);
await crypto.initAsync();

const bot = new crypto.UserId("@bot:example.org");
const openBot = () => crypto.OlmMachine.initialize(bot, new crypto.DeviceId("DEV1"), "bot-crypto", "passphrase");

async function run(): Promise<unknown> {
  switch (step) {
    case "identity": {
      const machine = await openBot();
      const keys = { ed25519: machine.identityKeys.ed25519.toBase64(), curve25519: machine.identityKeys.curve25519.toBase64() };
      machine.close();
      return keys;
    }
    case "publish": {
      // The bot's first start: its device keys and one-time keys, marked as uploaded as the server would answer.
      const machine = await openBot();
      const upload = (await machine.outgoingRequests()).find((request) => request instanceof crypto.KeysUploadRequest);
      if (upload === undefined) throw new Error("no keys upload request");
      const body = JSON.parse(upload.body);
      const count = Object.keys(body.one_time_keys).length;
      await machine.markRequestAsSent(upload.id!, upload.type, JSON.stringify({ one_time_key_counts: { signed_curve25519: count } }));
      machine.close();
      return { deviceKeys: body.device_keys, oneTimeKeys: body.one_time_keys };
    }
    case "receive": {
      // To-device events as a sync (or an appservice transaction) delivers them.
      const machine = await openBot();
      const processed = await machine.receiveSyncChanges(JSON.stringify(input.toDevice), new crypto.DeviceLists(), new Map(), new Set());
      machine.close();
      return { processed: processed.length };
    }
    case "decrypt": {
      const machine = await openBot();
      const decrypted = await machine.decryptRoomEvent(
        JSON.stringify(input.event),
        new crypto.RoomId(input.event.room_id),
        new crypto.DecryptionSettings(crypto.TrustRequirement.Untrusted),
      );
      machine.close();
      return { event: JSON.parse(decrypted.event) };
    }
    case "churn":
      return churn(Number(input.transactions));
    default:
      throw new Error(`unknown step ${step}`);
  }
}

/** Many small readwrite transactions on one store (100 keys overwritten in turn): heap and time per transaction. */
async function churn(transactions: number): Promise<unknown> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run with --expose-gc");
  const db = await new Promise<any>((resolve, reject) => {
    const request = store.indexedDB.open("churn", 1);
    request.onupgradeneeded = () => request.result.createObjectStore("items", { keyPath: "id" }).createIndex("byTag", "tag");
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const write = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const transaction = db.transaction("items", "readwrite");
      transaction.objectStore("items").put({ id: i % 100, tag: `t${i % 7}`, payload: new Uint8Array(64).fill(i % 251) });
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error);
    });
  const measure = () => {
    gc();
    gc();
    const { heapUsed, heapTotal, external, arrayBuffers, rss } = process.memoryUsage();
    return { heapUsed, heapTotal, external, arrayBuffers, rss };
  };
  const warmup = Math.min(2000, transactions);
  for (let i = 0; i < warmup; i++) await write(i);
  // Let fake-indexeddb's queued clean-ups run before measuring.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const before = measure();
  const started = performance.now();
  for (let i = warmup; i < warmup + transactions; i++) await write(i);
  const msPerTransaction = (performance.now() - started) / transactions;
  await new Promise((resolve) => setTimeout(resolve, 50));
  const after = measure();
  // The pitfall of older fake-indexeddb (openclaw#90455): finished transactions kept on the database.
  const retainedTransactions = db._rawDatabase.transactions.length;
  db.close();
  return { before, after, msPerTransaction, retainedTransactions, fileBytes: store.sizeBytes() };
}

try {
  process.stdout.write(JSON.stringify(await run()) + "\n");
} finally {
  store.close();
}
