// Who may run a command, as a table keyed by permission name. Every check compares full Matrix IDs
// (power levels are looked up by full ID; operators are an exact list): never display names.

import type { BotContext } from "./contract.ts";
import { words, type MessageRef } from "./speak.ts";

export type Permission = "anyone" | "moderator" | "operator";

export interface PermissionRequest {
  sender: string;
  roomId: string;
  isDirect: boolean;
  context: BotContext;
}

interface PermissionRule {
  /** Completes "Only … can use `!x`." and marks restricted commands in help. */
  whoMay: MessageRef;
  allows(request: PermissionRequest): Promise<boolean>;
}

export const moderatorPowerLevel = 50;

export const permissionRules: Readonly<Record<Permission, PermissionRule>> = {
  anyone: {
    whoMay: words("permission.anyone"),
    allows: async () => true,
  },
  moderator: {
    whoMay: words("permission.moderator", { level: moderatorPowerLevel }),
    // A neighbor holds power 100 in their own DM with the bot, so a DM never makes anyone a moderator.
    allows: async ({ sender, roomId, isDirect, context }) => !isDirect && (await context.actions.powerLevel(roomId, sender)) >= moderatorPowerLevel,
  },
  operator: {
    whoMay: words("permission.operator"),
    allows: async ({ sender, context }) => context.neighborhood.operators.includes(sender),
  },
};
