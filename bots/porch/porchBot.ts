// The porch: greets newcomers in the Lobby, explains what BlockShare is, and keeps the block's norms pinned there.

import { defineBot } from "../framework/defineBot.ts";
import { defineCommand } from "../framework/defineCommand.ts";
import { aboutMessage } from "./aboutMessage.ts";
import { gatherBotDirectory } from "./botDirectory.ts";
import { botOverview } from "./botOverview.ts";
import { welcomeToLobby } from "./lobbyWelcome.ts";
import { keepNormsPinned } from "./normsPin.ts";

const about = defineCommand({
  name: "about",
  summary: "What BlockShare is and who looks after this box",
  args: [],
  permission: "anyone",
  run: ({ context }) => aboutMessage(context.neighborhood),
});

export const porchBot = defineBot({
  localpart: "porch",
  homeRoles: ["lobby"],
  displayName: "Porch",
  about: "I welcome new neighbors and explain how this place works.",
  summary: "Welcomes new neighbors and says what BlockShare is and who looks after this box.",
  // The other bots describe themselves (their summary and home rooms); the porch only renders them.
  helpOverview: async ({ context }) => botOverview(await gatherBotDirectory(context), context.neighborhood.serverName),
  commands: [about],
  onEvent: welcomeToLobby,
  // The block's norms stay pinned in the Lobby, edited in place when a passed proposal changes them.
  onTick: keepNormsPinned,
});
