// Starts the appservice host: store, metrics, bots, routing, per-room queues, HTTP intake; and stops it.

import { askHomeserverToResend } from "./resendRequest.ts";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { BotActions, BotDefinition, Language, SharingLimits } from "../../bots/framework/contract.ts";
import { buildBotContext, type NeighborhoodFacts } from "./botContexts.ts";
import { createMatrixBotActions, ensureBotUser } from "./botActions.ts";
import { startBotTicker } from "./botTicker.ts";
import { communityStoreName, createCommunity, defaultNorms, fixedPact, type PactControl } from "./communitySettings.ts";
import type { PrivateRooms } from "./privateRooms.ts";
import { EventRouter, type RoutedBot } from "./eventRouter.ts";
import { describeError, stderrLog, type HostLog } from "./hostLog.ts";
import { HostMetrics } from "./hostMetrics.ts";
import { createIntakeApp } from "./intakeApp.ts";
import { RoomQueues } from "./roomQueues.ts";
import { openStore, type HostStore } from "./store.ts";
import { durableAdmission } from "./transactionAdmission.ts";
import type { LedgerLimits } from "./transactionInbox.ts";
import { webhookRouter } from "./webhookEndpoints.ts";
import { BotCrypto } from "./botCrypto.ts";
import { deviceTransport } from "./cryptoRequests.ts";
import { EncryptedRooms } from "./encryptedRooms.ts";
import { RoomMembers } from "./roomMembers.ts";
import { HostCrypto } from "./hostCrypto.ts";
import type { PersistentIndexedDb } from "./persistentIndexedDb.ts";
import { CryptoStoreKeeper, openCryptoStore } from "./cryptoStoreRecovery.ts";

/** The appservice's identity and secrets, as in its registration file. */
export interface AppserviceIdentity {
  id: string;
  asToken: string;
  hsToken: string;
  senderLocalpart: string;
}

/** A bot's end-to-end encryption as its actions need it. */
export interface BotEncryption {
  crypto: BotCrypto;
  encryptedRooms: EncryptedRooms;
  roomMembers: RoomMembers;
}

/** The host's way to the homeserver; tests swap in fakes. */
export interface HostMatrix {
  actionsFor(userId: string, privateRooms: PrivateRooms, encryption?: BotEncryption): BotActions;
  /** The bot's device, when the host runs with encryption. */
  deviceFor?(userId: string, displayName: string): BotCrypto;
  ensureUser(localpart: string, displayName: string): Promise<void>;
  /** Asks the homeserver to send what it holds for us now, rather than after its retry back-off. */
  askToResend?(): Promise<void>;
}

export interface AppserviceHostOptions {
  registration: AppserviceIdentity;
  homeserverUrl: string;
  neighborhood: NeighborhoodFacts;
  bots: readonly BotDefinition[];
  /** SQLite file; ":memory:" for a throwaway store. */
  storePath: string;
  /** 0 picks a free port; the real one is in the result. */
  port: number;
  bindAddress?: string;
  now?: () => number;
  bodyLimit?: string | number;
  /** Backpressure: above this many unhandled events the ack waits (default 10,000). */
  maxPendingEvents?: number;
  /** Backpressure: how long the ack waits before answering 503 (default 25 s, under Synapse's 60 s timeout). */
  backpressureWaitMs?: number;
  ledgerLimits?: Partial<LedgerLimits>;
  matrix?: HostMatrix;
  log?: HostLog;
  /** The sharing limits from the neighborhood file; a passed proposal overrides them in the store. */
  sharingLimits?: SharingLimits;
  /** The block's norms from the neighborhood file (default: communitySettings' defaultNorms); a passed proposal overrides them. */
  norms?: string;
  /** The block's language (the neighborhood file's `language`); default English. */
  language?: Language;
  /** The languages the bots speak; a neighbor's stored choice of another falls back to the block's. */
  languages?: readonly Language[];
  /** The neighbor pact and how to change it (default: none, unchangeable). */
  pact?: PactControl;
  /** Bearer token for POST /_blockshare/webhooks/...; without one, webhooks are not served. */
  webhookToken?: string;
  /** How often bots' timed work runs (default 1 s). */
  tickIntervalMs?: number;
  /**
   * End-to-end encryption: each bot gets one device (id `botDeviceId`, another if its store had to start over), reads and answers in encrypted rooms,
   * and creates its private rooms encrypted. `passphrase` encrypts the crypto store at rest.
   */
  encryption?: { passphrase: string; storePath: string; keyWaitMs?: number };
}

/** Every bot's first device: the same id for each bot user, kept across restarts (a bot whose store starts over gets a new one). */
export const botDeviceId = "BLOCKSHARE";

export const defaultSharingLimits: SharingLimits = { maxOpenListings: 10, maxClaimsPerWeek: 10, pactNeighborsMayClaim: true };

