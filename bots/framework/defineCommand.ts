// A command is data: name, summary, typed arguments, permission and a `run` function.
// defineCommand checks the description once, at startup, and seals the argument types inside.

import type { BotContext, MatrixEvent, RichText } from "./contract.ts";
import type { AnyCommandArgument, ParsedArguments } from "./commandArguments.ts";
import { sourceLanguage, type Language } from "./languages.ts";
import { parseArguments } from "./parseArguments.ts";
import type { Permission } from "./permissions.ts";
import { argumentLabel, type Phrase } from "./speak.ts";

export const commandPrefix = "!";

export interface CommandInvocation<Values> {
  args: Values;
  /** Full Matrix ID of the neighbor who sent the command. */
  sender: string;
  roomId: string;
  isDirect: boolean;
  /** The command's own event, e.g. to reply to or to remember. */
  event: MatrixEvent;
  context: BotContext;
}

/** A reply to post (as a reply to the command), or nothing. */
export type CommandReply = RichText | undefined | void;

export interface CommandSpec<Arguments extends readonly AnyCommandArgument[]> {
  /** Lowercase word the neighbor types after "!". */
  name: string;
  /** Other words for it, e.g. in another language ("!idioma" for "!language"). */
  aliases?: readonly string[];
  /** One line for !help. */
  summary: Phrase;
  /** Longer explanation for `!help <name>`. */
  details?: Phrase;
  args: Arguments;
  permission: Permission;
  run: (invocation: CommandInvocation<ParsedArguments<Arguments>>) => CommandReply | Promise<CommandReply>;
}

export type CommandRequest = Omit<CommandInvocation<unknown>, "args">;

export type CommandResult = { ok: true; reply: RichText | undefined } | { ok: false; problem: RichText };

/** A command with its argument types sealed inside: what a bot lists and the dispatcher runs. */
export interface Command {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly summary: Phrase;
  readonly details: Phrase | undefined;
  readonly permission: Permission;
  readonly arguments: readonly AnyCommandArgument[];
  /** "!give <count> <title…>": the usage line with English argument names. */
  readonly usage: string;
  /** The usage line with the argument names of `language` ("!offer <qué…>"). */
  usageIn(language: Language): string;
  /** Parses the argument text, then runs. A bad argument is a result, not an exception; `run`'s own errors propagate. */
  execute(argumentText: string, request: CommandRequest): Promise<CommandResult>;
}

const commandNamePattern = /^[a-z][a-z0-9-]{0,31}$/;
const argumentNamePattern = /^[a-z][a-zA-Z0-9_-]{0,31}$/;

function checkArguments(commandName: string, argumentList: readonly AnyCommandArgument[]): void {
  const seen = new Set<string>();
  argumentList.forEach((argument, index) => {
    const where = `command "${commandName}", argument "${argument.name}"`;
    if (!argumentNamePattern.test(argument.name)) throw new Error(`${where}: names are a lowercase word`);
    if (seen.has(argument.name)) throw new Error(`${where}: the name is used twice`);
    seen.add(argument.name);
    if (argument.takesRest && index !== argumentList.length - 1) throw new Error(`${where}: takes the rest, so it must be last`);
    const previous = argumentList[index - 1];
    // Optional arguments may only be left off at the end; anything else would be ambiguous.
    if (previous?.isOptional === true && !argument.isOptional) throw new Error(`${where}: a required argument cannot follow an optional one`);
  });
}

/** "<count>", "[title…]": how an argument reads in a usage line, named in `language`. */
export function placeholderIn(argument: AnyCommandArgument, language: Language): string {
  const name = argumentLabel(language, argument.name);
  const label = argument.takesRest ? `${name}…` : name;
  return argument.isOptional ? `[${label}]` : `<${label}>`;
}

/** Every command defined in this process: what the test that every argument has a name in each catalog reads. */
export const definedCommands: Command[] = [];

export function defineCommand<const Arguments extends readonly AnyCommandArgument[]>(spec: CommandSpec<Arguments>): Command {
  for (const name of [spec.name, ...(spec.aliases ?? [])]) {
    if (!commandNamePattern.test(name)) throw new Error(`command "${name}": names are a lowercase word (a-z, 0-9, -)`);
  }
  checkArguments(spec.name, spec.args);
  // Built once per language the first time it is asked for: help lists every command on each !help.
  const usages = new Map<Language, string>();
  const usageIn = (language: Language): string => {
    let usage = usages.get(language);
    if (usage === undefined)
      usages.set(language, (usage = [`${commandPrefix}${spec.name}`, ...spec.args.map((argument) => placeholderIn(argument, language))].join(" ")));
    return usage;
  };
  const command: Command = {
    name: spec.name,
    aliases: spec.aliases ?? [],
    summary: spec.summary,
    details: spec.details,
    permission: spec.permission,
    arguments: spec.args,
    usage: usageIn(sourceLanguage),
    usageIn,
    async execute(argumentText, request) {
      const parsed = parseArguments(spec.args, argumentText, request.context.community.languageOf(request.sender));
      if (!parsed.ok) return parsed;
      const reply = await spec.run({ ...request, args: parsed.values });
      return { ok: true, reply: reply ?? undefined };
    },
  };
  definedCommands.push(command);
  return command;
}
