// A bot's direct chat with a neighbor when the host's own record (privateRooms) has none: the bot's
// m.direct account data, then any room the bot shares with that neighbor alone (a chat the neighbor
// opened without is_direct, or one from before the record). Found or created rooms go into m.direct,
// which lives on Synapse and so outlasts the host's store.
import * as sdk from "matrix-js-sdk";
import { isMatrixError } from "./appserviceClient.ts";

type DirectMap = Record<string, string[]>;

function directPath(self: string): string {
  return `/user/${encodeURIComponent(self)}/account_data/m.direct`;
}

async function readDirectMap(client: sdk.MatrixClient, self: string): Promise<DirectMap> {
  try {
    const content = (await client.http.authedRequest(sdk.Method.Get, directPath(self))) as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(content).filter((entry): entry is [string, string[]] => Array.isArray(entry[1]) && entry[1].every((id) => typeof id === "string")),
    );
  } catch (error) {
    if (isMatrixError(error, "M_NOT_FOUND")) return {};
    throw error;
  }
}

const present = new Set(["join", "invite"]);

async function membershipOf(client: sdk.MatrixClient, roomId: string, userId: string): Promise<unknown> {
  const path = `/rooms/${encodeURIComponent(roomId)}/state/m.room.member/${encodeURIComponent(userId)}`;
  return ((await client.http.authedRequest(sdk.Method.Get, path)) as { membership?: unknown }).membership;
}

/** Whether the room holds exactly the bot (joined) and the neighbor (joined or invited), nobody else. */
async function isOneToOne(client: sdk.MatrixClient, roomId: string, self: string, userId: string): Promise<boolean> {
  try {
    // One small read per room first; the member list only for rooms the neighbor is in.
    if (!present.has(String(await membershipOf(client, roomId, userId)))) return false;
    const { joined } = await client.getJoinedRoomMembers(roomId);
    const others = Object.keys(joined).filter((member) => member !== self && member !== userId);
    return self in joined && others.length === 0;
  } catch {
    return false; // a room we can no longer read is no chat to reuse
  }
}

/** The bot's existing 1:1 room with this neighbor, from m.direct or from the rooms it is in. */
export async function findDirectChat(client: sdk.MatrixClient, self: string, userId: string): Promise<string | undefined> {
  for (const roomId of (await readDirectMap(client, self))[userId] ?? []) {
    if (await isOneToOne(client, roomId, self, userId)) return roomId;
  }
  // Once per neighbor the bot has no record for: the result is recorded by the caller.
  const { joined_rooms: joined } = await client.getJoinedRooms();
  for (const roomId of joined) {
    if (await isOneToOne(client, roomId, self, userId)) return roomId;
  }
  return undefined;
}

/** Adds the room to the bot's m.direct for this neighbor (first, so it is the one clients pick). */
export async function rememberDirectChat(client: sdk.MatrixClient, self: string, userId: string, roomId: string): Promise<void> {
  try {
    const map = await readDirectMap(client, self);
    const rooms = map[userId] ?? [];
    if (rooms[0] === roomId) return;
    await client.http.authedRequest(sdk.Method.Put, directPath(self), undefined, { ...map, [userId]: [roomId, ...rooms.filter((id) => id !== roomId)] });
  } catch {
    // A second record only: the host's own (privateRooms) already has the room, so the message goes on.
  }
}
