// The appservice's HTTP surface as one express app: operations endpoints, transaction intake, queries,
// and Matrix-style answers for everything else.
import express, { type Express, type Router } from "express";
import type { HostLog } from "./hostLog.ts";
import type { HostMetrics } from "./hostMetrics.ts";
import { appserviceQueriesRouter } from "./appserviceQueries.ts";
import { matrixErrorHandler, sendMatrixError } from "./matrixErrors.ts";
import { operationsRouter } from "./operationsEndpoints.ts";
import type { TransactionAdmission } from "./transactionAdmission.ts";
import { transactionIntakeRouter } from "./transactionIntake.ts";

export interface IntakeAppOptions {
  hsToken: string;
  /** `durableAdmission(...)` for the real thing; the benchmark brings its floor (one durable commit). */
  admission: TransactionAdmission;
  metrics: HostMetrics;
  pendingInbox(): number;
  provideUser(userId: string): Promise<boolean>;
  log: HostLog;
  bodyLimit?: string | number;
  /** Takes in a transaction's encryption parts (room keys, device lists) before its events; see hostCrypto.ts. */
  receiveCryptoParts?: (body: Record<string, unknown>) => Promise<void>;
  /** More endpoints served beside the appservice API (bots' webhooks). */
  extraRouters?: readonly Router[];
}

// Synapse sends up to 100 events per transaction, each up to 64 KiB: a lower cap could reject a genuine
// transaction, which Synapse would then retry forever. The token is checked before any body is read.
export const defaultBodyLimit = "8mb";

export function createIntakeApp(options: IntakeAppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.use(operationsRouter(options.metrics, options.pendingInbox));
  app.use(
    transactionIntakeRouter({
      hsToken: options.hsToken,
      bodyLimit: options.bodyLimit ?? defaultBodyLimit,
      admission: options.admission,
      metrics: options.metrics,
      log: options.log,
      ...(options.receiveCryptoParts === undefined ? {} : { receiveCryptoParts: options.receiveCryptoParts }),
    }),
  );
  app.use(appserviceQueriesRouter({ hsToken: options.hsToken, provideUser: options.provideUser, log: options.log }));
  for (const router of options.extraRouters ?? []) app.use(router);
  // Legacy unprefixed paths land here too: Synapse has used the /_matrix/app/v1 paths for years.
  app.use((_req, res) => sendMatrixError(res, 404, "M_UNRECOGNIZED", "Unrecognized request"));
  app.use(matrixErrorHandler(options.log));
  return app;
}
