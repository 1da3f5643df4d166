// Runs each bot's timed work (onTick): once right after start, then every interval; a bot's tick never
// overlaps its previous one, and one bot's slow or failing tick does not hold up the others.
import type { BotContext, BotDefinition } from "../../bots/framework/contract.ts";
import { describeError, type HostLog } from "./hostLog.ts";

export interface TickingBot {
  definition: BotDefinition;
  context: BotContext;
}

export interface BotTicker {
  stop(): Promise<void>;
}

export function startBotTicker(bots: readonly TickingBot[], intervalMs: number, log: HostLog): BotTicker {
  let stopped = false;
  const running = bots.flatMap(({ definition, context }) => {
    const onTick = definition.onTick;
    if (onTick === undefined) return [];
    let timer: NodeJS.Timeout | undefined;
    let current: Promise<void> = Promise.resolve();
    const tick = () => {
      current = onTick
        .call(definition, context)
        .catch((error: unknown) => log.error("bot timed work failed", { bot: definition.localpart, ...describeError(error) }))
        .finally(() => {
          if (!stopped) timer = setTimeout(tick, intervalMs);
        });
    };
    tick();
    return [{ cancel: () => clearTimeout(timer), settled: () => current }];
  });
  return {
    async stop() {
      stopped = true;
      for (const bot of running) bot.cancel();
      await Promise.all(running.map((bot) => bot.settled()));
    },
  };
}
