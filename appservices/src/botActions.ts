// Outgoing Matrix calls: BotActions carried out as the bot's own user, and creating the bot users.
import "./quietMatrixSdkLogs.ts"; // before matrix-js-sdk loads
import * as sdk from "matrix-js-sdk";
import type { RoomMessageEventContent } from "matrix-js-sdk/lib/@types/events.js";
import type { BotActions, PrivateRoomOpening, RichText } from "../../bots/framework/contract.ts";
import { createAppserviceClient, isMatrixError } from "./appserviceClient.ts";
import { findDirectChat, rememberDirectChat } from "./directChats.ts";
import type { PrivateRooms } from "./privateRooms.ts";
import { nextTxnId } from "./outgoingTxnIds.ts";
import { defaultSendRetryPolicy, withSendRetries } from "./sendRetry.ts";
import { landedEventId, lookForLandedEvent, mayHaveLanded } from "./landedSend.ts";
import type { BotCrypto } from "./botCrypto.ts";
import type { EncryptedRooms } from "./encryptedRooms.ts";
import type { RoomMembers } from "./roomMembers.ts";
import { decryptAttachment, encryptedFileOf } from "./encryptedAttachments.ts";

export interface MatrixBotActionsOptions {
  homeserverUrl: string;
  asToken: string;
  userId: string;
  privateRooms: PrivateRooms;
  /** The bot's device: with it, messages and events in encrypted rooms go out encrypted, and new private rooms are encrypted. */
  crypto?: BotCrypto;
  encryptedRooms?: EncryptedRooms;
  /** Members of encrypted rooms, cached between membership changes (shared by the bots). */
  roomMembers?: RoomMembers;
}

