// Builds each bot's BotContext: who it is, the neighborhood it serves, its actions and its own store.
import type { BotActions, BotContext, BotDefinition, BotProfile, Community, Neighborhood } from "../../bots/framework/contract.ts";
import type { HostStore } from "./store.ts";
import { describeError, stderrLog, type HostLog } from "./hostLog.ts";

export type NeighborhoodFacts = Omit<Neighborhood, "roomRole" | "roomsWithRole" | "roomName" | "bots" | "timeZone"> & {
  /** The neighborhood file's `time_zone`; default UTC. */
  timeZone?: string;
  /** The neighborhood file's `operator_is_neighbor`: whether the operators' admin accounts count as neighbors. Default false. */
  operatorIsNeighbor?: boolean;
};

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
  /** Every bot the host runs, for the bots' overview of each other. */
  bots?: readonly BotDefinition[];
  /** A room's m.room.name, read by someone who is in every neighborhood room (the appservice's sender). */
  roomName?: (roomId: string) => Promise<string | undefined>;
  /** The host's log, where the bot's failures go (default: stderr). */
  log?: HostLog;
}

/**
 * Who counts as a neighbor of this block, by full Matrix ID: an account on this server that is not one
 * of the appservice's users, nor an operator's admin account unless the neighborhood file says so.
 */
export function neighborRule(facts: NeighborhoodFacts, isServiceUser: (userId: string) => boolean): (userId: string) => boolean {
  const notNeighbors = new Set(facts.operatorIsNeighbor === true ? [] : facts.operators);
  const ownServer = `:${facts.serverName}`;
  return (userId) => userId.startsWith("@") && userId.endsWith(ownServer) && !isServiceUser(userId) && !notNeighbors.has(userId);
}

export function botProfiles(bots: readonly BotDefinition[], serverName: string): BotProfile[] {
  return bots.map((bot) => ({
    userId: `@${bot.localpart}:${serverName}`,
    displayName: bot.displayName,
    ...(bot.name === undefined ? {} : { name: bot.name }),
    ...(bot.summary === undefined ? {} : { summary: bot.summary }),
    homeRoles: bot.homeRoles ?? [],
  }));
}

export function buildBotContext(input: BotContextInput): BotContext {
  const self = `@${input.localpart}:${input.serverName}`;
  const { store } = input;
  const { operatorIsNeighbor: _setting, ...facts } = input.neighborhood;
  return {
    self,
    neighborhood: {
      ...facts,
      timeZone: facts.timeZone ?? "UTC",
      roomRole: (roomId) => store.roomRoles.roomRole(roomId),
      roomsWithRole: (role) => store.roomRoles.roomsWithRole(role),
      roomName: input.roomName ?? (async () => undefined),
      bots: botProfiles(input.bots ?? [], input.serverName),
    },
    actions: input.actions,
    store: store.botStore(input.localpart),
    isDirectRoom: (roomId) => store.membership.isDirect(self, roomId),
    isServiceUser: input.isServiceUser,
    isOwnNeighbor: neighborRule(input.neighborhood, input.isServiceUser),
    now: input.now,
    community: input.community,
    log: {
      error: (what, error) => (input.log ?? stderrLog).error(`${what} failed`, { bot: input.localpart, ...describeError(error) }),
    },
  };
}
