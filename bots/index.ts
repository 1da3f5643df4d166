// Every bot this box runs; the appservice host registers and serves exactly these.

import type { BotDefinition } from "./framework/contract.ts";
import { meshBot } from "./mesh/meshBot.ts";
import { pollsBot } from "./polls/pollsBot.ts";
import { porchBot } from "./porch/porchBot.ts";
import { shareBot } from "./share/shareBot.ts";

export const allBots: BotDefinition[] = [porchBot, shareBot, pollsBot, meshBot];
