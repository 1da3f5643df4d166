// Setting the bots' crypto store aside when it cannot be used (cryptoStoreRecovery.ts), without a homeserver:
// a file that does not open, and a bot's part that has to start over while another bot's part stays.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeviceId, OlmMachine, UserId, initAsync } from "@matrix-org/matrix-sdk-crypto-wasm";
import { CryptoStoreKeeper, openCryptoStore } from "../src/cryptoStoreRecovery.ts";
import type { HostLog, LogFields } from "../src/hostLog.ts";

function recordingLog() {
  const lines: Array<{ level: string; message: string; fields: LogFields | undefined }> = [];
  const log: HostLog = {
    info: (message, fields) => lines.push({ level: "info", message, fields }),
    warn: (message, fields) => lines.push({ level: "warn", message, fields }),
    error: (message, fields) => lines.push({ level: "error", message, fields }),
  };
  return { log, lines };
}

const dir = mkdtempSync(join(tmpdir(), "blockshare-crypto-recovery-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("the bots' crypto store, when it cannot be used", () => {
  test("a file that is not a database is moved aside, kept as it was (0600), and a new store starts", () => {
    const path = join(dir, "garbage.sqlite");
    const garbage = "not a database, only what a failing card left ".repeat(100);
    writeFileSync(path, garbage, { mode: 0o644 });
    const { log, lines } = recordingLog();
    const opened = openCryptoStore(path, log);
    try {
      assert.ok(opened.movedTo?.startsWith(`${path}.unreadable-`), `moved aside: ${opened.movedTo}`);
      assert.equal(readFileSync(opened.movedTo!, "utf8"), garbage, "kept exactly as it was");
      assert.equal(statSync(opened.movedTo!).mode & 0o777, 0o600, "key material, or what is left of it: 0600");
      assert.deepEqual(opened.store.databaseNames(), [], "the new store is empty");
      assert.equal(statSync(path).mode & 0o777, 0o600);
      const [line] = lines.filter((entry) => entry.level === "error");
      assert.match(line!.message, /could not be opened/);
      assert.match(line!.message, /read and answer encrypted messages sent from now on/);
      assert.match(line!.message, /cannot read/);
      assert.match(line!.message, /restore them together/);
    } finally {
      opened.store.close();
    }
  });

  test("a bot that starts over: a copy of the whole store is kept once, only its part is dropped, and it gets a new device id", async () => {
    await initAsync();
    const path = join(dir, "crypto.sqlite");
    const passphrase = "the block's passphrase";
    const bots = ["@polls:block.test", "@share:block.test"];
    const storeName = (bot: string) => `blockshare-crypto-${bot}`;
    const { log, lines } = recordingLog();
    const opened = openCryptoStore(path, log);
    try {
      assert.equal(opened.movedTo, undefined, "a new file is not a problem");
      const keeper = new CryptoStoreKeeper(opened.store, path, "BLOCKSHARE", log);
      for (const bot of bots) {
        assert.equal(keeper.holds(storeName(bot)), false);
        assert.equal(keeper.deviceIdOf(bot), "BLOCKSHARE", "the first device keeps the usual id");
        const machine = await OlmMachine.initialize(new UserId(bot), new DeviceId("BLOCKSHARE"), storeName(bot), passphrase);
        machine.close();
        assert.equal(keeper.holds(storeName(bot)), true);
      }

      const first = keeper.startOver(bots[0]!, storeName(bots[0]!), "unreadable", "An object failed to be decrypted while unpickling");
      const second = keeper.startOver(bots[1]!, storeName(bots[1]!), "not-this-device", "the homeserver holds no keys for it");
      assert.match(first, /^BLOCKSHARE_[0-9A-F]{8}$/);
      assert.notEqual(first, second, "each start-over is a device id never used before");
      assert.equal(keeper.deviceIdOf(bots[0]!), first, "the new id is recorded in the store");
      assert.equal(keeper.holds(storeName(bots[0]!)), false, "its part is dropped from the live store");

      const kept = readdirSync(dir).filter((name) => name.startsWith("crypto.sqlite.unreadable-"));
      assert.equal(kept.length, 1, "one copy per start, holding every bot's part as it was");
      assert.equal(statSync(join(dir, kept[0]!)).mode & 0o777, 0o600);
      const told = lines.filter((entry) => entry.level === "error");
      assert.equal(told.length, 2, "one line per bot");
      assert.match(told[0]!.message, /@polls:block\.test .*cannot be read with the passphrase in secrets\/bot_crypto_passphrase/);
      assert.match(told[1]!.message, /not those of the bot's device BLOCKSHARE on the homeserver/);
      assert.equal(told[0]!.fields?.keptAs, join(dir, kept[0]!));
      assert.doesNotMatch(JSON.stringify(lines), /the block's passphrase/, "the passphrase is never logged");
    } finally {
      opened.store.close();
    }

    // After a restart: the recorded ids stand, and the kept copy still holds both bots' old identities.
    const reopened = openCryptoStore(path, recordingLog().log);
    try {
      const keeper = new CryptoStoreKeeper(reopened.store, path, "BLOCKSHARE", recordingLog().log);
      assert.match(keeper.deviceIdOf(bots[0]!), /^BLOCKSHARE_/);
      assert.equal(keeper.holds(storeName(bots[0]!)), false);
    } finally {
      reopened.store.close();
    }
    const [copy] = readdirSync(dir).filter((name) => name.startsWith("crypto.sqlite.unreadable-"));
    const inCopy = openCryptoStore(join(dir, copy!), recordingLog().log);
    try {
      for (const bot of bots)
        assert.ok(
          inCopy.store.databaseNames().some((name) => name.startsWith(storeName(bot))),
          `the copy holds ${bot}'s part`,
        );
      const machine = await OlmMachine.initialize(new UserId(bots[0]!), new DeviceId("BLOCKSHARE"), storeName(bots[0]!), passphrase);
      assert.ok(machine.identityKeys.ed25519.toBase64().length > 0, "with its passphrase, the kept copy still opens");
      machine.close();
    } finally {
      inCopy.store.close();
    }
  });
});
