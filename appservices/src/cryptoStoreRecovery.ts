// When the bots' crypto store cannot be used: the file does not open (damaged, not a database), or a bot's part
// of it is not readable with the passphrase (secrets regenerated, or the file came from another box), or holds an
// identity that is not the bot's device on the homeserver. The store is kept aside (a copy, 0600, never deleted),
// the operator is told in plain words what that means and what to do, and the bot starts over with a new device.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, renameSync } from "node:fs";
import { basename } from "node:path";
import type { HostLog } from "./hostLog.ts";
import { openPersistentIndexedDb, type PersistentIndexedDb } from "./persistentIndexedDb.ts";
import { storageFailureOf } from "./storageFailure.ts";

/** Why a bot's part of the store is set aside. */
export type StoreProblem = "unreadable" | "not-this-device";

const consequence =
  "What it means: the bots start with new encryption keys (a new device each, cross-signed again), so they read and answer encrypted messages sent from now on; " +
  "encrypted messages neighbors sent them before, and any their apps send before noticing the new device, the bots cannot read (they say so in the chat).";

function advice(aside: string): string {
  return (
    "What to do: nothing for the bots to work. The crypto store and secrets/bot_crypto_passphrase only work as a pair (a backup holds both): " +
    "when restoring, restore them together, and before the block starts. " +
    `${basename(aside)} is kept for that pair's sake; put back now, it would only start the bots over again, since their old devices are gone.`
  );
}

/** The crypto library keeps a store named N in databases `N::matrix-sdk-crypto` and `N::matrix-sdk-crypto-meta`. */
const isPartOf = (database: string, storeName: string) => database === storeName || database.startsWith(`${storeName}::`);

/** `<path>.unreadable-<time>`, not yet taken. */
function asidePath(path: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  let aside = `${path}.unreadable-${stamp}`;
  for (let n = 2; existsSync(aside); n++) aside = `${path}.unreadable-${stamp}-${n}`;
  return aside;
}

/**
 * Opens the crypto store; a file that cannot be opened is moved aside (with its -wal and -shm, kept) and a new one
 * is started. A full or failing disk is not the store's fault: that error is thrown, nothing is moved.
 */
export function openCryptoStore(path: string, log: HostLog): { store: PersistentIndexedDb; movedTo?: string } {
  try {
    return { store: openPersistentIndexedDb(path, { log }) };
  } catch (error) {
    const failure = storageFailureOf(error);
    if (failure === "full" || failure === "io") throw error;
    const aside = asidePath(path);
    for (const suffix of ["", "-wal", "-shm"]) {
      if (!existsSync(path + suffix)) continue;
      renameSync(path + suffix, aside + suffix);
      chmodSync(aside + suffix, 0o600);
    }
    const detail = error instanceof Error ? error.message : String(error);
    log.error(
      `The bots' encryption store ${path} could not be opened (${detail}). It was moved to ${aside} (kept, never deleted). ${consequence} ${advice(aside)}`,
      { store: path, movedTo: aside, problem: "unopenable" },
    );
    return { store: openPersistentIndexedDb(path, { log }), movedTo: aside };
  }
}

/**
 * Which device each bot's identity in the store belongs to, and starting a bot over. The first device of a bot
 * is `defaultDeviceId`; one that starts over gets a new id, never used before: clients refuse a device whose keys
 * change under the same id (matrix-sdk-crypto's update_or_create_device rejects it unless it saw the device
 * deleted first), so a neighbor whose phone was off during the change could never write to the bot again.
 */
export class CryptoStoreKeeper {
  readonly #store: PersistentIndexedDb;
  readonly #path: string;
  readonly #log: HostLog;
  readonly #defaultDeviceId: string;
  /** The copy made at this start, shared by every bot that starts over (it holds them all). */
  #aside: string | undefined;
  /** The operator was already told why the store was set aside (the file did not open). */
  readonly #told: boolean;

  /** `movedTo`: the file was moved aside at open (openCryptoStore), and the operator has been told. */
  constructor(store: PersistentIndexedDb, path: string, defaultDeviceId: string, log: HostLog, movedTo?: string) {
    this.#store = store;
    this.#path = path;
    this.#defaultDeviceId = defaultDeviceId;
    this.#log = log;
    this.#aside = movedTo;
    this.#told = movedTo !== undefined;
  }

  holds(storeName: string): boolean {
    return this.#store.databaseNames().some((name) => isPartOf(name, storeName));
  }

  deviceIdOf(userId: string): string {
    return this.#store.readNote(`device ${userId}`) ?? this.#defaultDeviceId;
  }

  /**
   * Keeps a copy of the whole store aside (once per start), forgets this bot's databases and records a new device id
   * for it, which it returns. `detail` is what went wrong, for the operator (never a secret).
   */
  startOver(userId: string, storeName: string, problem: StoreProblem, detail: string): string {
    if (this.#aside === undefined) {
      const aside = asidePath(this.#path);
      this.#store.copyTo(aside);
      this.#aside = aside;
    }
    const previous = this.deviceIdOf(userId);
    this.#store.forget(this.#store.databaseNames().filter((name) => isPartOf(name, storeName)));
    const deviceId = `${this.#defaultDeviceId}_${randomBytes(4).toString("hex").toUpperCase()}`;
    this.#store.writeNote(`device ${userId}`, deviceId);
    if (this.#told) {
      this.#log.info("bot starts over with a new device (the encryption store was set aside, above)", {
        bot: userId,
        oldDevice: previous,
        newDevice: deviceId,
      });
      return deviceId;
    }
    const what =
      problem === "unreadable"
        ? `cannot be read with the passphrase in secrets/bot_crypto_passphrase (${detail}): the passphrase was replaced, or the store came from another box`
        : `holds keys that are not those of the bot's device ${previous} on the homeserver (${detail}): the store came from another box or an older backup, or the homeserver's database was restored without it`;
    this.#log.error(
      `The encryption keys of ${userId} in the bots' encryption store ${this.#path} ${what}. A copy of the store was kept as ${this.#aside} (never deleted). ` +
        `${consequence} ${advice(this.#aside)}`,
      { bot: userId, store: this.#path, keptAs: this.#aside, problem, oldDevice: previous, newDevice: deviceId },
    );
    return deviceId;
  }
}
