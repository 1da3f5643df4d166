import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { DatabaseSync } from "node:sqlite";
import { latestSchemaVersion } from "../src/schemaMigrations.ts";
import { openStore } from "../src/store.ts";
import type { MatrixEvent, RoomRole } from "../../bots/framework/contract.ts";
import { messageEvent, tempStoreDir } from "./hostFixture.ts";

describe("store", () => {
  const dir = tempStoreDir();
  after(() => dir.remove());

  it("keeps bot state, room roles and membership across reopening, with the schema migrated once", () => {
    const path = dir.path("state.sqlite");
    const store = openStore(path);
    store.botStore("share").put("listing:1", { title: "ladder", open: true });
    store.botStore("polls").put("listing:1", "not the same namespace");
    store.setRoomRole("!board:block.test", "sharing");
    store.membership.recordInvite("@share:block.test", "!dm:block.test", true);
    store.membership.recordJoin("@share:block.test", "!dm:block.test");
    store.close();

    const reopened = openStore(path);
    try {
      assert.deepEqual(reopened.botStore("share").get("listing:1"), { title: "ladder", open: true });
      assert.equal(reopened.botStore("polls").get("listing:1"), "not the same namespace");
      assert.equal(reopened.roomRole("!board:block.test"), "sharing");
      assert.deepEqual(reopened.roomRoles.roomsWithRole("sharing"), ["!board:block.test"]);
      assert.equal(reopened.membership.isDirect("@share:block.test", "!dm:block.test"), true);
      assert.deepEqual(reopened.membership.joinedBots("!dm:block.test"), ["@share:block.test"]);
    } finally {
      reopened.close();
    }
    const raw = new DatabaseSync(path);
    const versions = raw.prepare("SELECT version FROM schema_version").all();
    raw.close();
    assert.deepEqual(
      versions.map((row) => row.version),
      Array.from({ length: latestSchemaVersion }, (_, index) => index + 1),
    );
  });

  it("refuses an unknown room role and deletes keys on delete or undefined", () => {
    const store = openStore(":memory:");
    try {
      assert.throws(() => store.setRoomRole("!x:block.test", "kitchen" as RoomRole), /unknown room role "kitchen"/);
      assert.equal(store.roomRole("!x:block.test"), undefined);
      const kv = store.botStore("share");
      kv.put("a", 1);
      kv.delete("a");
      assert.equal(kv.get("a"), undefined);
      kv.put("b", 2);
      kv.put("b", undefined);
      assert.equal(kv.get("b"), undefined);
    } finally {
      store.close();
    }
  });

  it("bounds the transaction ledger by count and by age", () => {
    let clock = 1_000_000;
    const store = openStore(":memory:", { now: () => clock, ledgerLimits: { maxEntries: 3, maxAgeMs: 10_000 } });
    try {
      const ledger = store.transactions;
      const none: MatrixEvent[] = [];
      for (const txnId of ["a", "b", "c", "d"]) ledger.record(txnId, none);
      assert.equal(ledger.hasTransaction("a"), false, "the oldest beyond the count limit is forgotten");
      assert.deepEqual(
        ["b", "c", "d"].map((txnId) => ledger.hasTransaction(txnId)),
        [true, true, true],
      );
      clock += 20_000;
      ledger.record("e", none);
      assert.deepEqual(
        ["b", "c", "d", "e"].map((txnId) => ledger.hasTransaction(txnId)),
        [false, false, false, true],
      );
    } finally {
      store.close();
    }
  });

  it("stores a transaction's ledger entry and events together, and a duplicate adds nothing", () => {
    const store = openStore(":memory:");
    try {
      const events = [messageEvent("!r:block.test", "x"), messageEvent("!s:block.test", "y")];
      const first = store.transactions.record("t1", events);
      assert.equal(first.outcome, "accepted");
      assert.equal(store.transactions.record("t1", events).outcome, "duplicate");
      assert.equal(store.transactions.pendingCount(), 2);
      assert.deepEqual(
        store.transactions.pendingEntries().map((entry) => entry.event.event_id),
        events.map((event) => event.event_id),
      );
      if (first.outcome === "accepted") store.transactions.acknowledge(first.entries[0]!.seq);
      store.transactions.flush();
      assert.equal(store.transactions.pendingCount(), 1);
      assert.deepEqual(
        store.transactions.pendingEntries().map((entry) => entry.event.event_id),
        [events[1]!.event_id],
      );
    } finally {
      store.close();
    }
  });
});
