// Backup → stop → wipe → restore → start on a populated neighborhood: the same users, rooms, messages
// and bot store rows come back, and the neighbor's session and the bot still work. Also: restores are
// refused into a non-empty directory, with a wrong passphrase, or from a tampered archive.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestNeighborhood, type TestNeighborhood } from "../../../test/harness/testNeighborhood.ts";
import { startNeighborhood } from "../../src/startNeighborhood.ts";
import { SQLITE_DEFAULT } from "../../../homeserver-config/database/databaseSchema.ts";
import { createBackup } from "../backup/backupArchive.ts";
import { restoreBackup, RestoreRefused } from "../backup/restoreArchive.ts";
import { WrongPassphraseOrDamaged } from "../backup/archiveEncryption.ts";
import { run } from "../backup/backupArchive.ts";
import { countSqliteBlock, relaxedRateLimits, type BlockCounts } from "./testSupport.ts";
import { sayPlain } from "../../../bots/framework/speak.ts";

describe("backup and restore of a populated neighborhood", () => {
  let block: TestNeighborhood;
  let work: string;
  let passphraseFile: string;
  let before_: BlockCounts;
  /** Alice's end-to-end encrypted DM with the porch bot, from before the backup. */
  let encryptedDm: string;
  const porch = "@porch:testblock.localhost";
  const archive = () => join(work, "block.tar.gz.enc");

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "blockshare-backups-"));
    passphraseFile = join(work, "passphrase");
    writeFileSync(passphraseFile, "maple street mutual aid 2024\n", { mode: 0o600 });
    block = await startTestNeighborhood({ name: "Backup Block" });
    const lobby = block.running.rooms.get("lobby")!;
    for (const name of ["alice", "bob", "carol"]) {
      const neighbor = await block.addNeighbor(name);
      for (let i = 0; i < 5; i++) await neighbor.sendText(lobby, `${name} says hello ${i}`);
    }
    await block.neighbors[0]!.client.createRoom({ name: "Tool library" });
    const alice = block.neighbors[0]!;
    encryptedDm = await alice.openDirectChat(porch);
    await alice.waitForEvent((event) => event.room_id === encryptedDm && event.state_key === porch && event.content.membership === "join", "porch joins");
    const hello = await alice.sendText(encryptedDm, "!help");
    assert.equal((await alice.waitForReply(encryptedDm, hello, porch)).encrypted, true);
    const listings = block.running.host.store.botStore("listings");
    for (let i = 0; i < 20; i++) listings.put(`listing:${i}`, { title: `Ladder ${i}`, owner: "@alice:testblock.localhost" });
  });
  after(async () => {
    await block?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test("an encrypted backup taken while the block runs restores into an empty directory with everything", async () => {
    const { neighborhood } = block.running;
    const result = await createBackup({ neighborhood, database: SQLITE_DEFAULT, output: archive(), passphraseFile });
    assert.ok(result.encrypted && result.files > 5, `archive holds ${result.files} files`);
    assert.doesNotMatch(
      readFileSync(archive()).toString("latin1"),
      /signing\.key|homeserver\.db|Ladder/,
      "a neighbor holding the file cannot read names in it",
    );

    // Alice's app stays open through it all, as a phone would: her encrypted DM continues after the restore.
    for (const neighbor of block.neighbors.slice(1)) neighbor.stop();
    await block.running.stop();
    before_ = countSqliteBlock(neighborhood.dataDir);
    assert.ok(before_.users >= 4 && before_.messages >= 15 && before_.botStoreRows >= 20, JSON.stringify(before_));

    await assert.rejects(
      restoreBackup({ archive: archive(), dataDir: neighborhood.dataDir, database: SQLITE_DEFAULT, passphraseFile }),
      (error: Error) => error instanceof RestoreRefused && /not empty/.test(error.message),
      "restore refuses a directory that still holds a block",
    );
    rmSync(neighborhood.dataDir, { recursive: true, force: true });
    const wrong = join(work, "wrong-passphrase");
    writeFileSync(wrong, "not the right passphrase");
    await assert.rejects(
      restoreBackup({ archive: archive(), dataDir: neighborhood.dataDir, database: SQLITE_DEFAULT, passphraseFile: wrong }),
      WrongPassphraseOrDamaged,
    );

    await restoreBackup({ archive: archive(), dataDir: neighborhood.dataDir, database: SQLITE_DEFAULT, passphraseFile });
    assert.deepEqual(countSqliteBlock(neighborhood.dataDir), before_, "users, rooms, messages and bot store rows are all back");
  });

  test("the restored block starts: the same Lobby, the neighbor's session still works, and the bot answers", async () => {
    const lobbyBefore = block.running.rooms.get("lobby");
    block.running = await startNeighborhood(block.file, { synapseOverrides: relaxedRateLimits });
    assert.equal(block.running.rooms.get("lobby"), lobbyBefore);
    const alice = block.neighbors[0]!;
    const about = await alice.sendText(lobbyBefore!, "!about");
    const reply = await alice.waitForReply(lobbyBefore!, about, `@porch:${block.running.neighborhood.server_name}`);
    assert.match(reply.content.body, /Backup Block/);
    assert.equal(block.running.host.store.botStore("listings").keys("listing:").length, 20, "the bot sees its 20 listings");
    // The bot's device and its room keys came back with the block: it still reads Alice's encrypted DM.
    const again = await alice.sendText(encryptedDm, "!help");
    const answer = await alice.waitForReply(encryptedDm, again, porch, 30_000);
    assert.equal(answer.encrypted, true);
    assert.notEqual(answer.content.body, sayPlain("en", "framework.undecryptable"), "the restored bot decrypted the message");
  });

  test("a tampered archive is refused before anything is written", async () => {
    const plain = join(work, "plain.tar.gz");
    await createBackup({ neighborhood: block.running.neighborhood, database: SQLITE_DEFAULT, output: plain });
    const unpacked = join(work, "unpacked");
    mkdirSync(unpacked);
    run("tar", ["-xzf", plain, "-C", unpacked]);
    writeFileSync(join(unpacked, "blockshare-backup", "data", "secrets", "operator_password"), "attacker-chosen");
    const tampered = join(work, "tampered.tar.gz");
    run("tar", ["-czf", tampered, "-C", unpacked, "blockshare-backup"]);
    const target = join(work, "restore-target");
    await assert.rejects(
      restoreBackup({ archive: tampered, dataDir: target, database: SQLITE_DEFAULT }),
      (error: Error) => error instanceof RestoreRefused && /operator_password does not match its checksum/.test(error.message),
    );
    assert.throws(() => readFileSync(join(target, "secrets", "operator_password")), "nothing was restored");
  });
});
