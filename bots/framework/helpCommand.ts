// The !help every bot gets: the commands this neighbor may run (restricted ones named at the end),
// and `!help <command>` for one command's usage, arguments and who may run it.

import type { RichText } from "./contract.ts";
import { optional, text } from "./commandArguments.ts";
import { commandPrefix, defineCommand, type Command, type CommandRequest } from "./defineCommand.ts";
import { permissionRules, type Permission } from "./permissions.ts";
import { bold, bulletList, code, joinPieces, message, paragraph, rich } from "./richText.ts";

/** More for a bot's !help after its `about` line (nothing: the command list alone). */
export type HelpOverview = (request: CommandRequest) => Promise<RichText | undefined> | RichText | undefined;

export interface HelpSubject {
  displayName: string;
  about: string;
  overview?: HelpOverview;
}

export const helpCommandName = "help";

export function unknownCommandReply(name: string): RichText {
  return message("I don't know ", code(`${commandPrefix}${name}`), ". Try ", code(`${commandPrefix}${helpCommandName}`), ".");
}

async function permissionsGranted(commands: readonly Command[], request: CommandRequest): Promise<Set<Permission>> {
  const granted = new Set<Permission>();
  // One check per permission kind, not per command: a moderator check is a power-level lookup.
  for (const permission of new Set(commands.map((command) => command.permission))) {
    if (await permissionRules[permission].allows(request)) granted.add(permission);
  }
  return granted;
}

async function commandList(subject: HelpSubject, commands: readonly Command[], request: CommandRequest): Promise<RichText> {
  const granted = await permissionsGranted(commands, request);
  const runnable = commands.filter((command) => granted.has(command.permission));
  const restricted = commands.filter((command) => !granted.has(command.permission));
  const restrictedNotes = [...new Set(restricted.map((command) => command.permission))].map((permission) =>
    paragraph(
      `Only for ${permissionRules[permission].whoMay}: `,
      joinPieces(restricted.filter((command) => command.permission === permission).map((command) => code(`${commandPrefix}${command.name}`)), ", "),
      ".",
    ),
  );
  const overview = (await subject.overview?.(request)) ?? "";
  return message(
    paragraph(bold(subject.displayName), ` — ${subject.about}`),
    overview,
    bulletList(runnable.map((command) => rich(code(command.usage), ` — ${command.summary}`))),
    restrictedNotes,
    paragraph(
      "Send ", code(`${commandPrefix}${helpCommandName} <command>`), " to learn more about one command.",
      request.isDirect ? " In this private chat you can leave out the “!”." : "",
    ),
  );
}

function commandDetail(command: Command): RichText {
  const rule = permissionRules[command.permission];
  return message(
    paragraph(bold(`${commandPrefix}${command.name}`), ` — ${command.summary}`),
    paragraph("Usage: ", code(command.usage)),
    command.details !== undefined ? paragraph(command.details) : "",
    command.arguments.length > 0
      ? bulletList(command.arguments.map((argument) =>
          rich(code(argument.name), `: ${argument.accepts}`, argument.isOptional ? " (can be left out)" : "")))
      : "",
    paragraph(command.permission === "anyone" ? "Anyone can use it." : `Only ${rule.whoMay} can use it.`),
  );
}

/** `commands` is a function so the list can include this help command itself. */
export function helpCommand(subject: HelpSubject, commands: () => readonly Command[]): Command {
  return defineCommand({
    name: helpCommandName,
    summary: "Lists what I can do",
    args: [optional(text("command"))],
    permission: "anyone",
    run: async ({ args, ...request }) => {
      if (args.command === undefined) return commandList(subject, commands(), request);
      const wanted = args.command.replace(/^!/, "").toLowerCase();
      const command = commands().find((candidate) => candidate.name === wanted);
      return command === undefined ? unknownCommandReply(wanted) : commandDetail(command);
    },
  });
}
