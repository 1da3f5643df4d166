// `Authorization: Bearer <token>` (RFC 6750), read from a request's header and checked against the one
// token a server expects, in constant time. The appservice host (its homeserver and webhook tokens) and
// the mesh monitor (its push token) both check tokens this way; each answers a refusal in its own
// clients' terms (Matrix errors, the monitor's JSON), so this module only says what it found.

import { createHash, timingSafeEqual } from "node:crypto";

// One space or more, one token, trailing spaces tolerated: what clients send, and nothing looser.
const bearerPattern = /^Bearer +(\S+) *$/i;

/** The token of an `Authorization: Bearer <token>` header; undefined when there is none or another scheme. */
export function bearerToken(header: string | undefined): string | undefined {
  return bearerPattern.exec(header ?? "")?.[1];
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** A constant-time check against `expected`: both sides are hashed first, so the buffers are of equal length and not even the length leaks. */
export function tokenMatcher(expected: string): (candidate: string) => boolean {
  const wanted = digest(expected);
  return (candidate) => timingSafeEqual(digest(candidate), wanted);
}

export type BearerCheck = "missing" | "wrong" | "ok";

/** What a request's Authorization header says against `expected`: no bearer token, a wrong one, or the right one. */
export function bearerChecker(expected: string): (header: string | undefined) => BearerCheck {
  const matches = tokenMatcher(expected);
  return (header) => {
    const token = bearerToken(header);
    if (token === undefined) return "missing";
    return matches(token) ? "ok" : "wrong";
  };
}
