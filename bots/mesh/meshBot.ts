// The mesh bot: posts one message per mesh incident in Mesh alerts (edited when resolved), tells node
// owners, holds back silenced nodes, and tells the Lobby when the internet connection is down.

import type { BotDefinition } from "../framework/contract.ts";
import { defineBot } from "../framework/defineBot.ts";
import { words } from "../framework/speak.ts";
import { receiveAlerts } from "./alertsWebhook.ts";
import { meshCommand } from "./meshCommand.ts";
import { meshLocalpart } from "./delivery.ts";
import { syncWithMatrix } from "./meshSync.ts";
import { createSerialQueue } from "./serialQueue.ts";

/** A fresh bot with its own work queue (tests make several; the box runs `meshBot`). */
export function createMeshBot(): BotDefinition {
  const serially = createSerialQueue();
  return defineBot({
    localpart: meshLocalpart,
    homeRoles: ["mesh-alerts"],
    displayName: words("mesh.displayName"),
    about: words("mesh.about"),
    summary: words("mesh.summary"),
    commands: [meshCommand],
    onTick: (context) => serially(() => syncWithMatrix(context)),
    webhooks: { alerts: (body, context) => serially(() => receiveAlerts(body, context)) },
  });
}

export const meshBot = createMeshBot();
