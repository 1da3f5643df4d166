// The homeserver's other calls to the appservice: ping, user query, room alias query.
import express, { type Router } from "express";
import type { HostLog } from "./hostLog.ts";
import { describeError } from "./hostLog.ts";
import { requireHsToken } from "./hsTokenAuth.ts";
import { sendMatrixError } from "./matrixErrors.ts";

export interface AppserviceQueriesOptions {
  hsToken: string;
  /** Creates the user if it is one of ours and resolves true; false for any other user. */
  provideUser(userId: string): Promise<boolean>;
  log: HostLog;
}

export function appserviceQueriesRouter(options: AppserviceQueriesOptions): Router {
  const router = express.Router();
  const authenticated = requireHsToken(options.hsToken);

  router.post("/_matrix/app/v1/ping", authenticated, (_req, res) => {
    res.json({});
  });

  router.get("/_matrix/app/v1/users/:userId", authenticated, async (req, res) => {
    const userId = String(req.params.userId);
    try {
      if (await options.provideUser(userId)) res.json({});
      else sendMatrixError(res, 404, "M_NOT_FOUND", "No such user in this appservice");
    } catch (error) {
      options.log.error("could not create a bot user", { userId, ...describeError(error) });
      sendMatrixError(res, 500, "M_UNKNOWN", "Could not create the user");
    }
  });

  // We claim no alias namespace, so there is never a room to create for an alias.
  router.get("/_matrix/app/v1/rooms/:alias", authenticated, (_req, res) => {
    sendMatrixError(res, 404, "M_NOT_FOUND", "This appservice manages no room aliases");
  });

  return router;
}
