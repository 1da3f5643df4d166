// Production figures: backup_restore_s (backup plus restore of a block with 100 users, 10,000 messages
// and 1,000 listings; listings are bot store rows) and workers_bot_rtt_ratio_p95 (workersBotRtt.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { startTestNeighborhood, registerNeighbor } from "../test/harness/testNeighborhood.ts";
import { SQLITE_DEFAULT } from "../homeserver-config/database/databaseSchema.ts";
import { createBackup } from "../deploy/production/backup/backupArchive.ts";
import { restoreBackup } from "../deploy/production/backup/restoreArchive.ts";
import { measureWorkersBotRtt } from "./workersBotRtt.ts";

export interface ProductionBenchSizes {
  users: number;
  messages: number;
  listings: number;
}

const FULL_SIZES: ProductionBenchSizes = { users: 100, messages: 10_000, listings: 1_000 };

export async function productionBenchmarks(sizes: ProductionBenchSizes = FULL_SIZES): Promise<Record<string, number>> {
  return { ...(await measureBackupRestore(sizes)), ...(await measureWorkersBotRtt()) };
}

export async function measureBackupRestore(sizes: ProductionBenchSizes = FULL_SIZES): Promise<Record<string, number>> {
  const block = await startTestNeighborhood({ name: "Bench Block" });
  const work = mkdtempSync(join(tmpdir(), "blockshare-prodbench-"));
  try {
    const { running } = block;
    const lobby = running.rooms.get("lobby")!;
    const token = await block.newToken(sizes.users + 1);
    const users: Array<{ access_token: string }> = [];
    for (let i = 0; i < sizes.users; i++) users.push(await registerNeighbor(running.clientUrl, `bench${i}`, "correct horse battery", token));
    // Messages from the neighbors, several in flight at once.
    let sent = 0;
    const sendOne = async (n: number) => {
      const user = users[n % users.length]!;
      const response = await fetch(`${running.clientUrl}/_matrix/client/v3/rooms/${encodeURIComponent(lobby)}/send/m.room.message/bench-${n}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${user.access_token}`, "content-type": "application/json" },
        body: JSON.stringify({ msgtype: "m.text", body: `bench message ${n}` }),
      });
      if (!response.ok) throw new Error(`send failed: ${response.status} ${await response.text()}`);
    };
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (sent < sizes.messages) await sendOne(sent++);
      }),
    );
    const listings = running.host.store.botStore("listings");
    for (let i = 0; i < sizes.listings; i++) listings.put(`listing:${i}`, { title: `Item ${i}`, description: "a thing to lend".repeat(4) });

    const archive = join(work, "bench.tar.gz");
    const started = performance.now();
    await createBackup({ neighborhood: running.neighborhood, database: SQLITE_DEFAULT, output: archive });
    await restoreBackup({ archive, dataDir: join(work, "restored"), database: SQLITE_DEFAULT });
    return { backup_restore_s: (performance.now() - started) / 1000 };
  } finally {
    await block.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.main)
  console.log(
    await measureBackupRestore({
      users: Number(process.env.USERS ?? 100),
      messages: Number(process.env.MESSAGES ?? 10_000),
      listings: Number(process.env.LISTINGS ?? 1_000),
    }),
  );
