// Who may vote in a new poll: the operator's members list when there is one, else the block's own
// members (full Matrix IDs on this server) joined in the room right now. Fixed when the poll opens.

import type { BotContext } from "../framework/contract.ts";
import { membersList } from "./pollStore.ts";

/**
 * A member of this block: a full Matrix ID on this server that is not one of the appservice's own users
 * (the bots and the appservice's sender sit in the rooms too, but they are not neighbors).
 */
export function isOwnMember(context: BotContext, userId: string): boolean {
  return userId.endsWith(`:${context.neighborhood.serverName}`) && !context.isServiceUser(userId) && userId !== context.self;
}

export async function eligibleVoters(context: BotContext, roomId: string): Promise<{ eligible: string[]; from: "room" | "members-list" }> {
  const listed = membersList(context.store);
  if (listed.length > 0) return { eligible: listed, from: "members-list" };
  const joined = await context.actions.joinedMembers(roomId);
  const eligible = joined.filter((user) => isOwnMember(context, user));
  return { eligible: [...new Set(eligible)].sort(), from: "room" };
}
