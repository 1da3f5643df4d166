// The host's store when the disk fails it: full while writing (refuse, say so once, keep running, take
// the retry later), and damaged or truncated while stopped (move aside, keep, start from a snapshot).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DatabaseSync } from "node:sqlite";
import { mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { openStore } from "../src/store.ts";
import { mountSmallFilesystem, needsRoot, type SmallFilesystem } from "../../test/harness/smallFilesystem.ts";
import { CapturingLog, messageEvent, recordingBot, sendEvents, startTestHost, tempStoreDir, userIdOf } from "./hostFixture.ts";

const room = "!faults:block.test";

function integrity(path: string): string {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return String(db.prepare("PRAGMA integrity_check").get()?.integrity_check);
  } finally {
    db.close();
  }
}

describe("a full disk under the store", { skip: needsRoot }, () => {
  const scratch = tempStoreDir();
  let fs: SmallFilesystem;
  let n = 0;
  const freshPath = () => {
    const folder = join(fs.dir, `store-${++n}`);
    mkdirSync(folder);
    return join(folder, "store.sqlite");
  };
  before(() => {
    fs = mountSmallFilesystem(scratch.path("small"), 2);
  });
  after(() => {
    fs?.unmount();
    scratch.remove();
  });

  it("refuses the transaction with a 503 (never a 500), says once that the disk is full and where, and takes Synapse's retry once space is back", async () => {
    const storePath = freshPath();
    const log = new CapturingLog();
    const bot = recordingBot("share");
    const host = await startTestHost({ bots: [bot.definition], storePath, log });
    try {
      host.store.membership.recordJoin(userIdOf("share"), room);
      // Larger than any room the WAL has left over, so the write must grow a file.
      const big = messageEvent(room, `offer ${"x".repeat(300_000)}`);
      fs.fill();
      const answers = [];
      for (let attempt = 0; attempt < 3; attempt++) answers.push(await sendEvents(host, "txn-full", [big]));
      assert.deepEqual(
        answers.map((answer) => answer.status),
        [503, 503, 503],
      );
      const body = (await answers[0]!.json()) as { errcode: string; error: string };
      assert.match(body.error, /disk/);
      assert.equal((await fetch(`${host.url}/health`)).status, 200, "the host keeps running");
      const diskLines = log.lines.filter((line) => /disk .*full/i.test(line.message));
      assert.equal(diskLines.length, 1, `one operator-facing line per episode, not one per retry: ${JSON.stringify(log.lines)}`);
      assert.equal(diskLines[0]!.level, "error");
      assert.ok(diskLines[0]!.message.includes(dirname(storePath)), "it says where");
      assert.equal(log.lines.filter((line) => line.message === "request failed").length, 0, "no 500s with stack traces");

      fs.free();
      assert.equal((await sendEvents(host, "txn-full", [big])).status, 200);
      await host.whenIdle();
      assert.deepEqual(bot.eventIds(), [big.event_id], "handled exactly once");
      assert.equal((await sendEvents(host, "txn-full", [big])).status, 200);
      await host.whenIdle();
      assert.deepEqual(bot.eventIds(), [big.event_id], "a later retry is a duplicate");
      assert.ok(
        log.lines.some((line) => /can be written again/.test(line.message)),
        "the recovery is said too",
      );
    } finally {
      fs.free();
      await host.stop();
    }
    assert.equal(integrity(storePath), "ok");
  });

  it("keeps acknowledgements that a full disk kept from being written, and writes them once space is back", () => {
    const storePath = freshPath();
    const store = openStore(storePath, { log: new CapturingLog() });
    const first = store.transactions.record("txn-a", [messageEvent(room, "first")]);
    assert.equal(first.outcome, "accepted");
    const seq = first.outcome === "accepted" ? first.entries[0]!.seq : -1;
    store.transactions.acknowledge(seq);
    fs.fill();
    try {
      const refused = store.transactions.record("txn-b", [messageEvent(room, `big ${"y".repeat(300_000)}`)]);
      assert.equal(refused.outcome, "unavailable");
      assert.doesNotThrow(() => store.transactions.flush(), "a timer's flush must never crash the host");
    } finally {
      fs.free();
    }
    store.transactions.flush();
    store.close();
    const reopened = openStore(storePath, { log: new CapturingLog() });
    try {
      assert.deepEqual(reopened.transactions.pendingEntries(), [], "the handled event is not replayed");
      assert.equal(reopened.transactions.hasTransaction("txn-b"), false, "the refused transaction left no trace");
    } finally {
      reopened.close();
    }
    assert.equal(integrity(storePath), "ok");
  });
});

