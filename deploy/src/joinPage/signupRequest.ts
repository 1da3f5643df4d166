// The sign-up form as the endpoint accepts it: checked here, before anything reaches Synapse, so a
// weak password or unticked norms never costs a registration attempt.
import { PASSWORD_MIN_LENGTH, USERNAME_PATTERN, type Refusal } from "./signupOutcome.ts";

export interface SignupRequest {
  username: string;
  displayName: string;
  password: string;
  token: string;
}

const text = (value: unknown): string => (typeof value === "string" ? value : "");

/** A valid request, or the first thing wrong with it (in the order the form shows its fields). */
export function parseSignup(body: unknown): SignupRequest | Refusal {
  const fields = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const username = normalizedUsername(text(fields.username));
  const password = text(fields.password);
  const token = text(fields.token).trim();
  if (!USERNAME_PATTERN.test(username)) return { kind: "name-not-allowed" };
  if ([...password].length < PASSWORD_MIN_LENGTH) return { kind: "password-weak" };
  if (!token) return { kind: "token-missing" };
  if (fields.acceptNorms !== true) return { kind: "norms-not-accepted" };
  const displayName = text(fields.displayName).trim().slice(0, 100) || username;
  return { username, displayName, password, token };
}

/** Phones capitalise the first letter; Matrix usernames are lowercase. */
export function normalizedUsername(typed: string): string {
  return typed.trim().replace(/^@/, "").toLowerCase();
}

export function isRefusal(value: SignupRequest | Refusal): value is Refusal {
  return "kind" in value;
}
