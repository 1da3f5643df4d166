// For the operator and Prometheus: /health and /metrics. No auth, and nothing secret in either.
import express, { type Router } from "express";
import type { HostMetrics } from "./hostMetrics.ts";

export function operationsRouter(metrics: HostMetrics, pendingInbox: () => number): Router {
  const router = express.Router();
  router.get("/health", (_req, res) => {
    res.json({ status: "ok", inbox: pendingInbox() });
  });
  router.get("/metrics", async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
