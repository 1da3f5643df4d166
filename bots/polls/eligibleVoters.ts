// Who may vote in a new poll: the operator's members list when there is one, else the block's own
// neighbors joined in the room right now. Fixed when the poll opens.

import type { BotContext } from "../framework/contract.ts";
import { membersList } from "./pollStore.ts";

/**
 * An account of this block that may start polls and be put on the members list: a full Matrix ID on this
 * server that is not one of the appservice's own users (the bots and the sender sit in the rooms too).
 * The operator's admin account is one: the operator may open a poll, and may list it as a voter on purpose.
 */
export function isOwnMember(context: BotContext, userId: string): boolean {
  return userId.endsWith(`:${context.neighborhood.serverName}`) && !context.isServiceUser(userId) && userId !== context.self;
}

/**
 * Without a members list, the neighbors in the room vote: the host's `isOwnNeighbor` leaves out the bots,
 * the appservice's sender and the operator's admin account (unless the neighborhood file counts it), so a
 * block of three neighbors has three voters, whoever else sits in the room.
 */
export async function eligibleVoters(context: BotContext, roomId: string): Promise<{ eligible: string[]; from: "room" | "members-list" }> {
  const listed = membersList(context.store);
  if (listed.length > 0) return { eligible: listed, from: "members-list" };
  const joined = await context.actions.joinedMembers(roomId);
  const eligible = joined.filter((user) => context.isOwnNeighbor(user));
  return { eligible: [...new Set(eligible)].sort(), from: "room" };
}
