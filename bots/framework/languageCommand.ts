// The !language every bot gets: which language the bots answer this neighbor in, and changing it. The
// choice is the block's (Community), so one !language to any bot changes every bot's answers.

import { optional, text } from "./commandArguments.ts";
import { commandPrefix, defineCommand, type Command } from "./defineCommand.ts";
import { languageName, readLanguage, supportedLanguages, type Language } from "./languages.ts";
import { code, joinPieces, message } from "./richText.ts";
import { listOf, say, words } from "./speak.ts";

export const languageCommandName = "language";

/** The language choices as a neighbor would type them: `es` (Español). */
function choices(language: Language) {
  return listOf(
    language,
    supportedLanguages.map((choice) => joinPieces([code(choice), `(${languageName(choice)})`], " ")),
  );
}

export function languageCommand(): Command {
  return defineCommand({
    name: languageCommandName,
    aliases: ["idioma"],
    summary: words("language.summary"),
    args: [optional(text("language"))],
    permission: "anyone",
    run: ({ args, sender, context }) => {
      const current = context.community.languageOf(sender);
      if (args.language === undefined) {
        return message(
          say(current, "language.current", {
            language: languageName(current),
            usage: `${commandPrefix}${languageCommandName} <code>`,
            choices: choices(current),
          }),
        );
      }
      const chosen = readLanguage(args.language);
      if (chosen === undefined) return message(say(current, "language.unknown", { asked: args.language, choices: choices(current) }));
      context.community.setLanguage(sender, chosen);
      // Said in the new language: the neighbor sees at once that it worked.
      return message(say(chosen, "language.changed", { language: languageName(chosen) }));
    },
  });
}
