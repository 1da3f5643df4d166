// Checks that a request comes from our homeserver: `Authorization: Bearer <hs_token>`, nothing else
// (the legacy access_token query parameter is not accepted).
import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { sendMatrixError } from "./matrixErrors.ts";

export type AuthRejection = "unauthorized" | "forbidden";

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** Constant-time comparison; hashing first gives equal-length buffers, so not even the length leaks. */
export function hsTokenMatcher(hsToken: string): (candidate: string) => boolean {
  const expected = digest(hsToken);
  return (candidate) => timingSafeEqual(digest(candidate), expected);
}

const bearerPattern = /^Bearer +(\S+) *$/i;

export function requireHsToken(hsToken: string, rejected: (why: AuthRejection) => void = () => {}, tokenName = "hs_token"): RequestHandler {
  const matches = hsTokenMatcher(hsToken);
  return (req, res, next) => {
    const token = bearerPattern.exec(req.get("authorization") ?? "")?.[1];
    if (token === undefined) {
      rejected("unauthorized");
      sendMatrixError(res, 401, "M_UNAUTHORIZED", `Missing Authorization: Bearer <${tokenName}> header`);
      return;
    }
    if (!matches(token)) {
      rejected("forbidden");
      sendMatrixError(res, 403, "M_FORBIDDEN", `Bad ${tokenName}`);
      return;
    }
    next();
  };
}