export interface AppserviceHost {
  port: number;
  url: string;
  store: HostStore;
  /** Creates the bots' devices, uploads their keys and cross-signs them; call once the bot users exist. */
  startEncryption(): Promise<void>;
  /** A bot's device (encryption on), for status and tests. */
  deviceOf(userId: string): BotCrypto | undefined;
  /** Resolves when every event taken in so far has been handled. */
  whenIdle(): Promise<void>;
  stop(): Promise<void>;
}

function matrixJsSdkGateway(
  homeserverUrl: string,
  asToken: string,
  serverName: string,
  appserviceId: string,
  encryption: AppserviceHostOptions["encryption"],
  keeper: CryptoStoreKeeper | undefined,
  log: HostLog,
): HostMatrix {
  return {
    actionsFor: (userId, privateRooms, botEncryption) => createMatrixBotActions({ homeserverUrl, asToken, userId, privateRooms, ...botEncryption }),
    ...(encryption === undefined || keeper === undefined
      ? {}
      : {
          deviceFor: (userId: string, displayName: string) =>
            new BotCrypto({
              userId,
              displayName,
              transport: (deviceId) => deviceTransport(homeserverUrl, asToken, userId, deviceId),
              store: { name: `blockshare-crypto-${userId}`, passphrase: encryption.passphrase, keeper },
              log,
              ...(encryption.keyWaitMs === undefined ? {} : { keyWaitMs: encryption.keyWaitMs }),
            }),
        }),
    ensureUser: (localpart, displayName) => ensureBotUser({ homeserverUrl, asToken, serverName }, localpart, displayName),
    askToResend: () => askHomeserverToResend(homeserverUrl, appserviceId, asToken),
  };
}

function checkBotNames(bots: readonly BotDefinition[], senderLocalpart: string): void {
  const seen = new Set([senderLocalpart]);
  for (const bot of bots) {
    if (seen.has(bot.localpart)) throw new Error(`bot localpart "${bot.localpart}" is used twice (or is the sender's)`);
    seen.add(bot.localpart);
  }
}

