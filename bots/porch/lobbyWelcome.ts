// Greets a neighbor who has just joined the Lobby (once per arrival, not on profile changes).

import type { BotContext, MatrixEvent } from "../framework/contract.ts";
import { isBacklog } from "../framework/backlog.ts";
import { removeControlCharacters } from "../framework/controlCharacters.ts";
import { storeKeyFamily } from "../framework/storeKeys.ts";
import { welcomeBackMessage, welcomeMessage } from "./welcomeMessage.ts";

// A welcome is still kind a few hours late (the box was down), but not a day-old pile of them.
const welcomeMaxAgeMs = 12 * 60 * 60 * 1000;
const maxDisplayNameLength = 64;

const welcomed = storeKeyFamily<boolean>("welcomed");

function displayNameOf(content: Record<string, unknown>): string | undefined {
  const name = content.displayname;
  if (typeof name !== "string") return undefined;
  const cleaned = removeControlCharacters(name).trim().slice(0, maxDisplayNameLength);
  return cleaned === "" ? undefined : cleaned;
}

/** Who just arrived in the Lobby, or undefined when this event is not an arrival there. */
function arrivingNeighbor(event: MatrixEvent, context: BotContext): string | undefined {
  if (event.type !== "m.room.member" || event.content.membership !== "join") return undefined;
  // A join after a join is a display name or avatar change.
  if (event.unsigned?.prev_content?.membership === "join") return undefined;
  const userId = event.state_key;
  if (userId === undefined || userId === context.self) return undefined;
  if (context.neighborhood.roomRole(event.room_id) !== "lobby") return undefined;
  if (isBacklog(event, context.now(), welcomeMaxAgeMs)) return undefined;
  return userId;
}

export async function welcomeToLobby(event: MatrixEvent, context: BotContext): Promise<void> {
  const userId = arrivingNeighbor(event, context);
  if (userId === undefined) return;
  const displayName = displayNameOf(event.content);
  // Someone who left and came back gets a short hello rather than the whole guide again.
  const returning = welcomed(userId).get(context.store) === true;
  // A neighbor who chose a language before (and left and came back) is greeted in it; a newcomer in the block's.
  const language = context.community.languageOf(userId);
  const welcome = returning ? welcomeBackMessage(userId, displayName, language) : welcomeMessage(userId, displayName, context.neighborhood.name, language);
  await context.actions.sendMessage(event.room_id, welcome);
  welcomed(userId).put(context.store, true);
}
