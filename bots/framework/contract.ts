// The contract between the appservice host (appservices/) and the bots (bots/).
// Bots are pure domain logic plus these injected capabilities; the host owns all Matrix I/O.

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
}

/** A message as both HTML (org.matrix.custom.html) and its plain-text fallback. */
export interface RichText {
  html: string;
  text: string;
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
}

/** Small durable key-value state, namespaced per bot; values are JSON. */
export interface BotStore {
  get<T>(key: string): T | undefined;
  put(key: string, value: unknown): void;
  delete(key: string): void;
}

/** Where a room sits in the neighborhood, as provisioning recorded it. */
export type RoomRole = "space" | "lobby" | "sharing" | "governance" | "mesh-alerts";

/** What the host tells a bot about the neighborhood it serves. */
export interface Neighborhood {
  name: string;
  serverName: string;
  /** URL neighbors put in Element (the public base URL of the homeserver). */
  publicUrl: string;
  /** Full Matrix IDs of the block's operators (admins of the box). */
  operators: readonly string[];
  roomRole(roomId: string): RoomRole | undefined;
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
  /** Current time in ms; injected so tests can move the clock. */
  now(): number;
}

/** A bot as the host sees it: a user, and one entry point per delivered event. */
export interface BotDefinition {
  localpart: string;
  displayName: string;
  /**
   * Called, in room order, for every event in a room the bot is in (and for invites to the bot).
   * Events sent by any bot of this appservice never arrive here: the host filters them.
   */
  handleEvent(event: MatrixEvent, context: BotContext): Promise<void>;
}
