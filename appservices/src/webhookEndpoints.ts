// POST /_blockshare/webhooks/:bot/:name — JSON from outside Matrix (the mesh monitor's alerts, a
// Prometheus Alertmanager) handed to the bot that declared that webhook. Bearer webhook token, size cap.
import express, { type Router } from "express";
import type { BotContext, WebhookHandler } from "../../bots/framework/contract.ts";
import { describeError, type HostLog } from "./hostLog.ts";
import { requireHsToken } from "./hsTokenAuth.ts";
import { sendMatrixError } from "./matrixErrors.ts";

export const webhookPath = "/_blockshare/webhooks/:bot/:name";

export interface WebhookBot {
  localpart: string;
  webhooks: Readonly<Record<string, WebhookHandler>>;
  context: BotContext;
}

export interface WebhookEndpointOptions {
  token: string;
  bots: readonly WebhookBot[];
  log: HostLog;
  /** Alertmanager groups can be large, but never megabytes. */
  bodyLimit?: string | number;
}

export function webhookRouter(options: WebhookEndpointOptions): Router {
  const bots = new Map(options.bots.map((bot) => [bot.localpart, bot]));
  const router = express.Router();
  router.post(
    webhookPath,
    requireHsToken(options.token, () => {}, "webhook token"),
    express.json({ limit: options.bodyLimit ?? "1mb", type: () => true }),
    async (req, res) => {
      const localpart = String(req.params.bot);
      const name = String(req.params.name);
      const bot = bots.get(localpart);
      const handler = bot !== undefined && Object.hasOwn(bot.webhooks, name) ? bot.webhooks[name] : undefined;
      if (bot === undefined || handler === undefined) {
        const known = options.bots.flatMap((each) => Object.keys(each.webhooks).map((hook) => `${each.localpart}/${hook}`));
        sendMatrixError(res, 404, "M_NOT_FOUND", `No webhook ${localpart}/${name}; this box serves: ${known.join(", ") || "none"}`);
        return;
      }
      try {
        const reply = await handler(req.body as unknown, bot.context);
        res.status(reply.status).json(reply.body);
      } catch (error) {
        options.log.error("webhook handler failed", { bot: localpart, webhook: name, ...describeError(error) });
        sendMatrixError(res, 500, "M_UNKNOWN", "The bot could not handle this webhook; it was logged");
      }
    },
  );
  return router;
}
