// The porch: greets newcomers in the Lobby and explains what BlockShare is.

import { defineBot } from "../framework/defineBot.ts";
import { defineCommand } from "../framework/defineCommand.ts";
import { aboutMessage } from "./aboutMessage.ts";
import { welcomeToLobby } from "./lobbyWelcome.ts";

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
  commands: [about],
  onEvent: welcomeToLobby,
});
