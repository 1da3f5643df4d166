// The sharing board bot: offers, asks and loans in the Sharing room, shared with the pact's blocks.

import type { BotDefinition } from "../framework/contract.ts";
import type { RateLimitOptions } from "../framework/rateLimiter.ts";
import { defineBot } from "../framework/defineBot.ts";
import { logBotError } from "../framework/errorLog.ts";
import { boardCommands } from "./chat/boardCommands.ts";
import { handleShareEvent } from "./chat/eventHandlers.ts";
import { lifecycleCommands } from "./chat/lifecycleCommands.ts";
import { postCommands } from "./chat/postCommands.ts";
import { runtimeFor, shareLocalpart } from "./chat/shareRuntime.ts";
import { shareTick } from "./chat/timedWork.ts";

/** A share bot; `rateLimit` lets tests run many commands at one fake instant. */
export function createShareBot(options: { rateLimit?: RateLimitOptions } = {}): BotDefinition {
  const definition = defineBot({
  localpart: shareLocalpart,
  homeRoles: ["sharing"],
  displayName: "Sharing board",
  about: "Give, ask for and lend things to neighbors: !offer, !ask, !lend, then !list to browse. React 👍 to a listing to claim it.",
  summary: "Give away, lend and ask for things; react 👍 to a listing to claim it.",
  commands: [...postCommands, ...lifecycleCommands, ...boardCommands],
  onEvent: handleShareEvent,
  onTick: (context) => shareTick(runtimeFor(context)),
  ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
});

return {
  ...definition,
  async handleEvent(event, context) {
    // The framework routes every m.room.message to commands; photos (m.image) are messages too.
    if (event.type === "m.room.message" && event.content.msgtype === "m.image") {
      try {
        await handleShareEvent(event, context);
      } catch (error) {
        logBotError(shareLocalpart, `handling an image in ${event.room_id}`, error);
      }
      return;
    }
    await definition.handleEvent(event, context);
  },
};
}

export const shareBot: BotDefinition = createShareBot();
