// One bot's Matrix device and its end-to-end crypto: the Rust crypto (matrix-sdk-crypto-wasm's OlmMachine)
// fed from appservice transactions instead of a /sync loop, talking to Synapse as this bot's own device.
//
// Why OlmMachine directly rather than matrix-js-sdk's CryptoApi: that API is tied to a syncing MatrixClient;
// the host never syncs. Synapse hands the appservice everything a sync would (to-device messages, device
// list changes, one-time-key counts: cryptoTransactionParts.ts), and OlmMachine.receiveSyncChanges takes
// exactly those, as in matrix-bot-sdk's and mautrix's appservice crypto.
import {
  CollectStrategy,
  DecryptionSettings,
  DeviceId,
  DeviceLists,
  EncryptionSettings,
  MegolmDecryptionError,
  OlmMachine,
  RoomId,
  ToDeviceUnableToDecryptReason,
  TrustRequirement,
  UTDToDeviceEvent,
  UserId,
  initAsync,
} from "@matrix-org/matrix-sdk-crypto-wasm";
import { performance } from "node:perf_hooks";
import type { MatrixEvent } from "../../bots/framework/contract.ts";
import type { DeviceSyncChanges } from "./cryptoTransactionParts.ts";
import { sendCryptoRequest, uploadedKeyCounts, type DeviceTransport } from "./cryptoRequests.ts";
import { describeError, type HostLog } from "./hostLog.ts";
import { KeyedMutex } from "./keyedMutex.ts";
import type { StoreProblem } from "./cryptoStoreRecovery.ts";

/** Why an event stayed unreadable: the room key never came, or the message itself is broken or refused. */
export type UndecryptableReason = "missing-key" | "unreadable";

export type Decryption = { readable: true; event: MatrixEvent } | { readable: false; reason: UndecryptableReason; detail: string };

/** Which device the bot's identity in the store belongs to, and starting over when the store is of no use. */
export interface DeviceKeeper {
  deviceIdOf(userId: string): string;
  /** Sets the bot's part of the store aside (kept), tells the operator, and returns the new device's id. */
  startOver(userId: string, storeName: string, problem: StoreProblem, detail: string): string;
  /** Whether the store holds anything for this bot yet. */
  holds(storeName: string): boolean;
}

export interface BotCryptoOptions {
  userId: string;
  displayName: string;
  /** Requests as the bot's user and as one of its devices. */
  transport: (deviceId: string) => DeviceTransport;
  /** Name and passphrase of the persistent store (IndexedDB databases; persistentIndexedDb.ts keeps them on disk). */
  store: { name: string; passphrase: string; keeper: DeviceKeeper };
  log: HostLog;
  /** How long a message whose room key has not arrived waits for it before the neighbor is told (default 10 s). */
  keyWaitMs?: number;
}

let wasmReady: Promise<void> | undefined;

function sameCounts(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number> | undefined): boolean {
  return b !== undefined && a.size === b.size && [...a].every(([algorithm, count]) => b.get(algorithm) === count);
}

/** How long after its own key upload a device ignores the counts in transactions (they may predate it). */
const countsTrustedAfterUploadMs = 60_000;

/** What initialize throws for a store the passphrase does not open, or one made for another device. */
const unreadableStore = /decrypt|unpickl|deserializ|doesn't match|cipher/i;

export class BotCrypto {
  readonly userId: string;
  readonly #options: BotCryptoOptions;
  /** Kept across restarts; a new one only when the store had to start over (cryptoStoreRecovery.ts says why). */
  #deviceId: string;
  #transport: DeviceTransport;
  #machine: Promise<OlmMachine> | undefined;
  /** One request round at a time: two concurrent rounds would send the same pending requests twice. */
  #requestRound: Promise<void> = Promise.resolve();
  #requestsAgain = false;
  /** Key sharing per room runs one at a time (a session must be shared before it encrypts). */
  readonly #roomLocks = new KeyedMutex();
  readonly #keyWaiters = new Map<string, Set<() => void>>();
  /** The last one-time-key counts the homeserver reported, for transactions that carry none for this device. */
  #oneTimeKeyCounts: Map<string, number> | undefined;
  /** The unused fallback key algorithms last reported, sorted and joined (to notice a change). */
  #unusedFallbackKeys: string | undefined;
  /** When this device last uploaded keys (performance.now()): transactions' counts may predate it. */
  #uploadedAt = Number.NEGATIVE_INFINITY;

