// A BotContext for unit tests: records what the bot sends, with a clock, power levels and room roles
// the test controls. The host's real capabilities are exercised by the integration tests.

import type { BotContext, MatrixEvent, RichText, RoomRole } from "../contract.ts";

export interface SentMessage {
  roomId: string;
  message: RichText;
  replyTo: string | undefined;
}

export interface FakeBotContext extends BotContext {
  sent: SentMessage[];
  clock: { now: number };
  /** "roomId userId" → power level; absent means 0. */
  powerLevels: Map<string, number>;
  directRooms: Set<string>;
  roomRoles: Map<string, RoomRole>;
  storeEntries: Map<string, unknown>;
}

export const testServer = "block.test";
export const botId = `@porch:${testServer}`;
export const startTime = Date.UTC(2025, 5, 1, 12, 0, 0);

export function createFakeBotContext(options: { operators?: string[] } = {}): FakeBotContext {
  const sent: SentMessage[] = [];
  const clock = { now: startTime };
  const powerLevels = new Map<string, number>();
  const directRooms = new Set<string>();
  const roomRoles = new Map<string, RoomRole>();
  const storeEntries = new Map<string, unknown>();
  let nextEventNumber = 1;
  return {
    sent,
    clock,
    powerLevels,
    directRooms,
    roomRoles,
    storeEntries,
    self: botId,
    neighborhood: {
      name: "Maple Street",
      serverName: testServer,
      publicUrl: `https://${testServer}`,
      operators: options.operators ?? [`@ada:${testServer}`],
      roomRole: (roomId) => roomRoles.get(roomId),
    },
    actions: {
      async sendMessage(roomId, message, sendOptions) {
        sent.push({ roomId, message, replyTo: sendOptions?.replyTo });
        return `$sent${nextEventNumber++}`;
      },
      async editMessage() {
        return `$edit${nextEventNumber++}`;
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
    },
    isDirectRoom: (roomId) => directRooms.has(roomId),
    now: () => clock.now,
  };
}

let eventCounter = 0;

export function textMessage(roomId: string, sender: string, body: string, overrides: Partial<MatrixEvent> & { extraContent?: Record<string, unknown> } = {}): MatrixEvent {
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
