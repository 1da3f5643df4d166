// The !help every bot gets: the commands this neighbor may run (restricted ones named at the end),
// and `!help <command>` for one command's usage, arguments and who may run it — in the neighbor's language.

import type { RichText } from "./contract.ts";
import { optional, text } from "./commandArguments.ts";
import { commandPrefix, defineCommand, type Command, type CommandRequest } from "./defineCommand.ts";
import { sourceLanguage, type Language } from "./languages.ts";
import { permissionRules, type Permission } from "./permissions.ts";
import { bold, bulletList, code, joinPieces, message, paragraph, rich } from "./richText.ts";
import { argumentLabel, say, sayPhrase, words, type Phrase } from "./speak.ts";

/** More for a bot's !help after its `about` line (nothing: the command list alone). */
export type HelpOverview = (request: CommandRequest, language: Language) => Promise<RichText | undefined> | RichText | undefined;

export interface HelpSubject {
  /** The bot's name, said in the reader's language. */
  displayName: Phrase;
  about: Phrase;
  overview?: HelpOverview;
}

export const helpCommandName = "help";

export function unknownCommandReply(name: string, language: Language): RichText {
  return message(say(language, "framework.unknownCommand", { command: `${commandPrefix}${name}`, help: `${commandPrefix}${helpCommandName}` }));
}

async function permissionsGranted(commands: readonly Command[], request: CommandRequest): Promise<Set<Permission>> {
  const granted = new Set<Permission>();
  // One check per permission kind, not per command: a moderator check is a power-level lookup.
  for (const permission of new Set(commands.map((command) => command.permission))) {
    if (await permissionRules[permission].allows(request)) granted.add(permission);
  }
  return granted;
}

async function commandList(subject: HelpSubject, commands: readonly Command[], request: CommandRequest, language: Language): Promise<RichText> {
  const granted = await permissionsGranted(commands, request);
  const runnable = commands.filter((command) => granted.has(command.permission));
  const restricted = commands.filter((command) => !granted.has(command.permission));
  const restrictedNotes = [...new Set(restricted.map((command) => command.permission))].map((permission) =>
    paragraph(
      say(language, "help.restricted", {
        whoMay: sayPhrase(language, permissionRules[permission].whoMay),
        commands: joinPieces(
          restricted.filter((command) => command.permission === permission).map((command) => code(`${commandPrefix}${command.name}`)),
          ", ",
        ),
      }),
    ),
  );
  const overview = (await subject.overview?.(request, language)) ?? "";
  return message(
    paragraph(bold(sayPhrase(language, subject.displayName)), " — ", sayPhrase(language, subject.about)),
    overview,
    bulletList(runnable.map((command) => rich(code(command.usageIn(language)), otherWords(command, language), " — ", sayPhrase(language, command.summary)))),
    restrictedNotes,
    paragraph(
      say(language, request.isDirect ? "help.moreDirect" : "help.more", {
        usage: `${commandPrefix}${helpCommandName} <${argumentLabel(language, "command")}>`,
      }),
    ),
  );
}

/**
 * In the list, a neighbor who reads another language than English sees the command's other words too
 * ("`!propose …` (`!proponer`)"): aliases are mostly those words. English readers get the short list.
 */
function otherWords(command: Command, language: Language): RichText | string {
  if (language === sourceLanguage || command.aliases.length === 0) return "";
  return rich(
    " (",
    joinPieces(
      command.aliases.map((alias) => code(`${commandPrefix}${alias}`)),
      ", ",
    ),
    ")",
  );
}

function commandDetail(command: Command, language: Language): RichText {
  const rule = permissionRules[command.permission];
  return message(
    paragraph(bold(`${commandPrefix}${command.name}`), " — ", sayPhrase(language, command.summary)),
    paragraph(say(language, "help.usage", { usage: command.usageIn(language) })),
    command.aliases.length > 0
      ? paragraph(
          say(language, "help.aliases", {
            aliases: joinPieces(
              command.aliases.map((alias) => code(`${commandPrefix}${alias}`)),
              ", ",
            ),
          }),
        )
      : "",
    command.details !== undefined ? paragraph(sayPhrase(language, command.details)) : "",
    command.arguments.length > 0
      ? bulletList(
          command.arguments.map((argument) =>
            rich(
              code(argumentLabel(language, argument.name)),
              ": ",
              sayPhrase(language, argument.accepts),
              argument.isOptional ? [" ", say(language, "help.optional")] : "",
            ),
          ),
        )
      : "",
    paragraph(command.permission === "anyone" ? say(language, "help.anyoneMay") : say(language, "help.onlyMay", { whoMay: sayPhrase(language, rule.whoMay) })),
  );
}

/** `commands` is a function so the list can include this help command itself. */
export function helpCommand(subject: HelpSubject, commands: () => readonly Command[]): Command {
  return defineCommand({
    name: helpCommandName,
    aliases: ["ayuda"],
    summary: words("help.summary"),
    args: [optional(text("command"))],
    permission: "anyone",
    run: async ({ args, ...request }) => {
      const language = request.context.community.languageOf(request.sender);
      if (args.command === undefined) return commandList(subject, commands(), request, language);
      const wanted = args.command.replace(/^!/, "").toLowerCase();
      const command = commands().find((candidate) => candidate.name === wanted || candidate.aliases.includes(wanted));
      return command === undefined ? unknownCommandReply(wanted, language) : commandDetail(command, language);
    },
  });
}