  constructor(options: BotCryptoOptions) {
    this.#options = options;
    this.userId = options.userId;
    this.#deviceId = options.store.keeper.deviceIdOf(options.userId);
    this.#transport = options.transport(this.#deviceId);
  }

  get deviceId(): string {
    return this.#deviceId;
  }

  /** The device exists on the homeserver, its keys are uploaded and it is cross-signed. Retried after a failure. */
  ready(): Promise<OlmMachine> {
    this.#machine ??= this.#start().catch((error: unknown) => {
      this.#machine = undefined;
      throw error;
    });
    return this.#machine;
  }

  async #start(): Promise<OlmMachine> {
    wasmReady ??= initAsync();
    await wasmReady;
    const { keeper, name } = this.#options.store;
    const publishedBefore = await this.#publishedKeys();
    let machine: OlmMachine;
    if (!keeper.holds(name) && publishedBefore.size > 0) {
      // A store without this bot (a new file, or another block's) while the homeserver has its devices: a new
      // identity under the old id would be refused by the apps that know that id.
      const devices = [...publishedBefore.keys()].join(", ");
      machine = await this.#startOver(undefined, "not-this-device", `the store has no keys for it; the homeserver has its device ${devices}`);
    } else {
      machine = await this.#openMachine();
      // Checked before anything is uploaded: new keys under an id whose old keys are still published would collide
      // with them (Synapse refuses one-time key ids it already holds with other keys).
      const published = publishedBefore.get(this.deviceId);
      const ours = machine.identityKeys.ed25519.toBase64();
      if (published !== undefined && published !== ours) {
        machine = await this.#startOver(
          machine,
          "not-this-device",
          `the homeserver has the signing key ${published.slice(0, 8)}…, the store ${ours.slice(0, 8)}…`,
        );
      }
    }
    await this.#publish(machine);
    // A store that believes its keys are published uploads none: if the homeserver lost them, it starts over.
    if ((await this.#publishedKeys()).get(this.deviceId) !== machine.identityKeys.ed25519.toBase64()) {
      machine = await this.#startOver(machine, "not-this-device", "the homeserver holds no keys for it");
      await this.#publish(machine);
      if ((await this.#publishedKeys()).get(this.deviceId) !== machine.identityKeys.ed25519.toBase64()) {
        throw new Error(`the homeserver did not take the keys of ${this.userId}'s new device ${this.deviceId}`);
      }
    }
    // Devices left from an earlier start-over (a stop between its steps): a bot has only the one.
    for (const deviceId of publishedBefore.keys()) {
      if (deviceId !== this.deviceId) await this.#transport.asUser("DELETE", `/devices/${encodeURIComponent(deviceId)}`, {});
    }
    machine.registerRoomKeyUpdatedCallback(async (keys) => {
      for (const key of keys) this.#notifyKey(key.sessionId);
    });
    await this.#crossSign(machine);
    return machine;
  }

  /** Creates the device if it is new (MSC4190: PUT /devices/{id} as the appservice, idempotent) and uploads its keys. */
  async #publish(machine: OlmMachine): Promise<void> {
    await this.#transport.asUser("PUT", `/devices/${encodeURIComponent(this.deviceId)}`, { display_name: this.#options.displayName });
    await this.#sendOutgoing(machine);
  }

  /** The machine on the bot's store; a store the passphrase does not open starts over (kept aside). */
  async #openMachine(): Promise<OlmMachine> {
    const { name, passphrase } = this.#options.store;
    try {
      return await OlmMachine.initialize(new UserId(this.userId), new DeviceId(this.deviceId), name, passphrase);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      if (!unreadableStore.test(detail)) throw error;
      return this.#startOver(undefined, "unreadable", detail);
    }
  }

  /**
   * Sets the bot's store aside and starts a new identity under a new device id; the old device is deleted
   * (MSC4190, as the appservice: Synapse deletes its keys with it and tells neighbors' apps the device list changed).
   */
  async #startOver(machine: OlmMachine | undefined, problem: StoreProblem, detail: string): Promise<OlmMachine> {
    machine?.close();
    const old = this.#deviceId;
    this.#deviceId = this.#options.store.keeper.startOver(this.userId, this.#options.store.name, problem, detail);
    this.#transport = this.#options.transport(this.#deviceId);
    await this.#transport.asUser("DELETE", `/devices/${encodeURIComponent(old)}`, {});
    this.#oneTimeKeyCounts = undefined;
    this.#unusedFallbackKeys = undefined;
    this.#uploadedAt = Number.NEGATIVE_INFINITY;
    const { name, passphrase } = this.#options.store;
    return OlmMachine.initialize(new UserId(this.userId), new DeviceId(this.deviceId), name, passphrase);
  }

  /** The bot's devices with published keys, as any client sees them: device id → Ed25519 key. */
  async #publishedKeys(): Promise<Map<string, string>> {
    const answer = (await this.#transport.asUser("POST", "/keys/query", { device_keys: { [this.userId]: [] } })) as {
      device_keys?: Record<string, Record<string, { keys?: Record<string, string> }>>;
    };
    const devices = Object.entries(answer.device_keys?.[this.userId] ?? {});
    return new Map(devices.flatMap(([id, device]) => (device.keys?.[`ed25519:${id}`] === undefined ? [] : [[id, device.keys[`ed25519:${id}`]!]])));
  }

  /** Cross-signs the device the first time (or when the homeserver lost the keys), so clients show no warning. */
  async #crossSign(machine: OlmMachine): Promise<void> {
    const published = (await this.#transport.asDevice("POST", "/keys/query", { device_keys: { [this.userId]: [] } })) as {
      master_keys?: Record<string, unknown>;
      self_signing_keys?: Record<string, unknown>;
    };
    const status = await machine.crossSigningStatus();
    if (published.master_keys?.[this.userId] !== undefined && published.self_signing_keys?.[this.userId] !== undefined && status.hasSelfSigning) {
      return;
    }
    const requests = await machine.bootstrapCrossSigning(true);
    const transport = this.#transport;
    if (requests.uploadKeysRequest) await sendCryptoRequest(machine, transport, requests.uploadKeysRequest);
    // First set-up needs no interactive auth (MSC3967), and Synapse lets appservice users replace keys too.
    await transport.asDevice("POST", "/keys/device_signing/upload", JSON.parse(requests.uploadSigningKeysRequest.body));
    await sendCryptoRequest(machine, transport, requests.uploadSignaturesRequest);
    this.#options.log.info("bot device cross-signed", { bot: this.userId, device: this.deviceId });
  }

  /** Sends whatever the machine wants sent (key uploads, key queries, to-device messages), one round at a time. */
  #sendOutgoing(machine: OlmMachine): Promise<void> {
    this.#requestsAgain = true;
    const round = this.#requestRound.then(async () => {
      // Bounded: a machine that keeps asking is served at most a few rounds per call.
      for (let pass = 0; this.#requestsAgain && pass < 5; pass++) {
        this.#requestsAgain = false;
        for (const request of await machine.outgoingRequests()) {
          const counts = uploadedKeyCounts(request, await sendCryptoRequest(machine, this.#transport, request));
          if (counts !== undefined) {
            this.#oneTimeKeyCounts = counts;
            this.#uploadedAt = performance.now();
          }
        }
      }
    });
    this.#requestRound = round.catch(() => {});
    return round;
  }

  /** A transaction's share for this device: to-device messages (room keys), key counts, device list changes. */
  async receive(changes: DeviceSyncChanges | undefined, deviceLists: { changed: string[]; left: string[] }): Promise<void> {
    const machine = await this.ready();
    const lists = new DeviceLists(
      deviceLists.changed.map((id) => new UserId(id)),
      deviceLists.left.map((id) => new UserId(id)),
    );
    // The library reads a missing count as zero and uploads 50 more keys each time, until Synapse refuses
    // (500 per device): a transaction without counts for this device passes on the last ones known. Synapse
    // counts when it builds a transaction, so one queued before our last upload reports too few: for a while
    // after an upload, the upload's own answer is the truth (as mautrix-go's appservice crypto does).
    const fresh = performance.now() - this.#uploadedAt > countsTrustedAfterUploadMs;
    const counts = changes?.oneTimeKeyCounts !== undefined && fresh ? changes.oneTimeKeyCounts : this.#oneTimeKeyCounts;
    const fallback = changes?.unusedFallbackKeys === undefined ? undefined : [...changes.unusedFallbackKeys].sort().join(" ");
    // MSC3202 puts every device's counts in every transaction: when nothing is new for this device, the
    // machine (and a store write with its fsync) is skipped, so the acknowledgement is not held up.
    const quiet =
      (changes?.toDevice.length ?? 0) === 0 &&
      lists.isEmpty() &&
      counts !== undefined &&
      sameCounts(counts, this.#oneTimeKeyCounts) &&
      (fallback === undefined || fallback === this.#unusedFallbackKeys);
    if (quiet) return;
    this.#oneTimeKeyCounts = counts ?? (await this.#publishedKeyCounts());
    if (fallback !== undefined) this.#unusedFallbackKeys = fallback;
    const processed = await machine.receiveSyncChanges(
      JSON.stringify(changes?.toDevice ?? []),
      lists,
      new Map(this.#oneTimeKeyCounts),
      changes?.unusedFallbackKeys,
    );
    // A room key that does not decrypt is lost for good: said in the log, where "could not decrypt" leads.
    for (const event of processed) {
      if (event instanceof UTDToDeviceEvent) {
        this.#options.log.warn("bot could not decrypt a to-device message (a room key, perhaps)", {
          bot: this.userId,
          device: this.deviceId,
          reason: ToDeviceUnableToDecryptReason[event.utdInfo.reason],
        });
      }
    }
    await this.#sendOutgoing(machine);
  }

  /** What the homeserver holds for this device now (an upload of nothing answers with the counts). */
  async #publishedKeyCounts(): Promise<Map<string, number>> {
    const answer = (await this.#transport.asDevice("POST", "/keys/upload", {})) as { one_time_key_counts?: Record<string, number> };
    return new Map(Object.entries(answer.one_time_key_counts ?? {}));
  }

  /** The event as its sender wrote it; when its key has not arrived, waits for it (bounded), asking the sender once. */
  async decrypt(event: MatrixEvent): Promise<Decryption> {
    const machine = await this.ready();
    const first = await this.#tryDecrypt(machine, event);
    if (first.readable || first.reason !== "missing-key") return first;
    const sessionId = typeof event.content.session_id === "string" ? event.content.session_id : "";
    const arrived = this.#waitForKey(sessionId, this.#options.keyWaitMs ?? 10_000);
    await this.#requestKeyFromSender(event).catch((error: unknown) =>
      this.#options.log.warn("could not ask the sender's devices for a room key", { bot: this.userId, ...describeError(error) }),
    );
    await arrived;
    return this.#tryDecrypt(machine, event);
  }

  async #tryDecrypt(machine: OlmMachine, event: MatrixEvent): Promise<Decryption> {
    try {
      const decrypted = await machine.decryptRoomEvent(JSON.stringify(event), new RoomId(event.room_id), new DecryptionSettings(TrustRequirement.Untrusted));
      const clear = JSON.parse(decrypted.event) as { type?: unknown; content?: unknown };
      if (typeof clear.type !== "string" || typeof clear.content !== "object" || clear.content === null) {
        return { readable: false, reason: "unreadable", detail: "decrypted payload has no type or content" };
      }
      const content = { ...(clear.content as Record<string, unknown>) };
      // Relations stay outside the ciphertext (so servers can aggregate them): put them back where bots look.
      if (content["m.relates_to"] === undefined && event.content["m.relates_to"] !== undefined) content["m.relates_to"] = event.content["m.relates_to"];
      return { readable: true, event: { ...event, type: clear.type, content, decrypted: true } };
    } catch (error) {
      if (!(error instanceof MegolmDecryptionError)) throw error;
      // MissingRoomKey = 0, UnknownMessageIndex = 1: the key may still come; anything else will not get better.
      return { readable: false, reason: error.code <= 1 ? "missing-key" : "unreadable", detail: error.description };
    }
  }

  /** An m.room_key_request to the sending device; a client that shared the session with us forwards it again. */
  async #requestKeyFromSender(event: MatrixEvent): Promise<void> {
    const { algorithm, sender_key: senderKey, session_id: sessionId, device_id: senderDevice } = event.content;
    if (typeof senderDevice !== "string" || typeof sessionId !== "string") return;
    const requestId = `${this.deviceId}-${sessionId.slice(0, 16)}-${Date.now()}`;
    const content = {
      action: "request",
      body: { algorithm, room_id: event.room_id, sender_key: senderKey, session_id: sessionId },
      request_id: requestId,
      requesting_device_id: this.deviceId,
    };
    await this.#transport.asDevice("PUT", `/sendToDevice/m.room_key_request/${encodeURIComponent(requestId)}`, {
      messages: { [event.sender]: { [senderDevice]: content } },
    });
  }

  #waitForKey(sessionId: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.#keyWaiters.get(sessionId) ?? new Set();
      this.#keyWaiters.set(sessionId, waiters);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0) this.#keyWaiters.delete(sessionId);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      waiters.add(done);
    });
  }

  #notifyKey(sessionId: string): void {
    for (const waiter of [...(this.#keyWaiters.get(sessionId) ?? [])]) waiter();
  }

  /**
   * The m.room.encrypted content for an event, after the room's session is shared with every device of
   * `recipients` (joined and invited members). Relations are left in clear by the library, as the spec asks.
   */
  async encrypt(roomId: string, type: string, content: Record<string, unknown>, recipients: readonly string[]): Promise<Record<string, unknown>> {
    const machine = await this.ready();
    return this.#roomLocks.run(roomId, async () => {
      const room = () => new RoomId(roomId);
      // Fresh ids for each call: the library takes ownership of the arrays it is given.
      const users = () => recipients.map((id) => new UserId(id));
      await machine.updateTrackedUsers(users());
      // Key queries for newly tracked users go out first: sessions can be claimed only for known devices.
      await this.#sendOutgoing(machine);
      const claim = await machine.getMissingSessions(users());
      if (claim) await sendCryptoRequest(machine, this.#transport, claim);
      const settings = new EncryptionSettings();
      // Neighbors rarely verify their devices: every device of a member gets the key, as Element does by default.
      settings.sharingStrategy = CollectStrategy.allDevices();
      for (const request of await machine.shareRoomKey(room(), users(), settings)) await sendCryptoRequest(machine, this.#transport, request);
      return JSON.parse(await machine.encryptRoomEvent(room(), type, JSON.stringify(content))) as Record<string, unknown>;
    });
  }

  /** The device's Ed25519 key, as clients see it (for logs and tests). */
  async ed25519Key(): Promise<string> {
    return (await this.ready()).identityKeys.ed25519.toBase64();
  }

  /** Closes the machine once nothing uses it: work in flight finishes first (the library refuses otherwise). */
  async close(): Promise<void> {
    const machine = await this.#machine?.catch(() => undefined);
    this.#machine = undefined;
    await this.#requestRound;
    await this.#roomLocks.idle();
    // Messages still waiting for a key stop waiting: they are handled again after the restart.
    for (const sessionId of [...this.#keyWaiters.keys()]) this.#notifyKey(sessionId);
    try {
      machine?.close();
    } catch (error) {
      // A decryption still running holds the machine; the process is stopping, the store is already written.
      this.#options.log.warn("bot device closed while in use", { bot: this.userId, ...describeError(error) });
    }
  }
}
