// A BotContext for unit tests: records what the bot sends, with a clock, power levels and room roles
// the test controls. The host's real capabilities are exercised by the integration tests.

import type { BotContext, BotProfile, MatrixEvent, PactMember, RichText, RoomRole, SharingLimits } from "../contract.ts";
import type { Language } from "../languages.ts";

export interface SentMessage {
  roomId: string;
  message: RichText;
  replyTo: string | undefined;
}

export interface SentEvent {
  roomId: string;
  type: string;
  content: Record<string, unknown>;
  eventId: string;
}

export interface FakeBotContext extends BotContext {
  sent: SentMessage[];
  /** Edits, raw events and state events, in order (messages are in `sent`). */
  events: SentEvent[];
  /** "roomId type stateKey" → content. */
  state: Map<string, Record<string, unknown>>;
  /** roomId → joined members. */
  members: Map<string, string[]>;
  /** Private rooms opened: the users and the room id the fake gave them. */
  privateRooms: { userIds: string[]; name: string | undefined; roomId: string; reason?: string }[];
  limits: SharingLimits;
  pactMembers: PactMember[];
  /** The block's norms (community.norms), which a test may set. */
  norms: { text: string };
  clock: { now: number };
  /** "roomId userId" → power level; absent means 0. */
  powerLevels: Map<string, number>;
  directRooms: Set<string>;
  /** The appservice's users (isServiceUser); by default the sender and the four bots, as on a real box. */
  serviceUsers: Set<string>;
  roomRoles: Map<string, RoomRole>;
  /** roomId → the room's name (neighborhood.roomName). */
  roomNames: Map<string, string>;
  storeEntries: Map<string, unknown>;
  /** What the bot logged as failed (context.log.error): "what: message". */
  logged: string[];
}

export const testServer = "block.test";
export const botId = `@porch:${testServer}`;
export const startTime = Date.UTC(2025, 5, 1, 12, 0, 0);

export interface FakeBotContextOptions {
  operators?: string[];
  /** The neighborhood file's operator_is_neighbor (default false, as on a real box). */
  operatorIsNeighbor?: boolean;
  /** The block's time zone (default UTC). */
  timeZone?: string;
  /** The block's language (default English); a neighbor's own choice is kept per test context. */
  blockLanguage?: Language;
  /** The bots the box runs, as neighborhood.bots (default none). */
  bots?: BotProfile[];
}