function hostUrl(address: string, port: number): string {
  return `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
}

export async function startAppserviceHost(options: AppserviceHostOptions): Promise<AppserviceHost> {
  const { registration, neighborhood, bots } = options;
  const { serverName } = neighborhood;
  const log = options.log ?? stderrLog;
  const now = options.now ?? Date.now;
  const bindAddress = options.bindAddress ?? "127.0.0.1";
  checkBotNames(bots, registration.senderLocalpart);

  const store = openStore(options.storePath, { now, log, ...(options.ledgerLimits ? { ledgerLimits: options.ledgerLimits } : {}) });
  const inbox = store.transactions;
  const metrics = new HostMetrics(() => inbox.pendingCount());
  // The bots' crypto store: identity keys and sessions survive restarts (persistentIndexedDb.ts says how); one
  // that cannot be used is set aside and the bots start over (cryptoStoreRecovery.ts).
  let cryptoStore: PersistentIndexedDb | undefined;
  let keeper: CryptoStoreKeeper | undefined;
  if (options.encryption !== undefined && options.matrix === undefined) {
    const opened = openCryptoStore(options.encryption.storePath, log);
    cryptoStore = opened.store;
    keeper = new CryptoStoreKeeper(opened.store, options.encryption.storePath, botDeviceId, log, opened.movedTo);
  }
  const matrix =
    options.matrix ?? matrixJsSdkGateway(options.homeserverUrl, registration.asToken, serverName, registration.id, options.encryption, keeper, log);
  const encryptedRooms = new EncryptedRooms(now);
  const roomMembers = new RoomMembers();

  const userIdOf = (localpart: string) => `@${localpart}:${serverName}`;
  // "@community" cannot clash with a bot's namespace: localparts never contain "@".
  const community = createCommunity(
    store.botStore(communityStoreName),
    options.sharingLimits ?? defaultSharingLimits,
    options.pact ?? fixedPact([]),
    options.norms ?? defaultNorms,
    options.language,
    options.languages,
  );
  // Exactly the users the registration's namespace claims (startNeighborhood builds it from the same list).
  const namespaceUsers: ReadonlySet<string> = new Set([registration.senderLocalpart, ...bots.map((bot) => bot.localpart)].map(userIdOf));
  const isServiceUser = (userId: string) => namespaceUsers.has(userId);
  // Rooms' names as neighbors see them, read as the sender: it created every neighborhood room and sits in
  // each, where a bot is only in its own (the porch tells newcomers where the other bots live).
  const senderActions = matrix.actionsFor(userIdOf(registration.senderLocalpart), store.privateRooms);
  const roomName = async (roomId: string) => {
    const content = await senderActions.getState(roomId, "m.room.name", "").catch(() => undefined);
    return typeof content?.name === "string" && content.name.trim() !== "" ? content.name : undefined;
  };
  const devices: BotCrypto[] = [];
  const routedBots: RoutedBot[] = bots.map((definition) => {
    const userId = userIdOf(definition.localpart);
    const crypto = matrix.deviceFor?.(userId, definition.displayName);
    if (crypto !== undefined) devices.push(crypto);
    const actions = matrix.actionsFor(userId, store.privateRooms, crypto === undefined ? undefined : { crypto, encryptedRooms, roomMembers });
    const context = buildBotContext({
      localpart: definition.localpart,
      serverName,
      neighborhood,
      actions,
      store,
      now,
      community,
      isServiceUser,
      bots,
      roomName,
      log,
    });
    return { userId, definition, context };
  });
  const hostCrypto = new HostCrypto(devices);
  const router = new EventRouter({
    cryptoOf: (userId) => hostCrypto.of(userId),
    encryptedRooms,
    roomMembers,
    bots: routedBots,
    membership: store.membership,
    privateRooms: store.privateRooms,
    isNamespaceUser: isServiceUser,
    metrics,
    log,
  });
  const queues = new RoomQueues({
    deliver: (event) => router.route(event),
    settled: (seq) => inbox.acknowledge(seq),
    failed: (error, event) => log.error("event handling failed", { eventId: event.event_id, ...describeError(error) }),
  });

  const admission = durableAdmission({
    inbox,
    queues,
    maxPendingEvents: options.maxPendingEvents ?? 10_000,
    maxWaitMs: options.backpressureWaitMs ?? 25_000,
    needsHandling: (event) => router.needsHandling(event),
  });
  const botsByUserId = new Map(routedBots.map((bot) => [bot.userId, bot.definition]));
  const app = createIntakeApp({
    hsToken: registration.hsToken,
    admission,
    metrics,
    pendingInbox: () => inbox.pendingCount(),
    ...(devices.length > 0 ? { receiveCryptoParts: (body: Record<string, unknown>) => hostCrypto.receive(body) } : {}),
    async provideUser(userId) {
      const bot = botsByUserId.get(userId);
      if (bot === undefined) return false;
      await matrix.ensureUser(bot.localpart, bot.displayName);
      return true;
    },
    log,
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
    extraRouters:
      options.webhookToken === undefined
        ? []
        : [
            webhookRouter({
              token: options.webhookToken,
              log,
              bots: routedBots.flatMap(({ definition, context }) =>
                definition.webhooks === undefined ? [] : [{ localpart: definition.localpart, webhooks: definition.webhooks, context }],
              ),
            }),
          ],
  });

  // Events stored before the last stop (or crash) go first, in their original order.
  queues.enqueue(inbox.pendingEntries());

  const server = createServer(app);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, bindAddress, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    queues.stop();
    await hostCrypto.close();
    cryptoStore?.close();
    store.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  log.info("appservice host listening", { url: hostUrl(bindAddress, port), bots: bots.length });
  // After a restart, or once a full disk has room again, Synapse may be minutes into its back-off (up to
  // 8.5 min): it is asked to resend now. Best effort: without it, its own retries still come.
  store.onWritableAgain(
    () =>
      void matrix
        .askToResend?.()
        .catch((error: unknown) => log.warn("could not ask the homeserver to resend after the store could be written again", describeError(error))),
  );
  // At a start the homeserver may not be up yet (`serve-bots` starts before it): then it has nothing held back.
  void matrix.askToResend?.().catch(() => {});
  const ticker = startBotTicker(routedBots, options.tickIntervalMs ?? 1000, log);

  let stopping: Promise<void> | undefined;
  return {
    port,
    url: hostUrl(bindAddress, port),
    store,
    async startEncryption() {
      // Called once the homeserver is up. While Synapse counts the appservice as down (as it does after a stop,
      // until its retry back-off ends) it drops to-device messages, room keys among them, and never sends them
      // again (synapse/appservice/scheduler.py: "ephemeral events are dropped"): it is asked to retry now, beside
      // the devices' start rather than before it (a ping can take up to its 15 s timeout).
      const ping = matrix.askToResend?.().catch((error: unknown) => log.warn("could not ask the homeserver to resend at start", describeError(error)));
      await Promise.all([ping, hostCrypto.start()]);
    },
    deviceOf: (userId) => hostCrypto.of(userId),
    whenIdle: () => queues.whenIdle(),
    stop() {
      stopping ??= (async () => {
        await ticker.stop();
        queues.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Synapse keeps connections alive; without this, close would wait for them to time out.
          server.closeAllConnections();
        });
        await hostCrypto.close();
        cryptoStore?.close();
        store.close();
      })();
      return stopping;
    },
  };
}
