// The words the porch says to a neighbor who just arrived in the Lobby: short, warm, no jargon.

import type { RichText } from "../framework/contract.ts";
import { bold, bulletList, code, mention, message, paragraph } from "../framework/richText.ts";

export function welcomeMessage(userId: string, displayName: string | undefined, neighborhoodName: string): RichText {
  return message(
    paragraph("Welcome to ", bold(neighborhoodName), ", ", mention(userId, displayName), "! 👋 Glad you're here."),
    paragraph("This Lobby is for saying hello and chatting with neighbors. The other rooms:"),
    bulletList([
      [bold("Sharing board"), " — give away extra things, lend tools, ask for a hand."],
      [bold("Governance"), " — polls and decisions we make together."],
      [bold("Mesh alerts"), " — notices when part of our neighborhood network has trouble."],
    ]),
    paragraph(
      "The bots answer commands that start with “!”: send ", code("!help"),
      " here to see what each bot does and in which room, then ", code("!help"), " in that room for its commands.",
    ),
    paragraph("This chat runs on a small computer here in the neighborhood, so talking to each other keeps working even when the internet is down."),
  );
}

export function welcomeBackMessage(userId: string, displayName: string | undefined): RichText {
  return message("Welcome back, ", mention(userId, displayName), "! 👋");
}
