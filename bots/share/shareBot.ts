// The sharing board bot: offers, asks and loans in the Sharing room, shared with the pact's blocks.

import type { BotDefinition } from "../framework/contract.ts";
import type { RateLimitOptions } from "../framework/rateLimiter.ts";
import { defineBot } from "../framework/defineBot.ts";
import { words } from "../framework/speak.ts";
import { boardCommands } from "./chat/boardCommands.ts";
import { handleShareEvent } from "./chat/eventHandlers.ts";
import { lifecycleCommands } from "./chat/lifecycleCommands.ts";
import { postCommands } from "./chat/postCommands.ts";
import { runtimeFor, shareLocalpart } from "./chat/shareRuntime.ts";
import { shareTick } from "./chat/timedWork.ts";

/** A share bot; `rateLimit` lets tests run many commands at one fake instant. */
export function createShareBot(options: { rateLimit?: RateLimitOptions } = {}): BotDefinition {
  return defineBot({
    localpart: shareLocalpart,
    homeRoles: ["sharing"],
    displayName: words("share.displayName"),
    about: words("share.about"),
    summary: words("share.summary"),
    commands: [...postCommands, ...lifecycleCommands, ...boardCommands],
    onEvent: handleShareEvent,
    // Photos are messages too (msgtype m.image); text goes to the commands.
    messages: { "m.image": handleShareEvent },
    onTick: (context) => shareTick(runtimeFor(context)),
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
  });
}

export const shareBot: BotDefinition = createShareBot();
