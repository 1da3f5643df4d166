// Turns a neighbor's message into a command run and a reply: recognize, rate-limit, look up by name,
// check permission, parse arguments, run. Every failure becomes a plain reply; nothing escapes.

import type { BotContext, MatrixEvent, RichText, RoomRole } from "./contract.ts";
import { commandMaxAgeMs, isBacklog } from "./backlog.ts";
import { readCommandLine } from "./commandLine.ts";
import { removeControlCharactersKeepingNewlines } from "./controlCharacters.ts";
import { commandPrefix, type Command, type CommandRequest } from "./defineCommand.ts";
import { logBotError } from "./errorLog.ts";
import { helpCommandName, unknownCommandReply } from "./helpCommand.ts";
import { readIncomingText } from "./incomingText.ts";
import { permissionRules } from "./permissions.ts";
import { RateLimiter, defaultRateLimit, type RateLimitOptions } from "./rateLimiter.ts";
import { code, message } from "./richText.ts";

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

async function sendReply(localpart: string, context: BotContext, event: MatrixEvent, reply: RichText): Promise<void> {
  try {
    await context.actions.sendMessage(event.room_id, reply, { replyTo: event.event_id });
  } catch (error) {
    logBotError(localpart, `replying in ${event.room_id}`, error);
  }
}

function commandLabel(name: string): RichText {
  return code(`${commandPrefix}${name}`);
}

export function createCommandDispatcher(options: DispatcherOptions): CommandDispatcher {
  const { localpart } = options;
  const commandsByName = new Map(options.commands.map((command) => [command.name, command]));
  const limiter = new RateLimiter(options.rateLimit ?? defaultRateLimit);

  return async (event, context) => {
    const rawText = readIncomingText(event);
    if (rawText === undefined || isBacklog(event, context.now(), commandMaxAgeMs)) return;
    const isDirect = context.isDirectRoom(event.room_id);
    const line = readCommandLine(removeControlCharactersKeepingNewlines(rawText.replace(/\t/g, " ")), isDirect);
    if (line === undefined) return;
    const role = context.neighborhood.roomRole(event.room_id);
    const atHome = isDirect || options.homeRoles === undefined || (role !== undefined && options.homeRoles.includes(role));
    if (!atHome && (line.name === helpCommandName || !commandsByName.has(line.name))) return;
    // A reply travels while the room's next command is read: holding the room's queue for each send would
    // make the twentieth neighbor wait for nineteen round trips. A failed reply is logged, not retried here.
    const reply = async (text: RichText): Promise<void> => void sendReply(localpart, context, event, text);

    const decision = limiter.take(event.sender, context.now());
    if (decision === "silent") return;
    if (decision === "warn") {
      return reply(message("Slow down a little… I'll answer again in a few seconds."));
    }
    if (rawText.length > maxCommandLength) {
      return reply(message(`That is too long for a command (the limit is ${maxCommandLength.toLocaleString("en")} characters). Could you shorten it?`));
    }

    const command = commandsByName.get(line.name);
    if (command === undefined) {
      return reply(line.prefixed
        ? unknownCommandReply(line.name)
        : message("I'm a bot and only understand a few commands. Send ", code(helpCommandName), " to see them."));
    }

    const request: CommandRequest = { sender: event.sender, roomId: event.room_id, isDirect, event, context };
    try {
      const rule = permissionRules[command.permission];
      if (!(await rule.allows(request))) {
        return reply(message(`Only ${rule.whoMay} can use `, commandLabel(command.name), "."));
      }
      const result = await command.execute(line.argumentText, request);
      if (!result.ok) return reply(message(result.problem, " Usage: ", code(command.usage)));
      if (result.reply !== undefined) return reply(result.reply);
    } catch (error) {
      logBotError(localpart, `command ${commandPrefix}${command.name} in ${event.room_id}`, error);
      return reply(message("Something went wrong with ", commandLabel(command.name), "; the box operator can see the details in the log."));
    }
  };
}