describe("a damaged store at start", () => {
  const dir = tempStoreDir();
  after(() => dir.remove());

  // Writes a listing, stops (a snapshot is taken then), and hands back the path.
  function storeWithListing(name: string): string {
    mkdirSync(dir.path(name));
    const path = dir.path(`${name}/store.sqlite`);
    const store = openStore(path, { log: new CapturingLog() });
    store.botStore("share").put("listing:1", { title: "ladder" });
    store.membership.recordJoin("@share:block.test", room);
    store.close();
    return path;
  }

  const damages: Record<string, (path: string) => void> = {
    "overwritten with garbage": (path) => writeFileSync(path, Buffer.alloc(statSync(path).size, 0x5a)),
    "truncated to half": (path) => truncateSync(path, Math.floor(statSync(path).size / 2)),
    "truncated to nothing": (path) => truncateSync(path, 0),
    "with a corrupted page": (path) => {
      const bytes = readFileSync(path);
      // Page 2 onwards holds the tables; the header (page 1's first 100 bytes) stays valid.
      bytes.fill(0xa5, 4096 + 16, 4096 * 2);
      writeFileSync(path, bytes);
    },
  };

  for (const [damage, inflict] of Object.entries(damages)) {
    it(`says so plainly when the file was ${damage}, keeps it aside, and starts from the newest snapshot`, () => {
      const path = storeWithListing(damage.replace(/\W/g, "-"));
      inflict(path);
      const damagedBytes = readFileSync(path);
      const log = new CapturingLog();
      const store = openStore(path, { log });
      try {
        assert.deepEqual(store.botStore("share").get("listing:1"), { title: "ladder" }, "the listing came back from the snapshot");
        assert.deepEqual(store.membership.joinedBots(room), ["@share:block.test"]);
        const said = log.lines.find((line) => line.level === "error" && /damaged/.test(line.message));
        assert.ok(said, JSON.stringify(log.lines));
        const kept = readdirSync(join(path, "..")).find((file) => file.startsWith("store.sqlite.damaged-") && !/-(wal|shm)$/.test(file));
        assert.ok(kept, "the damaged file is kept beside the store");
        assert.ok(said.message.includes(kept), "the message says where it went");
        assert.match(said.message, /snapshot/);
        assert.deepEqual(readFileSync(join(path, "..", kept)), damagedBytes, "kept as it was");
      } finally {
        store.close();
      }
      assert.equal(integrity(path), "ok");
    });
  }

  it("starts from empty, saying what is lost, when there is no snapshot to go back to", () => {
    const path = dir.path("no-snapshot/store.sqlite");
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, Buffer.alloc(8192, 0x33));
    const log = new CapturingLog();
    const store = openStore(path, { log });
    store.close();
    const said = log.lines.find((line) => line.level === "error" && /damaged/.test(line.message));
    assert.ok(said, JSON.stringify(log.lines));
    assert.match(said.message, /empty/);
    assert.ok(readdirSync(join(path, "..")).some((file) => file.startsWith("store.sqlite.damaged-")));
  });

  it("keeps a bounded number of snapshots", () => {
    mkdirSync(dir.path("bounded"));
    const path = dir.path("bounded/store.sqlite");
    for (let start = 0; start < 6; start++) openStore(path, { log: new CapturingLog() }).close();
    const snapshots = readdirSync(join(path, "..", "snapshots")).filter((file) => file.endsWith(".sqlite"));
    assert.ok(snapshots.length >= 1 && snapshots.length <= 3, snapshots.join(", "));
  });
});
