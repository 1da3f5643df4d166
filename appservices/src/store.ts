// The host's one SQLite file: opened (checked, and recovered if damaged), migrated, copied to snapshots
// now and then, and handed out as small typed repositories.
import type { BotStore, RoomRole } from "../../bots/framework/contract.ts";
import { BotKeyValueStore } from "./botKeyValueStore.ts";
import { BotMembership } from "./botMembership.ts";
import { describeError, stderrLog, type HostLog } from "./hostLog.ts";
import { RoomRoles } from "./roomRoles.ts";
import { PrivateRooms } from "./privateRooms.ts";
import { migrateSchema } from "./schemaMigrations.ts";
import { StorageAlarm } from "./storageFailure.ts";
import { openStoreFile } from "./storeRecovery.ts";
import { defaultSnapshotPolicy, snapshotDirFor, takeSnapshot, type SnapshotPolicy } from "./storeSnapshots.ts";
import { defaultLedgerLimits, TransactionInbox, type LedgerLimits } from "./transactionInbox.ts";

export interface StoreOptions {
  now?: () => number;
  ledgerLimits?: Partial<LedgerLimits>;
  /** Where disk trouble and a damaged file are reported (default: stderr). */
  log?: HostLog;
  snapshots?: Partial<SnapshotPolicy>;
}

export interface HostStore {
  /** Transaction ledger and durable inbox. */
  readonly transactions: TransactionInbox;
  readonly membership: BotMembership;
  readonly roomRoles: RoomRoles;
  readonly privateRooms: PrivateRooms;
  /** Provisioning records where a room sits in the neighborhood (shorthand for roomRoles.setRoomRole). */
  setRoomRole(roomId: string, role: RoomRole): void;
  roomRole(roomId: string): RoomRole | undefined;
  /** The BotStore of one bot (by localpart); bots never see each other's keys. */
  botStore(bot: string): BotStore;
  /** Copies the store to the next snapshot now; undefined for an in-memory store or when the disk refused. */
  snapshot(): string | undefined;
  /** Called each time the store can be written again after the disk refused (full, I/O errors). */
  onWritableAgain(listener: () => void): void;
  close(): void;
}

/** Opens (creating if needed) the store at `path`; `":memory:"` gives a throwaway store for tests. */
export function openStore(path: string, options: StoreOptions = {}): HostStore {
  const log = options.log ?? stderrLog;
  const { db, recoveredFrom } = openStoreFile(path, log);
  migrateSchema(db);
  // A snapshot's unhandled events were handled since (it is older than the file it replaces): replaying
  // them would answer neighbors twice.
  if (recoveredFrom === "snapshot") db.exec("DELETE FROM inbox");
  const alarm = new StorageAlarm(log, path);
  const transactions = new TransactionInbox(db, options.now ?? Date.now, { ...defaultLedgerLimits, ...options.ledgerLimits }, alarm);
  const roomRoles = new RoomRoles(db);
  const botStores = new Map<string, BotStore>();

  const policy = { ...defaultSnapshotPolicy, ...options.snapshots };
  const snapshot = (): string | undefined => {
    if (path === ":memory:" || !db.isOpen) return undefined;
    try {
      return takeSnapshot(db, snapshotDirFor(path), policy.keep);
    } catch (error) {
      // A missed snapshot costs nothing now; the older ones are still there.
      if (alarm.failed(error) === undefined) log.warn("could not take a snapshot of the bots' store", { store: path, ...describeError(error) });
      return undefined;
    }
  };
  // Every start that found the file good is a point to come back to.
  snapshot();
  const timer = path === ":memory:" ? undefined : setInterval(snapshot, policy.intervalMs).unref();

  return {
    transactions,
    onWritableAgain: (listener) => alarm.onRecovered(listener),
    membership: new BotMembership(db),
    roomRoles,
    privateRooms: new PrivateRooms(db),
    setRoomRole: (roomId, role) => roomRoles.setRoomRole(roomId, role),
    roomRole: (roomId) => roomRoles.roomRole(roomId),
    botStore(bot) {
      const existing = botStores.get(bot);
      if (existing) return existing;
      const created = new BotKeyValueStore(db, bot);
      botStores.set(bot, created);
      return created;
    },
    snapshot,
    close() {
      if (!db.isOpen) return;
      clearInterval(timer);
      transactions.flush();
      snapshot();
      db.close();
    },
  };
}
