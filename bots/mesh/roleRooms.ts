// The rooms the mesh bot posts in, found by the role provisioning gave them (Mesh alerts, Lobby).
// The bot joins them itself the first time (they are public rooms), so it works whether or not
// provisioning listed it as one of the room's bots; a failed join is retried at most once a minute.

import type { BotContext, RoomRole } from "../framework/contract.ts";

const joinedPrefix = "joined/";
const joinRetryMs = 60 * 1000;

interface JoinRecord {
  joined: boolean;
  triedAt: number;
}

/** The room with this role once the bot is in it; undefined while there is none or joining failed. */
export async function roleRoom(context: BotContext, role: RoomRole): Promise<string | undefined> {
  const roomId = context.neighborhood.roomsWithRole(role)[0];
  if (roomId === undefined) return undefined;
  const key = joinedPrefix + roomId;
  const record = context.store.get<JoinRecord>(key);
  if (record?.joined === true) return roomId;
  const now = context.now();
  if (record !== undefined && now - record.triedAt < joinRetryMs) return undefined;
  try {
    await context.actions.joinRoom(roomId);
    context.store.put(key, { joined: true, triedAt: now } satisfies JoinRecord);
    return roomId;
  } catch (error) {
    context.log.error(`joining the ${role} room ${roomId}`, error);
    context.store.put(key, { joined: false, triedAt: now } satisfies JoinRecord);
    return undefined;
  }
}

/** The operator's private chat with the bot (opened, or reused, on first use): where a simulated mesh's
 * alerts go. Undefined when the box names no operator or the chat cannot be opened now. */
export async function operatorChat(context: BotContext): Promise<string | undefined> {
  const [operator] = context.neighborhood.operators;
  if (operator === undefined) return undefined;
  try {
    return await context.actions.openPrivateRoom([operator]);
  } catch (error) {
    context.log.error(`opening a private chat with the operator ${operator}`, error);
    return undefined;
  }
}
