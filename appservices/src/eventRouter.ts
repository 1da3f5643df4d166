// Decides which bots see an event, keeps bot membership current, and hands the event to each recipient.
import { performance } from "node:perf_hooks";
import type { BotContext, BotDefinition, MatrixEvent } from "../../bots/framework/contract.ts";
import type { BotMembership } from "./botMembership.ts";
import type { HostLog } from "./hostLog.ts";
import { describeError } from "./hostLog.ts";
import type { HostMetrics } from "./hostMetrics.ts";
import type { PrivateRooms } from "./privateRooms.ts";
import { whileHandling } from "./outgoingTxnIds.ts";
import type { BotCrypto } from "./botCrypto.ts";
import type { EncryptedRooms } from "./encryptedRooms.ts";
import type { RoomMembers } from "./roomMembers.ts";

/** Where the host notes, for the bots, an encrypted event it could not decrypt (the framework tells the sender). */
export const undecryptableField = "io.blockshare.undecryptable";

/** A bot as the router needs it: its definition, its full user id and the context it is called with. */
export interface RoutedBot {
  userId: string;
  definition: BotDefinition;
  context: BotContext;
}

export interface EventRouterOptions {
  bots: readonly RoutedBot[];
  membership: BotMembership;
  privateRooms: PrivateRooms;
  /** True for every user of our namespace (bots and the sender): their events are never delivered. */
  isNamespaceUser(userId: string): boolean;
  metrics: HostMetrics;
  log: HostLog;
  /** A bot's device, when encryption is on: encrypted events are decrypted before the bot sees them. */
  cryptoOf?: (userId: string) => BotCrypto | undefined;
  encryptedRooms?: EncryptedRooms;
  roomMembers?: RoomMembers;
}

type MembershipChange = (bot: RoutedBot, event: MatrixEvent) => Promise<void>;
type StateTracker = (event: MatrixEvent) => Promise<void>;

export class EventRouter {
  readonly #bots: ReadonlyMap<string, RoutedBot>;
  readonly #options: EventRouterOptions;
  /** What a bot's own membership change means for the membership record, by `content.membership`. */
  readonly #membershipChanges: Readonly<Record<string, MembershipChange>>;
  /** Event types that update host state before delivery, by `type`. */
  readonly #stateTrackers: Readonly<Record<string, StateTracker>>;

  constructor(options: EventRouterOptions) {
    this.#options = options;
    this.#bots = new Map(options.bots.map((bot) => [bot.userId, bot]));
    const { membership, privateRooms } = options;
    const depart = async (bot: RoutedBot, event: MatrixEvent) => {
      membership.recordDeparture(bot.userId, event.room_id);
      privateRooms.forgetRoom(bot.userId, event.room_id);
    };
    this.#membershipChanges = {
      invite: (bot, event) => this.#acceptInvite(bot, event),
      join: async (bot, event) => membership.recordJoin(bot.userId, event.room_id),
      leave: depart,
      ban: depart,
    };
    this.#stateTrackers = {
      "m.room.member": (event) => {
        options.roomMembers?.forget(event.room_id);
        return this.#trackBotMembership(event);
      },
      "m.room.encryption": async (event) => options.encryptedRooms?.markEncrypted(event.room_id),
    };
  }

  /**
   * False for events route() ignores whatever came before them: those of our own users (each bot reply
   * comes back to us as one), except a bot's own membership. They need no durable write.
   */
  needsHandling(event: MatrixEvent): boolean {
    if (!this.#options.isNamespaceUser(event.sender)) return true;
    return event.type === "m.room.member" && this.#bots.has(event.state_key ?? "");
  }

  async route(event: MatrixEvent): Promise<void> {
    // Tracked whoever the sender is: a bot's own join event is what confirms its membership.
    await this.#stateTrackers[event.type]?.(event);
    if (this.#options.isNamespaceUser(event.sender)) return;
    for (const bot of this.#recipients(event)) await this.#deliver(bot, event);
  }

  /** Bots joined to the room, plus the bot an invite is addressed to (the contract promises it its invites). */
  #recipients(event: MatrixEvent): RoutedBot[] {
    const userIds = new Set(this.#options.membership.joinedBots(event.room_id));
    if (event.type === "m.room.member" && event.content.membership === "invite" && event.state_key !== undefined) {
      userIds.add(event.state_key);
    }
    return [...userIds].flatMap((userId) => this.#bots.get(userId) ?? []);
  }

  async #trackBotMembership(event: MatrixEvent): Promise<void> {
    const bot = this.#bots.get(event.state_key ?? "");
    const membership = event.content.membership;
    if (bot === undefined && (membership === "leave" || membership === "ban") && event.state_key !== undefined) {
      this.#options.privateRooms.forgetPartner(event.state_key, event.room_id);
    }
    if (bot === undefined || typeof membership !== "string") return;
    await this.#membershipChanges[membership]?.(bot, event);
  }

  async #acceptInvite(bot: RoutedBot, event: MatrixEvent): Promise<void> {
    const isDirect = event.content.is_direct === true;
    this.#options.membership.recordInvite(bot.userId, event.room_id, isDirect);
    // A neighbor opening a DM with the bot: the bot's later private messages to them go there.
    if (isDirect) this.#options.privateRooms.record(bot.userId, event.sender, event.room_id);
    try {
      await bot.context.actions.joinRoom(event.room_id);
      this.#options.membership.recordJoin(bot.userId, event.room_id);
    } catch (error) {
      this.#options.log.error("bot could not join the room it was invited to", {
        bot: bot.definition.localpart,
        roomId: event.room_id,
        ...describeError(error),
      });
    }
  }

  /**
   * The event as the bot should see it: decrypted with the bot's own device, or, when that fails (its key
   * never came), still encrypted and marked why, so the bot can tell the sender instead of staying silent.
   */
  async #decrypted(bot: RoutedBot, event: MatrixEvent): Promise<MatrixEvent> {
    if (event.type !== "m.room.encrypted") return event;
    const crypto = this.#options.cryptoOf?.(bot.userId);
    const decryption = crypto === undefined ? { readable: false as const, reason: "unreadable", detail: "the bot has no device" } : await crypto.decrypt(event);
    if (decryption.readable) return decryption.event;
    this.#options.log.warn("bot could not decrypt an event", {
      bot: bot.definition.localpart,
      eventId: event.event_id,
      roomId: event.room_id,
      reason: decryption.reason,
      detail: decryption.detail,
    });
    return { ...event, unsigned: { ...event.unsigned, [undecryptableField]: decryption.reason } };
  }

  /** One bot, one event; a failing handler is logged and counted, never rethrown (the room must go on). */
  async #deliver(bot: RoutedBot, event: MatrixEvent): Promise<void> {
    const labels = { bot: bot.definition.localpart };
    const started = performance.now();
    try {
      const readable = await this.#decrypted(bot, event);
      await whileHandling(bot.userId, event.event_id, () => bot.definition.handleEvent(readable, bot.context));
      this.#options.metrics.eventsProcessed.inc({ ...labels, outcome: "ok" });
    } catch (error) {
      this.#options.metrics.eventsProcessed.inc({ ...labels, outcome: "error" });
      this.#options.log.error("bot failed to handle an event", {
        ...labels,
        eventId: event.event_id,
        eventType: event.type,
        ...describeError(error),
      });
    } finally {
      this.#options.metrics.eventProcessingSeconds.observe(labels, (performance.now() - started) / 1000);
    }
  }
}
