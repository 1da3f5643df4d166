// The contract between the appservice host (appservices/) and the bots (bots/).
// Bots are pure domain logic plus these injected capabilities; the host owns all Matrix I/O.

import type { Language } from "./languages.ts";

export type { Language };
import type { Phrase } from "./speak.ts";

/** A Matrix event as the homeserver delivers it in an appservice transaction (client format). */
export interface MatrixEvent {
  event_id: string;
  room_id: string;
  sender: string;
  type: string;
  state_key?: string;
  content: Record<string, unknown>;
  origin_server_ts: number;
  unsigned?: { prev_content?: Record<string, unknown>; [key: string]: unknown };
  /** m.room.redaction before room version 11: the redacted event (from v11 on it is `content.redacts`). */
  redacts?: string;
  /** Set by the host: the event came end-to-end encrypted and the bot's device decrypted it. */
  decrypted?: true;
}

/** A message as both HTML (org.matrix.custom.html) and its plain-text fallback. */
export interface RichText {
  html: string;
  text: string;
}

/**
 * What a new private room says before anyone is in it: the invite carries `reason` (Element shows it on
 * the invite) and `message` is already in the room, so nobody gets a bare invite.
 */
export interface PrivateRoomOpening {
  message: RichText;
  /** Plain text, a sentence or two. */
  reason: string;
}

/** The Matrix side effects a bot may cause, performed as that bot's own user. */
export interface BotActions {
  /** Sends m.room.message (m.notice unless `asText`) and resolves to the new event id. */
  sendMessage(roomId: string, message: RichText, options?: { replyTo?: string; asText?: boolean }): Promise<string>;
  /** Replaces an earlier message of this bot (m.replace), e.g. a listing whose state changed. */
  editMessage(roomId: string, eventId: string, message: RichText): Promise<string>;
  joinRoom(roomId: string): Promise<void>;
  /** The user's power level in the room from current room state (never from display names or timestamps). */
  powerLevel(roomId: string, userId: string): Promise<number>;
  /** Sends any room event (reactions, polls, board updates…) and resolves to the new event id. */
  sendEvent(roomId: string, type: string, content: Record<string, unknown>): Promise<string>;
  /** Sets a state event (pinned events, server ACLs…) and resolves to its event id. */
  setState(roomId: string, type: string, stateKey: string, content: Record<string, unknown>): Promise<string>;
  /** A state event's content from current room state; undefined when the room has none. */
  getState(roomId: string, type: string, stateKey: string): Promise<Record<string, unknown> | undefined>;
  /** Redacts an event (e.g. a reaction that must not count); needs the power to redact others' events. */
  redactEvent(roomId: string, eventId: string, reason?: string): Promise<void>;
  /** Full Matrix IDs of the room's joined members, right now. */
  joinedMembers(roomId: string): Promise<string[]>;
  /**
   * A private room between this bot and these users. One user: their direct chat with the bot,
   * reused when it exists (the one the neighbor opened, too), else created and marked is_direct.
   * Several: a new room inviting all of them (e.g. introducing a giver and a taker), named `name`.
   * With `opening`, its message is sent there (in a new room before the invites, which carry its
   * reason). Resolves to the room id.
   */
  openPrivateRoom(userIds: readonly string[], name?: string, opening?: PrivateRoomOpening): Promise<string>;
  /**
   * A message's image or file as an mxc URL anyone can open: its `url`, or, for one sent in an encrypted
   * room (`file`), decrypted and uploaded again in clear. Only for media its sender meant to publish (a
   * listing's photo on the board). Undefined when the message carries no media.
   */
  publishableMedia(content: Record<string, unknown>): Promise<string | undefined>;
}

/** Small durable key-value state, namespaced per bot; values are JSON. */
export interface BotStore {
  get<T>(key: string): T | undefined;
  put(key: string, value: unknown): void;
  delete(key: string): void;
  /** Every key that starts with `prefix`, sorted. */
  keys(prefix: string): string[];
}

/** The sharing board's fairness limits: the neighborhood file sets them, passed decisions change them. */
export interface SharingLimits {
  /** Open listings (offers, asks, lends) one neighbor may have at once. */
  maxOpenListings: number;
  /** Claims one neighbor may make in a rolling week. */
  maxClaimsPerWeek: number;
  /** Whether neighbors from pact blocks may claim listings shared with the pact. */
  pactNeighborsMayClaim: boolean;
}

/** A neighboring block in the pact: its server name (host[:port]) and its address on the mesh. */
export interface PactMember {
  serverName: string;
  address: string;
}

/** Block-wide settings shared by the bots. Only the polls bot changes them, when a binding proposal passes. */
export interface Community {
  sharingLimits(): SharingLimits;
  setSharingLimits(change: Partial<SharingLimits>): void;
  /** The neighboring blocks this block federates with, right now. */
  pact(): readonly PactMember[];
  /** Adds (or, with `remove`, removes) a neighboring block; updates Synapse and the shared rooms' ACLs. */
  changePact(change: { add: PactMember } | { remove: string }): Promise<void>;
  /** The block's norms, plain text with its line breaks: the neighborhood file's (or a default) until a proposal passes. */
  norms(): string;
  setNorms(text: string): void;
  /** The block's language: the neighborhood file's `language` (default English). Public posts use it. */
  blockLanguage(): Language;
  /** The language a neighbor chose with !language, else the block's: their replies, DMs and reminders use it. */
  languageOf(userId: string): Language;
  setLanguage(userId: string, language: Language): void;
}

