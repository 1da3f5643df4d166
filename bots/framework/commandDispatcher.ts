// Turns a neighbor's message into a command run and a reply: recognize, rate-limit, look up by name,
// check permission, parse arguments, run. Every failure becomes a plain reply; nothing escapes.

import type { BotContext, MatrixEvent, RichText, RoomRole } from "./contract.ts";
import { commandMaxAgeMs, isBacklog } from "./backlog.ts";
import { readCommandLine } from "./commandLine.ts";
import { removeControlCharactersKeepingNewlines } from "./controlCharacters.ts";
import { commandPrefix, type Command, type CommandRequest } from "./defineCommand.ts";
import { helpCommandName, unknownCommandReply } from "./helpCommand.ts";
import { languageCommandName } from "./languageCommand.ts";
import { readIncomingText } from "./incomingText.ts";
import { permissionRules } from "./permissions.ts";
import { RateLimiter, defaultRateLimit, type RateLimitOptions } from "./rateLimiter.ts";
import { message } from "./richText.ts";
import { say, sayPhrase } from "./speak.ts";

export const maxCommandLength = 2000;

export interface DispatcherOptions {
  localpart: string;
  commands: readonly Command[];
  rateLimit?: RateLimitOptions;
  /**
   * Rooms where this bot is the one neighbors talk to. Elsewhere (a room it shares with another bot's
   * home, e.g. the mesh bot posting in the Lobby) it answers only its own commands, never !help or an
   * unknown command, so one message never gets two bots' answers. Default: everywhere.
   */
  homeRoles?: readonly RoomRole[];
}

export type CommandDispatcher = (event: MatrixEvent, context: BotContext) => Promise<void>;

async function sendReply(context: BotContext, event: MatrixEvent, reply: RichText): Promise<void> {
  try {
    await context.actions.sendMessage(event.room_id, reply, { replyTo: event.event_id });
  } catch (error) {
    context.log.error(`replying in ${event.room_id}`, error);
  }
}

export function createCommandDispatcher(options: DispatcherOptions): CommandDispatcher {
  const commandsByName = new Map(options.commands.flatMap((command) => [command.name, ...command.aliases].map((name) => [name, command] as const)));
  // Every bot has these: where bots share a room, only the one at home answers them.
  const everyBots = new Set(
    [helpCommandName, languageCommandName].flatMap((name) => {
      const command = commandsByName.get(name);
      return command ? [command.name, ...command.aliases] : [name];
    }),
  );
  const limiter = new RateLimiter(options.rateLimit ?? defaultRateLimit);

  return async (event, context) => {
    const rawText = readIncomingText(event);
    if (rawText === undefined || isBacklog(event, context.now(), commandMaxAgeMs)) return;
    const isDirect = context.isDirectRoom(event.room_id);
    const line = readCommandLine(removeControlCharactersKeepingNewlines(rawText.replace(/\t/g, " ")), isDirect);
    if (line === undefined) return;
    const role = context.neighborhood.roomRole(event.room_id);
    const atHome = isDirect || options.homeRoles === undefined || (role !== undefined && options.homeRoles.includes(role));
    if (!atHome && (everyBots.has(line.name) || !commandsByName.has(line.name))) return;
    // A reply travels while the room's next command is read: holding the room's queue for each send would
    // make the twentieth neighbor wait for nineteen round trips. A failed reply is logged, not retried here.
    const reply = async (text: RichText): Promise<void> => void sendReply(context, event, text);

    const decision = limiter.take(event.sender, context.now());
    if (decision === "silent") return;
    const language = context.community.languageOf(event.sender);
    if (decision === "warn") return reply(message(say(language, "framework.slowDown")));
    if (rawText.length > maxCommandLength) return reply(message(say(language, "framework.tooLong", { limit: maxCommandLength })));

    const command = commandsByName.get(line.name);
    if (command === undefined) {
      return reply(line.prefixed ? unknownCommandReply(line.name, language) : message(say(language, "framework.notACommand", { help: helpCommandName })));
    }
    const name = `${commandPrefix}${command.name}`;

    const request: CommandRequest = { sender: event.sender, roomId: event.room_id, isDirect, event, context };
    try {
      const rule = permissionRules[command.permission];
      if (!(await rule.allows(request))) {
        return reply(message(say(language, "framework.notAllowed", { whoMay: sayPhrase(language, rule.whoMay), command: name })));
      }
      const result = await command.execute(line.argumentText, request);
      if (!result.ok) return reply(message(say(language, "framework.badArguments", { problem: result.problem, usage: command.usageIn(language) })));
      if (result.reply !== undefined) return reply(result.reply);
    } catch (error) {
      context.log.error(`command ${commandPrefix}${command.name} in ${event.room_id}`, error);
      return reply(message(say(language, "framework.failed", { command: name })));
    }
  };
}
