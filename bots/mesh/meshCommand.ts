// `!mesh <what> …`: one command for everything mesh, so `!help` stays short. The word after `!mesh`
// picks a subcommand from the table in meshSubcommands.ts; its arguments are parsed by its own spec.

import type { AnyCommandArgument, CommandArgument } from "../framework/commandArguments.ts";
import { optional, text } from "../framework/commandArguments.ts";
import { defineCommand } from "../framework/defineCommand.ts";
import { code, message, paragraph } from "../framework/richText.ts";
import { meshSubcommands, subcommandList, subcommandUsage } from "./meshSubcommands.ts";

const subcommandsByName = new Map(meshSubcommands.map((command) => [command.name, command]));

/** The rest of the line exactly as typed, quotes included, for the subcommand's own parser. */
const subcommandArguments: CommandArgument<"details", string> = {
  name: "details",
  accepts: "what that subcommand takes",
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
  summary: "The block's wifi mesh: status, nodes, adopting and silencing",
  details: "Subcommands: status, node <name>, adopt <node>, unadopt <node>, silence <node> <for> [reason], unsilence <node>.",
  args: meshArguments,
  permission: "anyone",
  run: async ({ args, ...request }) => {
    const name = (args.what ?? "").toLowerCase();
    const subcommand = subcommandsByName.get(name);
    if (subcommand === undefined) {
      const opening = name === "" || name === "help" ? paragraph("What would you like to know about the mesh? I understand:") : paragraph("I don't know ", code(`!mesh ${name}`), ". I understand:");
      return message(opening, subcommandList());
    }
    const result = await subcommand.execute(args.details ?? "", request);
    if (!result.ok) return message(result.problem, " Usage: ", code(subcommandUsage(subcommand)));
    return result.reply;
  },
});