/** Where a room sits in the neighborhood, as provisioning recorded it. */
export type RoomRole = "space" | "lobby" | "sharing" | "exchange" | "governance" | "mesh-alerts" | "board-sync";

/** A bot this box runs, as it describes itself: what the Lobby's overview of the bots is made from. */
export interface BotProfile {
  /** The bot's full Matrix ID. */
  userId: string;
  displayName: string;
  /** Its name in a reader's language (BotDefinition.name); without one, `displayName`. */
  name?: Phrase;
  /** One short line: what the bot does for a neighbor (BotDefinition.summary). */
  summary?: Phrase;
  /** The rooms, by role, where neighbors talk to it and its !help answers (BotDefinition.homeRoles). */
  homeRoles: readonly RoomRole[];
}

/** What the host tells a bot about the neighborhood it serves. */
export interface Neighborhood {
  name: string;
  serverName: string;
  /** URL neighbors put in Element (the public base URL of the homeserver). */
  publicUrl: string;
  /** The block's IANA time zone ("America/New_York"): dates and times neighbors read are in it. */
  timeZone: string;
  /** Full Matrix IDs of the block's operators (admins of the box). */
  operators: readonly string[];
  roomRole(roomId: string): RoomRole | undefined;
  /** The rooms provisioning gave this role (normally one), e.g. to post in Mesh alerts or the Lobby. */
  roomsWithRole(role: RoomRole): string[];
  /** A room's name as neighbors see it in Element (its m.room.name), even for a room this bot is not in. */
  roomName(roomId: string): Promise<string | undefined>;
  /** Every bot this box runs (this one included), in the host's order. */
  bots: readonly BotProfile[];
}

/**
 * Where a bot tells the box operator what failed: a line in the host's log, with the bot's name and the
 * error (secrets masked by the host). `what` says what the bot was doing; never a neighbor's words.
 */
export interface BotLog {
  error(what: string, error: unknown): void;
}

/** Everything a bot handler receives: who it is, where it lives, and what it may do. */
export interface BotContext {
  /** The bot's own full Matrix ID. */
  self: string;
  neighborhood: Neighborhood;
  actions: BotActions;
  store: BotStore;
  /** True when the room is a direct chat between one neighbor and this bot. */
  isDirectRoom(roomId: string): boolean;
  /**
   * True for the appservice's own users (every bot and the appservice's sender: its registration's user
   * namespace). They sit in the rooms but are not neighbors: never voters, never members.
   */
  isServiceUser(userId: string): boolean;
  /**
   * True for a neighbor of this block: a full Matrix ID on this server that is neither one of the
   * appservice's users nor, unless the neighborhood file says `operator_is_neighbor: true`, an operator's
   * admin account. Whatever counts neighbors (voters, turnout, quorum) asks here, by full Matrix ID.
   */
  isOwnNeighbor(userId: string): boolean;
  /** Current time in ms; injected so tests can move the clock. */
  now(): number;
  community: Community;
  log: BotLog;
}

/** What a webhook handler answers; the host sends it as JSON. */
export interface WebhookReply {
  status: number;
  body: Record<string, unknown>;
}

/** Handles one authenticated POST with a JSON body (already parsed; validate it). */
export type WebhookHandler = (body: unknown, context: BotContext) => Promise<WebhookReply>;

/** A bot as the host sees it: a user, and one entry point per delivered event. */
export interface BotDefinition {
  localpart: string;
  /** Its Matrix profile's name, one for everyone: `name` in English. */
  displayName: string;
  /** Its name as a reader sees it in their language (its !help, the Lobby's overview of the bots). */
  name?: Phrase;
  /** One short line for the Lobby's overview of the bots: what this bot does for a neighbor. */
  summary?: Phrase;
  /** The rooms, by role, where neighbors talk to this bot (none: everywhere it is). */
  homeRoles?: readonly RoomRole[];
  /**
   * Called, in room order, for every event in a room the bot is in (and for invites to the bot).
   * Events sent by any bot of this appservice never arrive here: the host filters them.
   */
  handleEvent(event: MatrixEvent, context: BotContext): Promise<void>;
  /**
   * Timed work (deadlines, reminders, expiries): called once right after start, then about once a
   * second, never twice at once for the same bot. Due times are compared with context.now(), so work
   * that fell due while the box was down happens at the first tick.
   */
  onTick?(context: BotContext): Promise<void>;
  /**
   * HTTP webhooks by name, served by the host at POST /_blockshare/webhooks/<localpart>/<name> and
   * authenticated with the block's webhook token (Authorization: Bearer, compared in constant time).
   */
  webhooks?: Readonly<Record<string, WebhookHandler>>;
}
