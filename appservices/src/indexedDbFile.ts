// The SQLite file that holds IndexedDB databases: their schema (versions, object stores, indexes) and every
// record, keys and values as V8's structured clone (node:v8 serialize, what IndexedDB itself clones with).
// Knows nothing of fake-indexeddb; persistentIndexedDb.ts decides what to write and when.
import { chmodSync, closeSync, openSync, statSync } from "node:fs";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { deserialize, serialize } from "node:v8";
import { keyIdentity } from "./indexedDbKeyIdentity.ts";
import { runInTransaction } from "./sqliteTransaction.ts";

export type KeyPath = string | string[];

export interface StoredIndex {
  name: string;
  keyPath: KeyPath;
  unique: boolean;
  multiEntry: boolean;
}

export interface StoredObjectStore {
  name: string;
  keyPath: KeyPath | null;
  autoIncrement: boolean;
  /** The key generator's current number (the last key it gave out), 0 without one. */
  keyGenerator: number;
  indexes: StoredIndex[];
}

export interface StoredDatabase {
  name: string;
  version: number;
  objectStores: StoredObjectStore[];
}

export interface StoredRecord {
  key: unknown;
  value: unknown;
}

/** What one readwrite transaction changed in one object store. */
export interface ObjectStoreChanges {
  objectStore: string;
  /** The store was cleared before `puts` and `deletes`. */
  cleared: boolean;
  puts: StoredRecord[];
  deletes: unknown[];
  keyGenerator?: number;
}

const schema = `
  CREATE TABLE IF NOT EXISTS idb_databases (name TEXT PRIMARY KEY, version INTEGER NOT NULL) STRICT;
  CREATE TABLE IF NOT EXISTS idb_object_stores (
    db TEXT NOT NULL, name TEXT NOT NULL, key_path BLOB NOT NULL, auto_increment INTEGER NOT NULL,
    key_generator INTEGER NOT NULL, PRIMARY KEY (db, name)) STRICT;
  CREATE TABLE IF NOT EXISTS idb_indexes (
    db TEXT NOT NULL, object_store TEXT NOT NULL, name TEXT NOT NULL, key_path BLOB NOT NULL,
    is_unique INTEGER NOT NULL, multi_entry INTEGER NOT NULL, PRIMARY KEY (db, object_store, name)) STRICT;
  CREATE TABLE IF NOT EXISTS idb_records (
    db TEXT NOT NULL, object_store TEXT NOT NULL, key_id BLOB NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL,
    PRIMARY KEY (db, object_store, key_id)) STRICT;
  CREATE TABLE IF NOT EXISTS file_notes (name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
`;

export class IndexedDbFile {
  readonly #db: DatabaseSync;
  readonly #path: string;
  readonly #putRecord: StatementSync;
  readonly #deleteRecord: StatementSync;
  readonly #clearRecords: StatementSync;
  readonly #setKeyGenerator: StatementSync;

