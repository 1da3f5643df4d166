// Outgoing Matrix calls: BotActions carried out as the bot's own user, and creating the bot users.
import "./quietMatrixSdkLogs.ts"; // before matrix-js-sdk loads
import * as sdk from "matrix-js-sdk";
import type { RoomMessageEventContent } from "matrix-js-sdk/lib/@types/events.js";
import type { BotActions, RichText } from "../../bots/framework/contract.ts";
import { createAppserviceClient, isMatrixError } from "./appserviceClient.ts";
import type { PrivateRooms } from "./privateRooms.ts";

export interface MatrixBotActionsOptions {
  homeserverUrl: string;
  asToken: string;
  userId: string;
  privateRooms: PrivateRooms;
}

function richContent(message: RichText, msgtype: string): Record<string, unknown> {
  return { msgtype, body: message.text, format: "org.matrix.custom.html", formatted_body: message.html };
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

/** The user's level from an m.room.power_levels content: users[id], else users_default, else 0. */
export function powerLevelFromContent(content: Record<string, unknown> | undefined, userId: string): number {
  const users = content?.users;
  const explicit = typeof users === "object" && users !== null ? (users as Record<string, unknown>)[userId] : undefined;
  return numberOr(explicit, numberOr(content?.users_default, 0));
}

export function createMatrixBotActions(options: MatrixBotActionsOptions): BotActions {
  const client = createAppserviceClient(options);
  // matrix-js-sdk types message content as a closed union; ours is built to the spec, so assert it once here.
  const send = async (roomId: string, content: Record<string, unknown>): Promise<string> =>
    (await client.sendEvent(roomId, sdk.EventType.RoomMessage, content as unknown as RoomMessageEventContent)).event_id;
  // Bots send event types matrix-js-sdk does not know (polls, board updates): the raw request is simpler than its typings.
  const put = async (path: string, content: Record<string, unknown>): Promise<string> =>
    ((await client.http.authedRequest(sdk.Method.Put, path, undefined, content)) as { event_id: string }).event_id;
  const { privateRooms, userId: self } = options;

  return {
    sendMessage(roomId, message, sendOptions = {}) {
      const content = richContent(message, sendOptions.asText ? sdk.MsgType.Text : sdk.MsgType.Notice);
      const reply = sendOptions.replyTo === undefined ? {} : { "m.relates_to": { "m.in_reply_to": { event_id: sendOptions.replyTo } } };
      return send(roomId, { ...content, ...reply });
    },
    editMessage(roomId, eventId, message) {
      // Spec m.replace: the outer body is the fallback shown by clients without edit support.
      return send(roomId, {
        ...richContent({ text: `* ${message.text}`, html: `* ${message.html}` }, sdk.MsgType.Notice),
        "m.new_content": richContent(message, sdk.MsgType.Notice),
        "m.relates_to": { rel_type: "m.replace", event_id: eventId },
      });
    },
    async joinRoom(roomId) {
      await client.joinRoom(roomId);
    },
    async powerLevel(roomId, userId) {
      try {
        return powerLevelFromContent(await client.getStateEvent(roomId, sdk.EventType.RoomPowerLevels, ""), userId);
      } catch (error) {
        // A room without a power_levels event: everyone is at the default, 0.
        if (isMatrixError(error, "M_NOT_FOUND")) return 0;
        throw error;
      }
    },
    sendEvent(roomId, type, content) {
      return put(`/rooms/${encodeURIComponent(roomId)}/send/${encodeURIComponent(type)}/${client.makeTxnId()}`, content);
    },
    setState(roomId, type, stateKey, content) {
      return put(`/rooms/${encodeURIComponent(roomId)}/state/${encodeURIComponent(type)}/${encodeURIComponent(stateKey)}`, content);
    },
    async getState(roomId, type, stateKey) {
      try {
        return (await client.http.authedRequest(
          sdk.Method.Get,
          `/rooms/${encodeURIComponent(roomId)}/state/${encodeURIComponent(type)}/${encodeURIComponent(stateKey)}`,
        )) as Record<string, unknown>;
      } catch (error) {
        if (isMatrixError(error, "M_NOT_FOUND")) return undefined;
        throw error;
      }
    },
    async joinedMembers(roomId) {
      return Object.keys((await client.getJoinedRoomMembers(roomId)).joined).sort();
    },
    async openPrivateRoom(userIds, name) {
      const [only] = userIds;
      const direct = userIds.length === 1 && only !== undefined;
      if (direct) {
        const existing = privateRooms.roomWith(self, only);
        if (existing !== undefined) return existing;
      }
      const { room_id: roomId } = await client.createRoom({
        preset: direct ? sdk.Preset.TrustedPrivateChat : sdk.Preset.PrivateChat,
        is_direct: direct,
        invite: [...userIds],
        ...(name === undefined ? {} : { name }),
      });
      if (direct) privateRooms.record(self, only, roomId);
      return roomId;
    },
  };
}

export interface AppserviceConnection {
  homeserverUrl: string;
  asToken: string;
  serverName: string;
}

/** Registers the bot user if it does not exist yet (M_USER_IN_USE is fine) and sets its display name. */
export async function ensureBotUser(connection: AppserviceConnection, localpart: string, displayName: string): Promise<void> {
  const userId = `@${localpart}:${connection.serverName}`;
  // Registration speaks as the appservice itself: the user does not exist yet, so it cannot be asserted.
  const registrar = createAppserviceClient({ homeserverUrl: connection.homeserverUrl, asToken: connection.asToken });
  try {
    await registrar.http.authedRequest(sdk.Method.Post, "/register", undefined, {
      type: "m.login.application_service",
      username: localpart,
      inhibit_login: true,
    });
  } catch (error) {
    if (!isMatrixError(error, "M_USER_IN_USE")) throw error;
  }
  const self = createAppserviceClient({ homeserverUrl: connection.homeserverUrl, asToken: connection.asToken, userId });
  const profile = await self.getProfileInfo(userId).catch(() => ({ displayname: undefined }));
  // Setting an unchanged name would still rewrite the bot's member event in every room it is in.
  if (profile.displayname !== displayName) await self.setDisplayName(displayName);
}
