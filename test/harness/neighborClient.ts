// A neighbor as a matrix-js-sdk client, syncing like Element does, with awaitable "wait for an event
// matching …" helpers (after hookshot's e2e harness).
import { performance } from "node:perf_hooks";
import { quietLogger } from "../../appservices/src/quietMatrixSdkLogs.ts";
import * as sdk from "matrix-js-sdk";

export interface SeenEvent {
  event_id: string;
  room_id: string;
  sender: string;
  type: string;
  state_key?: string;
  content: Record<string, any>;
  origin_server_ts: number;
  /** performance.now() when this client's sync delivered the event (decrypted, for an encrypted one). */
  receivedAt: number;
  /** It came end-to-end encrypted (and `type`/`content` are what it decrypted to). */
  encrypted: boolean;
  /** It came encrypted and this client could not decrypt it. */
  undecryptable: boolean;
}

export interface NeighborClientOptions {
  /** The device the access token belongs to; with `encrypted`, the client runs Rust crypto (in memory) on it. */
  deviceId?: string;
  encrypted?: boolean;
  /**
   * Logs in again, for a new device. matrix-js-sdk frees a stopped client's crypto, and in-memory crypto
   * cannot come back: an encrypted neighbor restarts as a new device, as a reinstalled app would.
   */
  login?: () => Promise<{ accessToken: string; deviceId: string }>;
}

export class NeighborClient {
  readonly userId: string;
  readonly #homeserverUrl: string;
  readonly #login: NeighborClientOptions["login"];
  #client: sdk.MatrixClient;
  #accessToken: string;
  #stopped = false;
  readonly #seen: SeenEvent[] = [];
  // A restarted client's first sync hands out recent events again; each event counts once.
  readonly #seenIds = new Set<string>();
  readonly #waiters = new Set<(event: SeenEvent) => void>();

  readonly #encrypted: boolean;

  constructor(homeserverUrl: string, userId: string, accessToken: string, options: NeighborClientOptions = {}) {
    this.userId = userId;
    this.#homeserverUrl = homeserverUrl;
    this.#accessToken = accessToken;
    this.#login = options.login;
    this.#encrypted = options.encrypted === true;
    this.#client = this.#connect(accessToken, options.deviceId);
  }

  get client(): sdk.MatrixClient {
    return this.#client;
  }

  /** It runs Rust crypto, as Element X does. */
  get encrypted(): boolean {
    return this.#encrypted;
  }

  get accessToken(): string {
    return this.#accessToken;
  }

  #connect(accessToken: string, deviceId: string | undefined): sdk.MatrixClient {
    const client = sdk.createClient({
      baseUrl: this.#homeserverUrl,
      userId: this.userId,
      accessToken,
      logger: quietLogger,
      store: new sdk.MemoryStore(),
      ...(deviceId === undefined ? {} : { deviceId }),
    });
    client.on(sdk.ClientEvent.Event, (event: sdk.MatrixEvent) => {
      // An encrypted event counts once it is decrypted (or has failed to), as Element shows it.
      if (event.isBeingDecrypted() || event.shouldAttemptDecryption()) {
        event.once(sdk.MatrixEventEvent.Decrypted, () => this.#record(event));
        return;
      }
      this.#record(event);
    });
    this.#acceptInvites(client);
    return client;
  }

  #record(event: sdk.MatrixEvent): void {
    {
      const seen: SeenEvent = {
        event_id: event.getId() ?? "",
        room_id: event.getRoomId() ?? "",
        sender: event.getSender() ?? "",
        type: event.getType(),
        state_key: event.getStateKey(),
        content: event.getContent(),
        origin_server_ts: event.getTs(),
        receivedAt: performance.now(),
        encrypted: event.isEncrypted(),
        undecryptable: event.isDecryptionFailure(),
      };
      if (this.#seenIds.has(seen.event_id)) return;
      this.#seenIds.add(seen.event_id);
      this.#seen.push(seen);
      for (const waiter of this.#waiters) waiter(seen);
    }
  }

  /** Invites are accepted at once, as a neighbor clicking "Accept" in Element (bots' DMs, introductions). */
  #acceptInvites(client: sdk.MatrixClient): void {
    client.on(sdk.RoomMemberEvent.Membership, (_event, member) => {
      if (member.userId !== this.userId || member.membership !== "invite") return;
      client.joinRoom(member.roomId).catch(() => {});
    });
  }

