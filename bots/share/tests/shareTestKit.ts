// Test kit for the share bot: a fake block (fake context with the Sharing room, a settable clock and
// neighbors) and helpers to send commands, reactions and images the way Element does.

import assert from "node:assert/strict";
import type { BotDefinition, MatrixEvent } from "../../framework/contract.ts";
import type { MessageKey } from "../../framework/languages.ts";
import { sayPlain, type MessageValues } from "../../framework/speak.ts";
import { createFakeBotContext, textMessage, type FakeBotContext } from "../../framework/testing/fakeBotContext.ts";
import { createShareBot } from "../shareBot.ts";

export const sharingRoom = "!sharing:block.test";

export interface PostedMessage {
  roomId: string;
  eventId: string;
  text: string;
  html: string;
}

export interface FakeBlock {
  bot: BotDefinition;
  context: FakeBotContext;
  /** Every message the bot sent, with the event id it got (the fake context does not keep ids). */
  posted: PostedMessage[];
  say(sender: string, body: string, roomId?: string, extraContent?: Record<string, unknown>): Promise<string[]>;
  /** Resolves to the reaction's event id. */
  react(sender: string, eventId: string, key?: string): Promise<string>;
  /** Removes an event the way Element removes a reaction (an m.room.redaction, `redacts` in content as in room v11+). */
  redact(sender: string, eventId: string): Promise<void>;
  image(sender: string, url: string, extraContent?: Record<string, unknown>): Promise<void>;
  tick(): Promise<void>;
  /** Texts the bot sent into a room since the last call (replies, DMs, listings). */
  take(roomId?: string): string[];
  /** The current text of a listing message, following its edits. */
  listingText(eventId: string): string;
  listingHtml(eventId: string): string;
  dmTexts(userId: string): string[];
}

let counter = 0;

export function createFakeBlock(options: { server?: string; storeFrom?: FakeBotContext; now?: number } = {}): FakeBlock {
  const context = createFakeBotContext();
  const server = options.server ?? "block.test";
  Object.assign(context, { self: `@share:${server}`, neighborhood: { ...context.neighborhood, serverName: server } });
  if (options.storeFrom !== undefined) for (const [key, value] of options.storeFrom.storeEntries) context.storeEntries.set(key, structuredClone(value));
  if (options.now !== undefined) context.clock.now = options.now;
  const room = sharingRoom.replace("block.test", server);
  context.roomRoles.set(room, "sharing");
  const posted: PostedMessage[] = [];
  // Tests send many commands at one fake instant; a block's own bot instance keeps limits apart.
  const shareBot = createShareBot({ rateLimit: { burst: 1000, refillEveryMs: 1, maxTracked: 1000 } });
  // The dispatcher sends replies without waiting for them; let them land before looking.
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  const sendMessage = context.actions.sendMessage.bind(context.actions);
  context.actions.sendMessage = async (roomId, message, sendOptions) => {
    const eventId = await sendMessage(roomId, message, sendOptions);
    posted.push({ roomId, eventId, text: message.text, html: message.html });
    return eventId;
  };
  let taken = 0;
  const block: FakeBlock = {
    bot: shareBot,
    context,
    posted,
    async say(sender, body, roomId = room, extraContent = {}) {
      const before = posted.length;
      await shareBot.handleEvent(textMessage(roomId, sender, body, { origin_server_ts: context.clock.now, extraContent }), context);
      await settle();
      return posted.slice(before).map((message) => message.text);
    },
    async react(sender, eventId, key = "👍") {
      counter += 1;
      const event: MatrixEvent = {
        event_id: `$reaction${counter}`,
        room_id: room,
        sender,
        type: "m.reaction",
        content: { "m.relates_to": { rel_type: "m.annotation", event_id: eventId, key } },
        origin_server_ts: context.clock.now,
      };
      await shareBot.handleEvent(event, context);
      await settle();
      return event.event_id;
    },
    async redact(sender, eventId) {
      counter += 1;
      await shareBot.handleEvent(
        {
          event_id: `$redaction${counter}`,
          room_id: room,
          sender,
          type: "m.room.redaction",
          content: { redacts: eventId },
          origin_server_ts: context.clock.now,
        },
        context,
      );
      await settle();
    },
    async image(sender, url, extraContent = {}) {
      counter += 1;
      await shareBot.handleEvent(
        {
          event_id: `$image${counter}`,
          room_id: room,
          sender,
          type: "m.room.message",
          content: { msgtype: "m.image", body: "photo.jpg", url, ...extraContent },
          origin_server_ts: context.clock.now,
        },
        context,
      );
      await settle();
    },
    async tick() {
      await shareBot.onTick?.(context);
      await settle();
    },
    take(roomId) {
      const fresh = posted.slice(taken);
      taken = posted.length;
      return fresh.filter((message) => roomId === undefined || message.roomId === roomId).map((message) => message.text);
    },
    listingText(eventId) {
      const edits = context.events.filter((event) => (event.content["m.relates_to"] as { event_id?: string } | undefined)?.event_id === eventId);
      const last = edits.at(-1);
      if (last !== undefined) return String((last.content["m.new_content"] as { body: string }).body);
      return posted.find((message) => message.eventId === eventId)?.text ?? "";
    },
    listingHtml(eventId) {
      const edits = context.events.filter((event) => (event.content["m.relates_to"] as { event_id?: string } | undefined)?.event_id === eventId);
      const last = edits.at(-1);
      if (last !== undefined) return String((last.content["m.new_content"] as { formatted_body: string }).formatted_body);
      return posted.find((message) => message.eventId === eventId)?.html ?? "";
    },
    dmTexts(userId) {
      const rooms = context.privateRooms.filter((room) => room.userIds.length === 1 && room.userIds[0] === userId).map((room) => room.roomId);
      return posted.filter((message) => rooms.includes(message.roomId)).map((message) => message.text);
    },
  };
  return block;
}

/** The event id of the listing message (in the Sharing room) whose text mentions `id` like "#3". */
export function listingEvent(block: FakeBlock, id: string): string {
  const found = block.posted.find((message) => message.roomId.startsWith("!sharing") && message.text.includes(` ${id} ·`));
  if (found === undefined) throw new Error(`no listing message for ${id}`);
  return found.eventId;
}

/** Asserts that what the bot said includes the catalog's English message (not a sentence copied here). */
export function assertSaid(texts: readonly string[] | string, key: MessageKey, values: MessageValues = {}, language = "en"): void {
  const said = typeof texts === "string" ? texts : texts.join("\n");
  const expected = sayPlain(language, key, values);
  assert.ok(said.includes(expected), `expected ${key}: “${expected}”\nin: ${said}`);
}
