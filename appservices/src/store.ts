// The host's one SQLite file: opened, migrated, and handed out as small typed repositories.
import { DatabaseSync } from "node:sqlite";
import type { BotStore, RoomRole } from "../../bots/framework/contract.ts";
import { BotKeyValueStore } from "./botKeyValueStore.ts";
import { BotMembership } from "./botMembership.ts";
import { RoomRoles } from "./roomRoles.ts";
import { PrivateRooms } from "./privateRooms.ts";
import { migrateSchema } from "./schemaMigrations.ts";
import { defaultLedgerLimits, TransactionInbox, type LedgerLimits } from "./transactionInbox.ts";

export interface StoreOptions {
  now?: () => number;
  ledgerLimits?: Partial<LedgerLimits>;
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
  close(): void;
}

/** Opens (creating if needed) the store at `path`; `":memory:"` gives a throwaway store for tests. */
export function openStore(path: string, options: StoreOptions = {}): HostStore {
  const db = new DatabaseSync(path);
  // WAL lets reads proceed during the fsync of a write; synchronous=FULL makes an acknowledged
  // transaction survive a power cut too (the box is a Pi on a community mesh).
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
  migrateSchema(db);
  const transactions = new TransactionInbox(db, options.now ?? Date.now, {
    ...defaultLedgerLimits,
    ...options.ledgerLimits,
  });
  const roomRoles = new RoomRoles(db);
  const botStores = new Map<string, BotStore>();
  return {
    transactions,
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
    close() {
      if (!db.isOpen) return;
      transactions.flush();
      db.close();
    },
  };
}
