// A bot is data too: who it is, what it says about itself, its commands, and an optional handler
// for everything that is not a text message (memberships, reactions…). defineBot adds !help and
// turns that into the BotDefinition the appservice host runs.

import type { BotContext, BotDefinition, MatrixEvent, RoomRole, WebhookHandler } from "./contract.ts";
import { createCommandDispatcher } from "./commandDispatcher.ts";
import type { Command } from "./defineCommand.ts";
import { helpCommand, helpCommandName, type HelpOverview } from "./helpCommand.ts";
import { languageCommand, languageCommandName } from "./languageCommand.ts";
import type { RateLimitOptions } from "./rateLimiter.ts";
import { sourceLanguage } from "./languages.ts";
import { sayPhrase, type Phrase } from "./speak.ts";
import { undecryptableReply } from "./undecryptableReply.ts";

export type EventHandler = (event: MatrixEvent, context: BotContext) => Promise<void> | void;

/** Text that neighbors type: what the commands read. Every other msgtype is routed by `messages`. */
const textMsgtypes = new Set(["m.text", "m.notice", "m.emote"]);

export interface BotSpec {
  localpart: string;
  /**
   * The bot's name: `words(key)` says it in the reader's language at the top of its !help; its Matrix
   * profile (one name for everyone, set by the host) takes the English.
   */
  displayName: Phrase;
  /** One sentence for the top of !help. */
  about: Phrase;
  /** One short line for the Lobby's overview of the bots: what this bot does for a neighbor. */
  summary?: Phrase;
  /** Said in this bot's !help after its `about`, e.g. the porch's overview of the other bots. */
  helpOverview?: HelpOverview;
  commands: readonly Command[];
  /**
   * Handlers by event type ("m.reaction", "m.room.member", "org.matrix.msc3381.poll.response"…), and for
   * m.room.message by msgtype that is not text ("m.image"): text messages go to the commands. Errors are
   * caught and logged.
   */
  events?: Readonly<Record<string, EventHandler>>;
  messages?: Readonly<Record<string, EventHandler>>;
  /** Every other event that is not a text message (memberships etc.), after `events`. */
  onEvent?: EventHandler;
  /** Timed work, about once a second (see BotDefinition.onTick). Errors are caught and logged. */
  onTick?: (context: BotContext) => Promise<void> | void;
  /** HTTP webhooks by name (see BotDefinition.webhooks). */
  webhooks?: Readonly<Record<string, WebhookHandler>>;
  /** Rooms where this bot answers !help and unknown commands (see DispatcherOptions.homeRoles). */
  homeRoles?: readonly RoomRole[];
  /** Defaults to a burst of 5 commands, then one every 3 seconds, per neighbor. */
  rateLimit?: RateLimitOptions;
}

export function defineBot(spec: BotSpec): BotDefinition {
  const help = helpCommand(
    { displayName: spec.displayName, about: spec.about, ...(spec.helpOverview === undefined ? {} : { overview: spec.helpOverview }) },
    () => allCommands,
  );
  const allCommands: readonly Command[] = [...spec.commands, help, languageCommand()];
  const names = new Set<string>();
  for (const command of allCommands) {
    for (const name of [command.name, ...command.aliases]) {
      if (names.has(name))
        throw new Error(`bot "${spec.localpart}": command "${name}" is defined twice (${helpCommandName} and ${languageCommandName} are built in)`);
      names.add(name);
    }
  }
  const dispatchCommand = createCommandDispatcher({
    localpart: spec.localpart,
    commands: allCommands,
    rateLimit: spec.rateLimit,
    ...(spec.homeRoles === undefined ? {} : { homeRoles: spec.homeRoles }),
  });
  const { onEvent, onTick } = spec;
  // Built in for every bot, like !help: what the host could not decrypt is answered, never ignored.
  const events: Readonly<Record<string, EventHandler>> = { "m.room.encrypted": undecryptableReply(), ...spec.events };
  const messages = spec.messages ?? {};
  // One route per event: a table, not a chain of ifs; what is not routed is not this bot's business.
  const routeOf = (event: MatrixEvent): EventHandler | undefined => {
    if (event.type !== "m.room.message") return Object.hasOwn(events, event.type) ? events[event.type] : onEvent;
    const msgtype = typeof event.content.msgtype === "string" ? event.content.msgtype : "";
    if (Object.hasOwn(messages, msgtype)) return messages[msgtype];
    return textMsgtypes.has(msgtype) || msgtype === "" ? dispatchCommand : undefined;
  };

  return {
    localpart: spec.localpart,
    displayName: sayPhrase(sourceLanguage, spec.displayName).text,
    name: spec.displayName,
    ...(spec.summary === undefined ? {} : { summary: spec.summary }),
    ...(spec.homeRoles === undefined ? {} : { homeRoles: spec.homeRoles }),
    async handleEvent(event, context) {
      // The host runs every bot: one bot's failure must not stop the room's queue.
      try {
        await routeOf(event)?.(event, context);
      } catch (error) {
        context.log.error(`handling ${event.type} in ${event.room_id}`, error);
      }
    },
    ...(onTick === undefined
      ? {}
      : {
          async onTick(context: BotContext) {
            try {
              await onTick(context);
            } catch (error) {
              context.log.error("timed work", error);
            }
          },
        }),
    ...(spec.webhooks === undefined ? {} : { webhooks: spec.webhooks }),
  };
}
