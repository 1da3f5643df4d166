// Where the other bots live, for the Lobby's !help: who to introduce (a pure choice from what the host
// says about the bots it runs), then the names of their rooms as neighbors see them in Element.

import type { BotContext, Neighborhood, RoomRole } from "../framework/contract.ts";
import { removeControlCharacters } from "../framework/controlCharacters.ts";
import type { Phrase } from "../framework/speak.ts";

export interface BotRoom {
  roomId: string;
  name: string;
}

export interface BotListing {
  userId: string;
  /** Said in the reader's language. */
  name: Phrase;
  summary: Phrase;
  /** Empty for a bot without a room of its own: neighbors write to it directly. */
  rooms: BotRoom[];
}

export interface BotToIntroduce extends Omit<BotListing, "rooms"> {
  rooms: { roomId: string; role: RoomRole }[];
}

const maxRoomNameLength = 80;

/** Every other bot that describes itself with a summary, with the rooms provisioning gave its home roles. */
export function botsToIntroduce(neighborhood: Neighborhood, self: string): BotToIntroduce[] {
  return neighborhood.bots
    .filter((bot) => bot.userId !== self && bot.summary !== undefined && (typeof bot.summary !== "string" || bot.summary.trim() !== ""))
    .map((bot) => ({
      userId: bot.userId,
      name: bot.name ?? bot.displayName,
      summary: bot.summary ?? "",
      rooms: bot.homeRoles.flatMap((role) => neighborhood.roomsWithRole(role).map((roomId) => ({ roomId, role }))),
    }));
}

/** A room without a name (or one made only of control characters) is called by its role: "Mesh alerts". */
export function roomCalled(name: string | undefined, role: RoomRole): string {
  const cleaned = removeControlCharacters(name ?? "")
    .trim()
    .slice(0, maxRoomNameLength);
  if (cleaned !== "") return cleaned;
  const words = role.replace(/-/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export async function gatherBotDirectory(context: BotContext): Promise<BotListing[]> {
  const { neighborhood } = context;
  return Promise.all(
    botsToIntroduce(neighborhood, context.self).map(async (bot) => ({
      ...bot,
      rooms: await Promise.all(
        bot.rooms.map(async ({ roomId, role }) => ({ roomId, name: roomCalled(await neighborhood.roomName(roomId).catch(() => undefined), role) })),
      ),
    })),
  );
}
