// A durable IndexedDB for Node: fake-indexeddb gives the IndexedDB semantics (a well-kept library that passes
// the W3C tests), and every committed readwrite or upgrade transaction is written to one SQLite file before any
// of its completion callbacks run. At open, every database is rebuilt from the file before anything opens it.
// The bots' end-to-end crypto (matrix-sdk-crypto-wasm) opens the global `indexedDB` this installs.
//
// fake-indexeddb has no hook for this, so it is patched at three points of its internals (pinned to 6.2.x
// in package.json): the raw object store's storeRecord/deleteRecord/clear note which keys a transaction
// touched, and the transaction's "complete" dispatch writes them. Which records changed is noted, not how:
// at completion the store holds the transaction's final state, which is what gets written.
import {
  IDBCursor,
  IDBCursorWithValue,
  IDBDatabase,
  IDBFactory,
  IDBIndex,
  IDBKeyRange,
  IDBObjectStore,
  IDBOpenDBRequest,
  IDBRecord,
  IDBRequest,
  IDBTransaction,
  IDBVersionChangeEvent,
} from "fake-indexeddb";
import { describeError, stderrLog, type HostLog } from "./hostLog.ts";
import { IndexedDbFile, type KeyPath, type ObjectStoreChanges, type StoredDatabase } from "./indexedDbFile.ts";
import { keyIdentity } from "./indexedDbKeyIdentity.ts";

export interface PersistentIndexedDb {
  /** The factory installed as the global `indexedDB`. */
  readonly indexedDB: InstanceType<typeof IDBFactory>;
  /** Bytes on disk (the file and its write-ahead log). */
  sizeBytes(): number;
  /** The names of the databases it holds. */
  databaseNames(): string[];
  /**
   * Drops databases from memory and from the file at once, whatever connections are still open to them (those
   * keep what they had, and their later writes go nowhere): for a store that is set aside, not for normal use.
   */
  forget(names: readonly string[]): void;
  /** A consistent copy of the whole file at `path` (0600). */
  copyTo(path: string): void;
  /** A note kept in the file beside the databases. */
  readNote(name: string): string | undefined;
  writeNote(name: string, value: string): void;
  /** Closes the file; transactions that complete later are aborted (nothing is dropped silently). */
  close(): void;
}

export interface PersistentIndexedDbOptions {
  /** Where a write the disk refused is reported (the transaction is aborted as well). Default: stderr. */
  log?: HostLog;
}

// fake-indexeddb's internal shapes, as far as this module uses them.
interface RawRecord {
  key: unknown;
  value: unknown;
}
interface RawRecordStore {
  get(key: unknown): RawRecord | undefined;
  put(record: RawRecord): RawRecord | undefined;
  values(range?: unknown): Iterable<RawRecord>;
}
interface RawIndex {
  name: string;
  keyPath: KeyPath;
  unique: boolean;
  multiEntry: boolean;
  deleted: boolean;
  initialized: boolean;
  storeRecord(record: RawRecord): void;
}
interface RawObjectStore {
  rawDatabase: RawDatabase;
  name: string;
  keyPath: KeyPath | null;
  autoIncrement: boolean;
  deleted: boolean;
  keyGenerator: { num: number } | null;
  records: RawRecordStore;
  rawIndexes: Map<string, RawIndex>;
  storeRecord(record: RawRecord, noOverwrite: boolean, rollbackLog?: unknown[]): unknown;
  deleteRecord(key: unknown, rollbackLog?: unknown[]): void;
  clear(rollbackLog?: unknown[]): void;
}
interface RawDatabase {
  name: string;
  version: number;
  rawObjectStores: Map<string, RawObjectStore>;
}
interface RawTransaction {
  mode: "readonly" | "readwrite" | "versionchange";
  db: { _rawDatabase: RawDatabase };
  _rollbackLog: unknown[];
  _abort(errorName: string | null): void;
}

// Not exported by the package: loaded from the same build as the factory, so they are the same classes.
const internals = import.meta.resolve("fake-indexeddb");
const loadInternal = async (file: string) => (await import(new URL(file, internals).href)).default;
const RawDatabaseClass: new (name: string, version: number) => RawDatabase = await loadInternal("./lib/Database.js");
const RawObjectStoreClass: new (db: RawDatabase, name: string, keyPath: KeyPath | null, autoIncrement: boolean) => RawObjectStore =
  await loadInternal("./lib/ObjectStore.js");
const RawIndexClass: new (store: RawObjectStore, name: string, keyPath: KeyPath, multiEntry: boolean, unique: boolean) => RawIndex =
  await loadInternal("./lib/Index.js");

/** What a readwrite transaction touched, per object store: cleared or not, and the keys (by identity). */
type Journal = Map<RawObjectStore, { cleared: boolean; keys: Map<string, unknown> }>;

