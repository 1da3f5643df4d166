import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hasCryptoParts, readCryptoParts } from "../src/cryptoTransactionParts.ts";

describe("a transaction's encryption parts", () => {
  const body = {
    events: [],
    "de.sorunome.msc2409.to_device": [
      { type: "m.room.encrypted", sender: "@ana:b", content: { ciphertext: {} }, to_user_id: "@polls:b", to_device_id: "BLOCKSHARE" },
      { type: "m.room_key_request", sender: "@ana:b", content: {}, to_user_id: "@share:b", to_device_id: "BLOCKSHARE" },
      { type: "m.dummy", sender: "@ana:b", content: {}, to_user_id: 7 },
      "not an event",
    ],
    "org.matrix.msc3202.device_one_time_keys_count": { "@polls:b": { BLOCKSHARE: { signed_curve25519: 49, bogus: "x" } } },
    "org.matrix.msc3202.device_unused_fallback_key_types": { "@polls:b": { BLOCKSHARE: ["signed_curve25519"] } },
    "org.matrix.msc3202.device_lists": { changed: ["@ana:b", 3], left: ["@cy:b"] },
  };

  it("gives each bot device its own to-device messages, without Synapse's routing fields", () => {
    const parts = readCryptoParts(body);
    const polls = parts.devices.get("@polls:b")?.get("BLOCKSHARE");
    assert.deepEqual(polls?.toDevice, [{ type: "m.room.encrypted", sender: "@ana:b", content: { ciphertext: {} } }]);
    assert.equal(parts.devices.get("@share:b")?.get("BLOCKSHARE")?.toDevice[0]?.type, "m.room_key_request");
  });

  it("reads key counts, unused fallback keys and device list changes, skipping what is malformed", () => {
    const parts = readCryptoParts(body);
    const polls = parts.devices.get("@polls:b")?.get("BLOCKSHARE");
    assert.deepEqual([...(polls?.oneTimeKeyCounts ?? [])], [["signed_curve25519", 49]]);
    assert.deepEqual([...(polls?.unusedFallbackKeys ?? [])], ["signed_curve25519"]);
    assert.deepEqual(parts.deviceLists, { changed: ["@ana:b"], left: ["@cy:b"] });
    assert.equal(parts.devices.size, 2, "the malformed to-device messages went nowhere");
    assert.equal(parts.devices.get("@share:b")?.get("BLOCKSHARE")?.oneTimeKeyCounts, undefined, "no counts for share: not the same as none left");
  });

  it("an ordinary transaction has none", () => {
    assert.equal(hasCryptoParts({ events: [] }), false);
    assert.equal(hasCryptoParts(body), true);
    assert.deepEqual(readCryptoParts({ events: [] }).deviceLists, { changed: [], left: [] });
  });
});