  async start(): Promise<void> {
    if (this.#stopped && this.#encrypted) {
      if (this.#login === undefined) throw new Error(`${this.userId} has in-memory crypto: it can start again only with a login`);
      const { accessToken, deviceId } = await this.#login();
      this.#accessToken = accessToken;
      this.#client = this.#connect(accessToken, deviceId);
    }
    this.#stopped = false;
    const prepared = new Promise<void>((resolve, reject) => {
      const onSync = (state: sdk.SyncState) => {
        if (state === sdk.SyncState.Prepared) {
          this.client.off(sdk.ClientEvent.Sync, onSync);
          resolve();
        } else if (state === sdk.SyncState.Error) reject(new Error(`sync failed for ${this.userId}`));
      };
      this.client.on(sdk.ClientEvent.Sync, onSync);
    });
    // Incremental syncs otherwise get the server's default of 10 timeline events per room: a larger burst
    // arrives as a gap that Element would back-fill on screen, but that a test would never see.
    const filter = new sdk.Filter(this.userId);
    filter.setTimelineLimit(200);
    // In memory, as matrix-js-sdk documents for Node: a restarted test client is a new device anyway.
    if (this.#encrypted && this.client.getCrypto() === undefined) await this.client.initRustCrypto({ useIndexedDB: false });
    await this.client.startClient({ initialSyncLimit: 200, filter, lazyLoadMembers: true });
    await prepared;
  }

  stop(): void {
    this.client.stopClient();
    this.#stopped = true;
  }

  /** Every event this neighbor has seen so far that matches. */
  seen(match: (event: SeenEvent) => boolean): SeenEvent[] {
    return this.#seen.filter(match);
  }

  /** Resolves with the first event (already seen or arriving) that matches, or fails after the timeout. */
  waitForEvent(match: (event: SeenEvent) => boolean, what: string, timeoutMs = 20_000): Promise<SeenEvent> {
    const already = this.#seen.find(match);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const waiter = (event: SeenEvent) => {
        if (!match(event)) return;
        cleanup();
        resolve(event);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.userId} waited ${timeoutMs} ms for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
      };
      this.#waiters.add(waiter);
    });
  }

  /** Waits for a message from `sender` in `roomId` that replies to `eventId`. */
  waitForReply(roomId: string, eventId: string, sender: string, timeoutMs?: number): Promise<SeenEvent> {
    return this.waitForEvent(
      (event) => event.room_id === roomId && event.sender === sender && repliesTo(event) === eventId,
      `a reply from ${sender} to ${eventId}`,
      timeoutMs,
    );
  }

  /** Any room event, as Element sends it (reactions, poll responses…): encrypted in an encrypted room, except reactions. */
  async sendEvent(roomId: string, type: string, content: Record<string, unknown>): Promise<string> {
    if (type !== "m.reaction" && (await this.client.getCrypto()?.isEncryptionEnabledInRoom(roomId))) {
      return (await this.client.sendEvent(roomId, type as sdk.EventType.RoomMessage, content as never)).event_id;
    }
    const txnId = this.client.makeTxnId();
    const path = `/rooms/${encodeURIComponent(roomId)}/send/${encodeURIComponent(type)}/${encodeURIComponent(txnId)}`;
    const { event_id } = (await this.client.http.authedRequest(sdk.Method.Put, path, undefined, content)) as { event_id: string };
    return event_id;
  }

  /** Reacts to an event the way Element does (an m.annotation). */
  react(roomId: string, eventId: string, key: string): Promise<string> {
    return this.sendEvent(roomId, "m.reaction", { "m.relates_to": { rel_type: "m.annotation", event_id: eventId, key } });
  }

  /**
   * Opens a direct chat with a user (a bot), as Element's "Start chat" does: encrypted when this client has
   * crypto (Element X always; Element Web when every invitee has a device, as the bots do), and only once
   * this client knows it is, so the first message does not go out in clear.
   */
  async openDirectChat(userId: string): Promise<string> {
    const encrypted = this.client.getCrypto() !== undefined;
    const { room_id } = await this.client.createRoom({
      preset: sdk.Preset.TrustedPrivateChat,
      is_direct: true,
      invite: [userId],
      ...(encrypted ? { initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }] } : {}),
    });
    if (encrypted) await this.waitForEncryption(room_id);
    return room_id;
  }

  /**
   * Waits until this client's crypto knows the room is encrypted (from its sync): before that, matrix-js-sdk
   * would send a message in clear.
   */
  async waitForEncryption(roomId: string, timeoutMs = 20_000): Promise<void> {
    const crypto = this.client.getCrypto();
    if (crypto === undefined) throw new Error(`${this.userId} has no crypto (start it with encrypted: true)`);
    const deadline = performance.now() + timeoutMs;
    while (!(await crypto.isEncryptionEnabledInRoom(roomId))) {
      if (performance.now() > deadline) throw new Error(`${this.userId} waited ${timeoutMs} ms to see ${roomId} encrypted`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async sendText(roomId: string, body: string): Promise<string> {
    const { event_id } = await this.client.sendEvent(roomId, sdk.EventType.RoomMessage, { msgtype: sdk.MsgType.Text, body });
    return event_id;
  }
}

export function repliesTo(event: SeenEvent): string | undefined {
  return event.content["m.relates_to"]?.["m.in_reply_to"]?.event_id;
}
