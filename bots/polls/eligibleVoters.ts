// Who may vote in a new poll: the operator's members list when there is one, else the block's own
// members (full Matrix IDs on this server) joined in the room right now. Fixed when the poll opens.

import type { BotContext } from "../framework/contract.ts";
import { localpartOf } from "../framework/matrixIds.ts";
import { membersList } from "./pollStore.ts";

// The appservice's own users sit in the rooms too; they are not neighbors. (The host does not tell bots
// who the other bots are; these are the localparts the box runs.)
const serviceLocalparts: ReadonlySet<string> = new Set(["blockshare", "porch", "share", "polls", "mesh"]);

export function isOwnMember(userId: string, serverName: string): boolean {
  return userId.endsWith(`:${serverName}`) && !serviceLocalparts.has(localpartOf(userId));
}

export async function eligibleVoters(context: BotContext, roomId: string): Promise<{ eligible: string[]; from: "room" | "members-list" }> {
  const listed = membersList(context.store);
  if (listed.length > 0) return { eligible: listed, from: "members-list" };
  const joined = await context.actions.joinedMembers(roomId);
  const eligible = joined.filter((user) => user !== context.self && isOwnMember(user, context.neighborhood.serverName));
  return { eligible: [...new Set(eligible)].sort(), from: "room" };
}
