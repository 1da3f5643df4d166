// The porch: greets newcomers in the Lobby, explains what BlockShare is, and keeps the block's norms pinned there.

import { defineBot } from "../framework/defineBot.ts";
import { defineCommand } from "../framework/defineCommand.ts";
import { aboutMessage } from "./aboutMessage.ts";
import { gatherBotDirectory } from "./botDirectory.ts";
import { botOverview } from "./botOverview.ts";
import { welcomeToLobby } from "./lobbyWelcome.ts";
import { keepNormsPinned } from "./normsPin.ts";
import { words } from "../framework/speak.ts";

const about = defineCommand({
  name: "about",
  summary: words("porch.aboutCommand.summary"),
  args: [],
  permission: "anyone",
  run: ({ context, sender }) => aboutMessage(context.neighborhood, context.community.languageOf(sender)),
});

export const porchBot = defineBot({
  localpart: "porch",
  homeRoles: ["lobby"],
  displayName: words("porch.displayName"),
  about: words("porch.about"),
  summary: words("porch.summary"),
  // The other bots describe themselves (their summary and home rooms); the porch only renders them.
  helpOverview: async ({ context }, language) => botOverview(await gatherBotDirectory(context), context.neighborhood.serverName, language),
  commands: [about],
  onEvent: welcomeToLobby,
  // The block's norms stay pinned in the Lobby, edited in place when a passed proposal changes them.
  onTick: keepNormsPinned,
});