  /** Opens (creating, 0600) the file at `path`. */
  constructor(path: string) {
    this.#path = path;
    // Key material: the file is the owner's alone from its first byte (SQLite gives -wal and -shm the same mode).
    closeSync(openSync(path, "a", 0o600));
    chmodSync(path, 0o600);
    this.#db = new DatabaseSync(path);
    // FULL: a committed transaction survives a power cut too. A lost one could be a one-time key the server
    // already hands out, or a Megolm session a message was encrypted with.
    this.#db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
    this.#db.exec(schema);
    this.#putRecord = this.#db.prepare(
      "INSERT INTO idb_records (db, object_store, key_id, key, value) VALUES (?, ?, ?, ?, ?) " +
        "ON CONFLICT (db, object_store, key_id) DO UPDATE SET key = excluded.key, value = excluded.value",
    );
    this.#deleteRecord = this.#db.prepare("DELETE FROM idb_records WHERE db = ? AND object_store = ? AND key_id = ?");
    this.#clearRecords = this.#db.prepare("DELETE FROM idb_records WHERE db = ? AND object_store = ?");
    this.#setKeyGenerator = this.#db.prepare("UPDATE idb_object_stores SET key_generator = ? WHERE db = ? AND name = ?");
  }

  get isOpen(): boolean {
    return this.#db.isOpen;
  }

  /** Every database's schema, as last committed. */
  readDatabases(): StoredDatabase[] {
    const stores = this.#db.prepare("SELECT db, name, key_path, auto_increment, key_generator FROM idb_object_stores ORDER BY db, name").all();
    const indexes = this.#db.prepare("SELECT db, object_store, name, key_path, is_unique, multi_entry FROM idb_indexes ORDER BY db, object_store, name").all();
    return this.#db
      .prepare("SELECT name, version FROM idb_databases ORDER BY name")
      .all()
      .map((database) => ({
        name: String(database.name),
        version: Number(database.version),
        objectStores: stores
          .filter((store) => store.db === database.name)
          .map((store) => ({
            name: String(store.name),
            keyPath: deserialize(store.key_path as Uint8Array) as KeyPath | null,
            autoIncrement: store.auto_increment === 1,
            keyGenerator: Number(store.key_generator),
            indexes: indexes
              .filter((index) => index.db === database.name && index.object_store === store.name)
              .map((index) => ({
                name: String(index.name),
                keyPath: deserialize(index.key_path as Uint8Array) as KeyPath,
                unique: index.is_unique === 1,
                multiEntry: index.multi_entry === 1,
              })),
          })),
      }));
  }

  /** The records of one object store, read one at a time. */
  *readRecords(database: string, objectStore: string): Generator<StoredRecord> {
    const rows = this.#db.prepare("SELECT key, value FROM idb_records WHERE db = ? AND object_store = ?").iterate(database, objectStore);
    for (const row of rows) yield { key: deserialize(row.key as Uint8Array), value: deserialize(row.value as Uint8Array) };
  }

  /** Writes one readwrite transaction's changes, all or nothing. */
  writeChanges(database: string, changes: ObjectStoreChanges[]): void {
    runInTransaction(this.#db, () => {
      for (const change of changes) {
        if (change.cleared) this.#clearRecords.run(database, change.objectStore);
        for (const record of change.puts) this.#writeRecord(database, change.objectStore, record);
        for (const key of change.deletes) this.#deleteRecord.run(database, change.objectStore, keyIdentity(key));
        if (change.keyGenerator !== undefined) this.#setKeyGenerator.run(change.keyGenerator, database, change.objectStore);
      }
    });
  }

  /** Replaces a database whole (after an upgrade: stores and indexes may be new, renamed or gone), all or nothing. */
  replaceDatabase(database: StoredDatabase, records: (objectStore: string) => Iterable<StoredRecord>): void {
    runInTransaction(this.#db, () => {
      this.#forget(database.name);
      this.#db.prepare("INSERT INTO idb_databases (name, version) VALUES (?, ?)").run(database.name, database.version);
      const insertStore = this.#db.prepare("INSERT INTO idb_object_stores (db, name, key_path, auto_increment, key_generator) VALUES (?, ?, ?, ?, ?)");
      const insertIndex = this.#db.prepare("INSERT INTO idb_indexes (db, object_store, name, key_path, is_unique, multi_entry) VALUES (?, ?, ?, ?, ?, ?)");
      for (const store of database.objectStores) {
        insertStore.run(database.name, store.name, serialize(store.keyPath), store.autoIncrement ? 1 : 0, store.keyGenerator);
        for (const index of store.indexes) {
          insertIndex.run(database.name, store.name, index.name, serialize(index.keyPath), index.unique ? 1 : 0, index.multiEntry ? 1 : 0);
        }
        for (const record of records(store.name)) this.#writeRecord(database.name, store.name, record);
      }
    });
  }

  deleteDatabase(name: string): void {
    runInTransaction(this.#db, () => this.#forget(name));
  }

  /** A note kept beside the databases (e.g. which device a bot's identity in this file belongs to). */
  readNote(name: string): string | undefined {
    const row = this.#db.prepare("SELECT value FROM file_notes WHERE name = ?").get(name);
    return row === undefined ? undefined : String(row.value);
  }

  writeNote(name: string, value: string): void {
    this.#db.prepare("INSERT INTO file_notes (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value").run(name, value);
  }

  /** A consistent copy of the whole file at `path` (which must not exist), created 0600 like the file. */
  copyTo(path: string): void {
    // VACUUM INTO takes an empty file: created first so the copy of key material is never readable by others.
    closeSync(openSync(path, "wx", 0o600));
    this.#db.prepare("VACUUM INTO ?").run(path);
    chmodSync(path, 0o600);
  }

  /** The file's size with its write-ahead log. */
  sizeBytes(): number {
    const size = (path: string) => statSync(path, { throwIfNoEntry: false })?.size ?? 0;
    return size(this.#path) + size(`${this.#path}-wal`);
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  #writeRecord(database: string, objectStore: string, record: StoredRecord): void {
    this.#putRecord.run(database, objectStore, keyIdentity(record.key), serialize(record.key), serialize(record.value));
  }

  #forget(name: string): void {
    for (const table of ["idb_records", "idb_indexes", "idb_object_stores"]) this.#db.prepare(`DELETE FROM ${table} WHERE db = ?`).run(name);
    this.#db.prepare("DELETE FROM idb_databases WHERE name = ?").run(name);
  }
}