const megolm = { algorithm: "m.megolm.v1.aes-sha2" };

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
  // Ids derived from the event being handled (outgoingTxnIds.ts): a replay after a crash does not answer twice.
  const { crypto, encryptedRooms, roomMembers } = options;
  /** Who must be able to read what the bot sends: joined and invited members (history visibility "shared"). */
  const recipients = async (roomId: string): Promise<string[]> => {
    const answer = (await client.http.authedRequest(sdk.Method.Get, `/rooms/${encodeURIComponent(roomId)}/members`, {
      not_membership: "leave",
    })) as { chunk?: { state_key?: string; content?: { membership?: string } }[] };
    return (answer.chunk ?? []).flatMap((member) =>
      member.state_key !== undefined && (member.content?.membership === "join" || member.content?.membership === "invite") ? [member.state_key] : [],
    );
  };
  /** The event as it goes on the wire: encrypted in an encrypted room (when the bot has a device). */
  const sealed = async (roomId: string, type: string, content: Record<string, unknown>): Promise<[string, Record<string, unknown>]> => {
    if (crypto === undefined || encryptedRooms === undefined) return [type, content];
    const encrypted = await encryptedRooms.isEncrypted(roomId, () => getState(roomId, "m.room.encryption", ""));
    if (!encrypted) return [type, content];
    const members = roomMembers === undefined ? await recipients(roomId) : await roomMembers.of(roomId, () => recipients(roomId));
    return ["m.room.encrypted", await crypto.encrypt(roomId, type, content, members)];
  };
  const getState = async (roomId: string, type: string, stateKey: string): Promise<Record<string, unknown> | undefined> => {
    try {
      return (await client.http.authedRequest(
        sdk.Method.Get,
        `/rooms/${encodeURIComponent(roomId)}/state/${encodeURIComponent(type)}/${encodeURIComponent(stateKey)}`,
      )) as Record<string, unknown>;
    } catch (error) {
      if (isMatrixError(error, "M_NOT_FOUND")) return undefined;
      throw error;
    }
  };
  const send = async (roomId: string, plainContent: Record<string, unknown>, plainType = "m.room.message"): Promise<string> => {
    const txnId = nextTxnId(() => client.makeTxnId());
    // Encrypted once: a retry sends the same ciphertext under the same transaction id.
    const [type, content] = await sealed(roomId, plainType, plainContent);
    // After a lost connection the request may have reached Synapse: look before sending again (landedSend.ts).
    let mayHaveReached = false;
    const sendOnce = async (): Promise<string> => {
      if (mayHaveReached) {
        const landed = await lookForLandedEvent(client, roomId, options.userId, txnId);
        if (landed !== undefined) return landed;
      }
      try {
        return (await client.sendEvent(roomId, type as sdk.EventType.RoomMessage, content as unknown as RoomMessageEventContent, txnId)).event_id;
      } catch (error) {
        // A lost connection, or a 500 (a full disk): it may have been stored; look before sending again.
        if (error instanceof sdk.ConnectionError || (error instanceof sdk.MatrixError && error.httpStatus === 500)) mayHaveReached = true;
        throw error;
      }
    };
    try {
      // A neighbor's answer outlasts a disk that is full for a while (Synapse answers 500 meanwhile).
      return await withSendRetries(sendOnce, { ...defaultSendRetryPolicy, retryServerErrors: true });
    } catch (error) {
      // The server may have stored it before failing (landedSend.ts): then it was sent, once.
      const landed = mayHaveLanded(error) ? await landedEventId(client, roomId, options.userId, txnId) : undefined;
      if (landed === undefined) throw error;
      return landed;
    }
  };
  // Bots send event types matrix-js-sdk does not know (polls, board updates): the raw request is simpler than its typings.
  // A PUT is idempotent (a send's path holds its transaction id), so it is retried while Synapse restarts.
  const put = async (path: string, content: Record<string, unknown>): Promise<string> =>
    ((await withSendRetries(() => client.http.authedRequest(sdk.Method.Put, path, undefined, content))) as { event_id: string }).event_id;
  const { privateRooms, userId: self } = options;
  const sendNotice = (roomId: string, message: RichText) => send(roomId, richContent(message, sdk.MsgType.Notice));

  /** The recorded direct chat, else one found on Synapse (recorded from then on). */
  const existingDirectChat = async (userId: string): Promise<string | undefined> => {
    const recorded = privateRooms.roomWith(self, userId);
    if (recorded !== undefined) return recorded;
    const found = await findDirectChat(client, self, userId);
    if (found !== undefined) {
      privateRooms.record(self, userId, found);
      await rememberDirectChat(client, self, userId, found);
    }
    return found;
  };

  const invite = (roomId: string, userId: string, direct: boolean, reason: string) =>
    // /invite cannot say is_direct; the member event can, and only then does Element file the chat
    // under People (Synapse turns a PUT of an invite membership into a regular invite).
    put(`/rooms/${encodeURIComponent(roomId)}/state/m.room.member/${encodeURIComponent(userId)}`, {
      membership: "invite",
      reason,
      ...(direct ? { is_direct: true } : {}),
    });

  const createPrivateRoom = async (
    userIds: readonly string[],
    direct: boolean,
    name: string | undefined,
    opening: PrivateRoomOpening | undefined,
  ): Promise<string> => {
    const encrypt = crypto !== undefined;
    const { room_id: roomId } = await client.createRoom({
      preset: direct ? sdk.Preset.TrustedPrivateChat : sdk.Preset.PrivateChat,
      is_direct: direct,
      // With an opening, the first message goes in before anyone is invited, so the invite is not bare.
      ...(opening === undefined ? { invite: [...userIds] } : {}),
      ...(name === undefined ? {} : { name }),
      // Private by default: the bot has a device, so its private rooms are end-to-end encrypted.
      ...(encrypt ? { initial_state: [{ type: "m.room.encryption", state_key: "", content: megolm }] } : {}),
    });
    if (encrypt) encryptedRooms?.markEncrypted(roomId);
    if (opening !== undefined) {
      // Encrypted, the opening can be read only by those invited when it is sent: invites (with its reason) go first.
      if (encrypt) for (const userId of userIds) await invite(roomId, userId, direct, opening.reason);
      await sendNotice(roomId, opening.message);
      if (!encrypt) for (const userId of userIds) await invite(roomId, userId, direct, opening.reason);
    }
    const [only] = userIds;
    if (direct && only !== undefined) {
      privateRooms.record(self, only, roomId);
      await rememberDirectChat(client, self, only, roomId);
    }
    return roomId;
  };

  /**
   * A direct chat from before the bots had devices (or opened by an Element with encryption off) is turned
   * encrypted the next time the bot writes there: private by default. Where the bot may not (its power
   * level), the chat stays as it is.
   */
  const encryptOldChat = async (roomId: string): Promise<void> => {
    if (crypto === undefined || encryptedRooms === undefined) return;
    if (await encryptedRooms.isEncrypted(roomId, () => getState(roomId, "m.room.encryption", ""))) return;
    try {
      await client.http.authedRequest(sdk.Method.Put, `/rooms/${encodeURIComponent(roomId)}/state/m.room.encryption/`, undefined, megolm);
      encryptedRooms.markEncrypted(roomId);
    } catch (error) {
      if (!isMatrixError(error, "M_FORBIDDEN")) throw error;
    }
  };

  // One direct chat per neighbor even when two messages for a new neighbor are sent at once.
  const directChatsInFlight = new Map<string, Promise<string>>();
  const directChat = (userId: string, opening: PrivateRoomOpening | undefined): Promise<string> => {
    const before = directChatsInFlight.get(userId) ?? Promise.resolve("");
    const next = before
      .catch(() => "")
      .then(async () => {
        const existing = await existingDirectChat(userId);
        if (existing === undefined) return createPrivateRoom([userId], true, undefined, opening);
        await encryptOldChat(existing);
        if (opening !== undefined) await sendNotice(existing, opening.message);
        return existing;
      });
    directChatsInFlight.set(userId, next);
    const settle = () => {
      if (directChatsInFlight.get(userId) === next) directChatsInFlight.delete(userId);
    };
    next.then(settle, settle);
    return next;
  };

  /** Media as the bot: authenticated download (bounded by the homeserver's upload limit), and upload. */
  const media = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(`${options.homeserverUrl.replace(/\/$/, "")}/_matrix${path}`);
    url.searchParams.set("user_id", self);
    const response = await fetch(url, {
      ...init,
      headers: { authorization: `Bearer ${options.asToken}`, ...init.headers },
      signal: AbortSignal.timeout(60_000),
    });
    if (!response.ok) throw new Error(`${path.split("?")[0]} answered ${response.status}`);
    return response;
  };

  return {
    async publishableMedia(content) {
      if (typeof content.url === "string") return content.url;
      const file = encryptedFileOf(content);
      const mxc = file === undefined ? undefined : /^mxc:\/\/([^/]+)\/([^/?#]+)$/.exec(file.url);
      if (file === undefined || mxc === undefined || mxc === null) return undefined;
      const ciphertext = new Uint8Array(await (await media(`/client/v1/media/download/${mxc[1]}/${encodeURIComponent(mxc[2] ?? "")}`)).arrayBuffer());
      const plain = decryptAttachment(ciphertext, file);
      const info = content.info as { mimetype?: unknown } | undefined;
      const type = typeof info?.mimetype === "string" ? info.mimetype : "application/octet-stream";
      const uploaded = (await (await media("/media/v3/upload", { method: "POST", body: plain, headers: { "content-type": type } })).json()) as {
        content_uri?: string;
      };
      return uploaded.content_uri;
    },
    async redactEvent(roomId, eventId, reason) {
      await client.redactEvent(roomId, eventId, undefined, reason === undefined ? undefined : { reason });
    },
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
    async sendEvent(roomId, plainType, plainContent) {
      const txnId = nextTxnId(() => client.makeTxnId());
      const [type, content] = await sealed(roomId, plainType, plainContent);
      return put(`/rooms/${encodeURIComponent(roomId)}/send/${encodeURIComponent(type)}/${txnId}`, content);
    },
    setState(roomId, type, stateKey, content) {
      return put(`/rooms/${encodeURIComponent(roomId)}/state/${encodeURIComponent(type)}/${encodeURIComponent(stateKey)}`, content);
    },
    getState,
    async joinedMembers(roomId) {
      return Object.keys((await client.getJoinedRoomMembers(roomId)).joined).sort();
    },
    async openPrivateRoom(userIds, name, opening) {
      const [only] = userIds;
      if (userIds.length === 1 && only !== undefined) return directChat(only, opening);
      return createPrivateRoom(userIds, false, name, opening);
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
