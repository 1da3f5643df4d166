// The words the porch says to a neighbor who just arrived in the Lobby: short, warm, no jargon. In the
// block's language: the Lobby is public, and a newcomer has not chosen one yet.

import type { RichText } from "../framework/contract.ts";
import type { Language } from "../framework/languages.ts";
import { bulletList, mention, message, paragraph } from "../framework/richText.ts";
import { say } from "../framework/speak.ts";

export function welcomeMessage(userId: string, displayName: string | undefined, neighborhoodName: string, language: Language): RichText {
  return message(
    paragraph(say(language, "porch.welcome.hello", { block: neighborhoodName, neighbor: mention(userId, displayName) })),
    paragraph(say(language, "porch.welcome.lobby")),
    bulletList([say(language, "porch.welcome.sharing"), say(language, "porch.welcome.governance"), say(language, "porch.welcome.meshAlerts")]),
    paragraph(say(language, "porch.welcome.commands")),
    paragraph(say(language, "porch.welcome.language")),
    paragraph(say(language, "porch.welcome.offline")),
  );
}

export function welcomeBackMessage(userId: string, displayName: string | undefined, language: Language): RichText {
  return message(say(language, "porch.welcomeBack", { neighbor: mention(userId, displayName) }));
}
