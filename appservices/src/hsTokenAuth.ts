// Checks that a request comes from our homeserver: `Authorization: Bearer <hs_token>`, nothing else
// (the legacy access_token query parameter is not accepted). Reading the header and the constant-time
// compare are common/bearerToken.ts (the mesh monitor checks its push token the same way); the Matrix
// errors are ours.
import type { RequestHandler } from "express";
import { bearerChecker } from "../../common/bearerToken.ts";
import { sendMatrixError } from "./matrixErrors.ts";

export type AuthRejection = "unauthorized" | "forbidden";

export function requireHsToken(hsToken: string, rejected: (why: AuthRejection) => void = () => {}, tokenName = "hs_token"): RequestHandler {
  const check = bearerChecker(hsToken);
  return (req, res, next) => {
    const found = check(req.get("authorization"));
    if (found === "missing") {
      rejected("unauthorized");
      sendMatrixError(res, 401, "M_UNAUTHORIZED", `Missing Authorization: Bearer <${tokenName}> header`);
      return;
    }
    if (found === "wrong") {
      rejected("forbidden");
      sendMatrixError(res, 403, "M_FORBIDDEN", `Bad ${tokenName}`);
      return;
    }
    next();
  };
}