export function createFakeBotContext(options: FakeBotContextOptions = {}): FakeBotContext {
  const sent: SentMessage[] = [];
  const clock = { now: startTime };
  const powerLevels = new Map<string, number>();
  const directRooms = new Set<string>();
  const serviceUsers = new Set(["blockshare", "porch", "share", "polls", "mesh"].map((localpart) => `@${localpart}:${testServer}`));
  const roomRoles = new Map<string, RoomRole>();
  const roomNames = new Map<string, string>();
  const storeEntries = new Map<string, unknown>();
  const events: SentEvent[] = [];
  const state = new Map<string, Record<string, unknown>>();
  const members = new Map<string, string[]>();
  const privateRooms: FakeBotContext["privateRooms"] = [];
  const limits: SharingLimits = { maxOpenListings: 10, maxClaimsPerWeek: 10, pactNeighborsMayClaim: true };
  const pactMembers: PactMember[] = [];
  const norms = { text: "Be kind." };
  const languages = new Map<string, Language>();
  const logged: string[] = [];
  const operators = options.operators ?? [`@ada:${testServer}`];
  let nextEventNumber = 1;
  const record = (roomId: string, type: string, content: Record<string, unknown>, prefix: string): string => {
    const eventId = `$${prefix}${nextEventNumber++}`;
    events.push({ roomId, type, content, eventId });
    return eventId;
  };
  const context: FakeBotContext = {
    sent,
    events,
    state,
    members,
    privateRooms,
    limits,
    pactMembers,
    norms,
    clock,
    powerLevels,
    directRooms,
    serviceUsers,
    roomRoles,
    roomNames,
    storeEntries,
    logged,
    log: { error: (what, error) => void logged.push(`${what}: ${error instanceof Error ? error.message : String(error)}`) },
    self: botId,
    neighborhood: {
      name: "Maple Street",
      serverName: testServer,
      publicUrl: `https://${testServer}`,
      timeZone: options.timeZone ?? "UTC",
      operators,
      roomRole: (roomId) => roomRoles.get(roomId),
      roomsWithRole: (role) =>
        [...roomRoles]
          .filter(([, roomRole]) => roomRole === role)
          .map(([roomId]) => roomId)
          .sort(),
      roomName: async (roomId) => roomNames.get(roomId),
      bots: options.bots ?? [],
    },
    actions: {
      async sendMessage(roomId, message, sendOptions) {
        sent.push({ roomId, message, replyTo: sendOptions?.replyTo });
        return `$sent${nextEventNumber++}`;
      },
      async editMessage(roomId, eventId, message) {
        return record(
          roomId,
          "m.room.message",
          { "m.relates_to": { rel_type: "m.replace", event_id: eventId }, "m.new_content": { body: message.text, formatted_body: message.html } },
          "edit",
        );
      },
      async sendEvent(roomId, type, content) {
        return record(roomId, type, content, "event");
      },
      async setState(roomId, type, stateKey, content) {
        state.set(`${roomId} ${type} ${stateKey}`, content);
        return record(roomId, type, content, "state");
      },
      async getState(roomId, type, stateKey) {
        return state.get(`${roomId} ${type} ${stateKey}`);
      },
      async joinedMembers(roomId) {
        return [...(members.get(roomId) ?? [])];
      },
      async openPrivateRoom(userIds, name, opening) {
        const existing = userIds.length === 1 ? privateRooms.find((room) => room.userIds.length === 1 && room.userIds[0] === userIds[0]) : undefined;
        const roomId = existing?.roomId ?? `!private${nextEventNumber++}:${testServer}`;
        if (existing === undefined) {
          privateRooms.push({ userIds: [...userIds], name, roomId, ...(opening === undefined ? {} : { reason: opening.reason }) });
          if (userIds.length === 1) directRooms.add(roomId);
        }
        // Through the (possibly wrapped) sendMessage, as the host sends it as a message too.
        if (opening !== undefined) await context.actions.sendMessage(roomId, opening.message);
        return roomId;
      },
      // No media repository here: the plain URL as it is (encrypted media is the host's, tested there).
      async publishableMedia(content) {
        return typeof content.url === "string" ? content.url : undefined;
      },
      async redactEvent(roomId, eventId, reason) {
        record(roomId, "m.room.redaction", { redacts: eventId, ...(reason === undefined ? {} : { reason }) }, "redaction");
      },
      async joinRoom() {},
      async powerLevel(roomId, userId) {
        return powerLevels.get(`${roomId} ${userId}`) ?? 0;
      },
    },
    store: {
      get: <T>(key: string) => storeEntries.get(key) as T | undefined,
      put: (key, value) => void storeEntries.set(key, structuredClone(value)),
      delete: (key) => void storeEntries.delete(key),
      keys: (prefix) => [...storeEntries.keys()].filter((key) => key.startsWith(prefix)).sort(),
    },
    isDirectRoom: (roomId) => directRooms.has(roomId),
    isServiceUser: (userId) => serviceUsers.has(userId),
    // The host's rule (appservices/src/botContexts.ts neighborRule), over this fake's users.
    isOwnNeighbor: (userId) =>
      userId.endsWith(`:${testServer}`) && !serviceUsers.has(userId) && (options.operatorIsNeighbor === true || !operators.includes(userId)),
    now: () => clock.now,
    community: {
      sharingLimits: () => ({ ...limits }),
      setSharingLimits: (change) => void Object.assign(limits, change),
      pact: () => [...pactMembers],
      norms: () => norms.text,
      setNorms: (text) => void (norms.text = text),
      blockLanguage: () => options.blockLanguage ?? "en",
      languageOf: (userId) => languages.get(userId) ?? options.blockLanguage ?? "en",
      setLanguage: (userId, language) => void languages.set(userId, language),
      async changePact(change) {
        if ("add" in change) pactMembers.push(change.add);
        else pactMembers.splice(0, pactMembers.length, ...pactMembers.filter((member) => member.serverName !== change.remove));
      },
    },
  };
  return context;
}

let eventCounter = 0;

export function textMessage(
  roomId: string,
  sender: string,
  body: string,
  overrides: Partial<MatrixEvent> & { extraContent?: Record<string, unknown> } = {},
): MatrixEvent {
  eventCounter += 1;
  const { extraContent, ...rest } = overrides;
  return {
    event_id: `$event${eventCounter}`,
    room_id: roomId,
    sender,
    type: "m.room.message",
    content: { msgtype: "m.text", body, ...extraContent },
    origin_server_ts: startTime,
    ...rest,
  };
}

/** Texts of the messages sent so far, then forgets them. */
export function takeSentTexts(context: FakeBotContext): string[] {
  return context.sent.splice(0).map((sent) => sent.message.text);
}