// A transaction's rollback log is passed to every record change it makes, so it names the transaction.
const journals = new WeakMap<unknown[], Journal>();
const owners = new WeakMap<RawDatabase, Persistence>();

class Persistence {
  readonly file: IndexedDbFile;
  readonly log: HostLog;
  constructor(file: IndexedDbFile, log: HostLog) {
    this.file = file;
    this.log = log;
  }
}

let active: Persistence | undefined;

/**
 * Opens the IndexedDB file at `path` (creating it, 0600), rebuilds its databases in memory and installs the
 * factory as the global `indexedDB` (with IDBKeyRange and the other IDB classes). One per process: the
 * global is one.
 */
export function openPersistentIndexedDb(path: string, options: PersistentIndexedDbOptions = {}): PersistentIndexedDb {
  if (active !== undefined) throw new Error("a persistent IndexedDB is already open in this process; close it first");
  installHooks();
  const file = new IndexedDbFile(path);
  try {
    const persistence = new Persistence(file, options.log ?? stderrLog);
    const factory = new IDBFactory();
    const databases = new PersistedDatabases(persistence);
    for (const stored of file.readDatabases()) databases.set(stored.name, rebuild(stored, file));
    (factory as unknown as { _databases: Map<string, RawDatabase> })._databases = databases;
    installGlobals(factory);
    active = persistence;
    return {
      indexedDB: factory,
      sizeBytes: () => file.sizeBytes(),
      databaseNames: () => [...databases.keys()],
      forget(names) {
        for (const name of names) {
          const database = databases.get(name);
          if (database !== undefined) owners.delete(database);
          file.deleteDatabase(name);
          Map.prototype.delete.call(databases, name);
        }
      },
      copyTo: (path) => file.copyTo(path),
      readNote: (name) => file.readNote(name),
      writeNote: (name, value) => file.writeNote(name, value),
      close() {
        file.close();
        if (active === persistence) active = undefined;
      },
    };
  } catch (error) {
    file.close();
    throw error;
  }
}

