// Builds each bot's BotContext: who it is, the neighborhood it serves, its actions and its own store.
import type { BotActions, BotContext, Community, Neighborhood } from "../../bots/framework/contract.ts";
import type { HostStore } from "./store.ts";

export type NeighborhoodFacts = Omit<Neighborhood, "roomRole" | "roomsWithRole">;

export interface BotContextInput {
  localpart: string;
  serverName: string;
  neighborhood: NeighborhoodFacts;
  actions: BotActions;
  store: HostStore;
  now: () => number;
  community: Community;
  /** The appservice's own users (its registration's user namespace): the sender and every bot. */
  isServiceUser: (userId: string) => boolean;
}

export function buildBotContext(input: BotContextInput): BotContext {
  const self = `@${input.localpart}:${input.serverName}`;
  const { store } = input;
  return {
    self,
    neighborhood: {
      ...input.neighborhood,
      roomRole: (roomId) => store.roomRoles.roomRole(roomId),
      roomsWithRole: (role) => store.roomRoles.roomsWithRole(role),
    },
    actions: input.actions,
    store: store.botStore(input.localpart),
    isDirectRoom: (roomId) => store.membership.isDirect(self, roomId),
    isServiceUser: input.isServiceUser,
    now: input.now,
    community: input.community,
  };
}
