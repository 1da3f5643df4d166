// BotActions that do nothing and answer plausibly: for host tests and the intake benchmark, where the
// host's own work is what is measured, not Matrix calls.
import type { BotActions } from "../../bots/framework/contract.ts";

export const quietBotActions: BotActions = {
  sendMessage: async () => "$sent",
  editMessage: async () => "$edited",
  joinRoom: async () => {},
  powerLevel: async () => 0,
  sendEvent: async () => "$event",
  setState: async () => "$state",
  getState: async () => undefined,
  redactEvent: async () => {},
  joinedMembers: async () => [],
  openPrivateRoom: async (userIds) => `!private-${userIds.join(",")}`,
  publishableMedia: async () => undefined,
};
