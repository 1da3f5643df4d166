// `!mesh <what> …` (Spanish `!red`): one command for everything mesh, so `!help` stays short. The word
// after `!mesh` picks a subcommand from the table in meshSubcommands.ts (by name or alias); its
// arguments are parsed by its own spec. The framework has no subcommands, so this lookup stays here.

import type { AnyCommandArgument, CommandArgument } from "../framework/commandArguments.ts";
import { optional, text } from "../framework/commandArguments.ts";
import { defineCommand } from "../framework/defineCommand.ts";
import { words } from "../framework/speak.ts";
import { aliasesOf } from "./meshCommandWords.ts";
import { meshAnswer, subcommandNamed } from "./meshSubcommands.ts";

/** The rest of the line exactly as typed, quotes included, for the subcommand's own parser. */
const subcommandArguments: CommandArgument<"details", string> = {
  name: "details",
  accepts: words("mesh.command.detailsArgument"),
  isOptional: false,
  takesRest: true,
  read(input) {
    const first = input.tokens[0];
    return first === undefined ? { ok: false } : { ok: true, value: input.source.slice(first.start).trim(), consumed: input.tokens.length };
  },
};

const meshArguments = [optional(text("what", { maxLength: 20 })), optional(subcommandArguments)] as const satisfies readonly AnyCommandArgument[];

export const meshCommand = defineCommand({
  name: "mesh",
  aliases: aliasesOf("mesh"),
  summary: words("mesh.command.summary"),
  details: words("mesh.command.details"),
  args: meshArguments,
  permission: "anyone",
  run: async ({ args, ...request }) => {
    const word = (args.what ?? "").toLowerCase();
    const subcommand = subcommandNamed(word);
    if (subcommand === undefined)
      return meshAnswer(request, word === "" || word === "help" || word === "ayuda" ? { kind: "menu" } : { kind: "menu", unknownWord: word });
    const result = await subcommand.execute(args.details ?? "", request);
    if (!result.ok) return meshAnswer(request, { kind: "badArguments", problem: result.problem, subcommand: subcommand.name });
    return result.reply;
  },
});