/** The factory's map of databases: a database it creates belongs to this file, one it deletes leaves it. */
class PersistedDatabases extends Map<string, RawDatabase> {
  readonly #persistence: Persistence;
  constructor(persistence: Persistence) {
    super();
    this.#persistence = persistence;
  }
  override set(name: string, database: RawDatabase): this {
    owners.set(database, this.#persistence);
    return super.set(name, database);
  }
  override delete(name: string): boolean {
    // deleteDatabase's success event follows this call at once, so the file forgets it first. Should the disk
    // refuse, the database comes back at the next start; deleteDatabase has no way to fail here.
    try {
      this.#persistence.file.deleteDatabase(name);
    } catch (error) {
      this.#persistence.log.error("could not delete an IndexedDB database from its file", { database: name, ...describeError(error) });
    }
    return super.delete(name);
  }
}

function rebuild(stored: StoredDatabase, file: IndexedDbFile): RawDatabase {
  const database = new RawDatabaseClass(stored.name, stored.version);
  for (const storedStore of stored.objectStores) {
    const store = new RawObjectStoreClass(database, storedStore.name, storedStore.keyPath, storedStore.autoIncrement);
    if (store.keyGenerator !== null) store.keyGenerator.num = storedStore.keyGenerator;
    const indexes = storedStore.indexes.map((index) => {
      const rawIndex = new RawIndexClass(store, index.name, index.keyPath, index.multiEntry, index.unique);
      rawIndex.initialized = true;
      store.rawIndexes.set(index.name, rawIndex);
      return rawIndex;
    });
    for (const record of file.readRecords(stored.name, storedStore.name)) {
      store.records.put(record);
      for (const index of indexes) index.storeRecord(record);
    }
    database.rawObjectStores.set(storedStore.name, store);
  }
  return database;
}

function describe(database: RawDatabase): StoredDatabase {
  return {
    name: database.name,
    version: database.version,
    objectStores: [...database.rawObjectStores.values()]
      .filter((store) => !store.deleted)
      .map((store) => ({
        name: store.name,
        keyPath: store.keyPath,
        autoIncrement: store.autoIncrement,
        keyGenerator: store.keyGenerator?.num ?? 0,
        indexes: [...store.rawIndexes.values()]
          .filter((index) => !index.deleted)
          .map((index) => ({ name: index.name, keyPath: index.keyPath, unique: index.unique, multiEntry: index.multiEntry })),
      })),
  };
}

/** Writes what `transaction` committed; false when the file refused (the transaction is then aborted). */
function persist(transaction: RawTransaction): boolean {
  const journal = journals.get(transaction._rollbackLog);
  journals.delete(transaction._rollbackLog);
  if (transaction.mode === "readonly") return true;
  const database = transaction.db._rawDatabase;
  const persistence = owners.get(database);
  if (persistence === undefined) return true; // a database of another factory: not ours to keep
  try {
    if (!persistence.file.isOpen) throw new Error("the IndexedDB file is closed");
    if (transaction.mode === "versionchange") {
      persistence.file.replaceDatabase(describe(database), (name) => database.rawObjectStores.get(name)?.records.values() ?? []);
    } else if (journal !== undefined) {
      persistence.file.writeChanges(database.name, changesOf(journal));
    }
    return true;
  } catch (error) {
    persistence.log.error("could not write an IndexedDB transaction to its file; it is aborted", { database: database.name, ...describeError(error) });
    return false;
  }
}

function changesOf(journal: Journal): ObjectStoreChanges[] {
  return [...journal].map(([store, touched]) => {
    const changes: ObjectStoreChanges = { objectStore: store.name, cleared: touched.cleared, puts: [], deletes: [] };
    for (const key of touched.keys.values()) {
      const record = store.records.get(key);
      if (record === undefined) changes.deletes.push(key);
      else changes.puts.push(record);
    }
    if (store.keyGenerator !== null) changes.keyGenerator = store.keyGenerator.num;
    return changes;
  });
}

function touched(store: RawObjectStore, rollbackLog: unknown[]) {
  let journal = journals.get(rollbackLog);
  if (journal === undefined) journals.set(rollbackLog, (journal = new Map()));
  let entry = journal.get(store);
  if (entry === undefined) journal.set(store, (entry = { cleared: false, keys: new Map() }));
  return entry;
}

let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const storePrototype: RawObjectStore = RawObjectStoreClass.prototype;
  const { storeRecord, deleteRecord, clear } = storePrototype;
  // Calls without a rollback log are fake-indexeddb undoing a change (abort, or a failed put): not journaled,
  // and an aborted transaction's journal is never written.
  storePrototype.storeRecord = function (this: RawObjectStore, record: RawRecord, noOverwrite: boolean, rollbackLog?: unknown[]) {
    try {
      return storeRecord.call(this, record, noOverwrite, rollbackLog);
    } finally {
      // Also after a failure: the key then holds what it held before, and writing that is harmless.
      if (rollbackLog !== undefined && owners.has(this.rawDatabase) && record.key !== undefined) {
        touched(this, rollbackLog).keys.set(keyIdentity(record.key).toString("latin1"), record.key);
      }
    }
  };
  storePrototype.deleteRecord = function (this: RawObjectStore, key: unknown, rollbackLog?: unknown[]) {
    if (rollbackLog !== undefined && owners.has(this.rawDatabase)) {
      const entry = touched(this, rollbackLog);
      const range = key instanceof IDBKeyRange ? key : IDBKeyRange.only(key);
      for (const record of this.records.values(range)) entry.keys.set(keyIdentity(record.key).toString("latin1"), record.key);
    }
    deleteRecord.call(this, key, rollbackLog);
  };
  storePrototype.clear = function (this: RawObjectStore, rollbackLog?: unknown[]) {
    if (rollbackLog !== undefined && owners.has(this.rawDatabase)) {
      const entry = touched(this, rollbackLog);
      entry.cleared = true;
      entry.keys.clear();
    }
    clear.call(this, rollbackLog);
  };

  // "complete" is dispatched once the transaction has finished and before any listener hears of it (the
  // library's callbacks, and fake-indexeddb's scheduler starting the next transaction): the write goes here.
  const transactionPrototype = IDBTransaction.prototype as unknown as { dispatchEvent(event: Event): boolean };
  const dispatchEvent = transactionPrototype.dispatchEvent;
  transactionPrototype.dispatchEvent = function (this: RawTransaction, event: Event): boolean {
    if (event.type === "complete" && !persist(this)) {
      // The memory goes back to what the file holds; listeners hear "abort" with an UnknownError instead.
      this._abort("UnknownError");
      return false;
    }
    return dispatchEvent.call(this, event);
  };
}

function installGlobals(factory: InstanceType<typeof IDBFactory>): void {
  const classes = {
    indexedDB: factory,
    IDBCursor,
    IDBCursorWithValue,
    IDBDatabase,
    IDBFactory,
    IDBIndex,
    IDBKeyRange,
    IDBObjectStore,
    IDBOpenDBRequest,
    IDBRecord,
    IDBRequest,
    IDBTransaction,
    IDBVersionChangeEvent,
  };
  for (const [name, value] of Object.entries(classes)) {
    Object.defineProperty(globalThis, name, { value, configurable: true, writable: true, enumerable: false });
  }
}
