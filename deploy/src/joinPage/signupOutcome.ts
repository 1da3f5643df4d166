// What a sign-up through the join page came to, and how each outcome reads to the neighbor: one
// renderer, so the page, its tests and the HTTP status agree on the plain words, in the page's language.
import type { Language, MessageKey } from "../../../bots/framework/languages.ts";
import { sayPlain } from "../../../bots/framework/speak.ts";

export type SignupOutcome =
  | { kind: "created"; userId: string }
  | { kind: "token-missing" }
  | { kind: "token-invalid" }
  | { kind: "name-taken" }
  | { kind: "name-not-allowed" }
  | { kind: "password-weak" }
  | { kind: "norms-not-accepted" }
  | { kind: "too-many-attempts" }
  | { kind: "server-unavailable" };

export type Refusal = Exclude<SignupOutcome, { kind: "created" }>;

/** The password rule the page states up front and the endpoint enforces. */
export const PASSWORD_MIN_LENGTH = 10;
/** Matrix user IDs allow a few more characters; we keep to what is easy to type on a phone. */
export const USERNAME_PATTERN = /^[a-z0-9._-]{1,32}$/;

/** The username rule as the page states it up front and the refusals repeat it. */
export function usernameRule(language: Language): string {
  return sayPlain(language, "join.form.usernameRule");
}

// Each refusal's HTTP status, the form field to fix, and its words in the catalogs (web.json).
const refusals: Record<Refusal["kind"], { status: number; field?: string; key: MessageKey }> = {
  "token-missing": { status: 400, field: "token", key: "join.refusal.tokenMissing" },
  "token-invalid": { status: 403, field: "token", key: "join.refusal.tokenInvalid" },
  "name-taken": { status: 409, field: "username", key: "join.refusal.nameTaken" },
  "name-not-allowed": { status: 400, field: "username", key: "join.refusal.nameNotAllowed" },
  "password-weak": { status: 400, field: "password", key: "join.refusal.passwordWeak" },
  "norms-not-accepted": { status: 400, field: "accept", key: "join.refusal.normsNotAccepted" },
  "too-many-attempts": { status: 429, key: "join.refusal.tooManyAttempts" },
  "server-unavailable": { status: 503, key: "join.refusal.serverUnavailable" },
};

/** A refusal in plain words, in `language`. */
export function refusalMessage(refusal: Refusal["kind"], language: Language): string {
  return sayPlain(language, refusals[refusal].key, { rule: usernameRule(language), min: PASSWORD_MIN_LENGTH });
}

export interface RenderedOutcome {
  status: number;
  body: { ok: true; userId: string } | { ok: false; error: Refusal["kind"]; field?: string; message: string };
}

export function renderOutcome(outcome: SignupOutcome, language: Language): RenderedOutcome {
  if (outcome.kind === "created") return { status: 200, body: { ok: true, userId: outcome.userId } };
  const { status, field } = refusals[outcome.kind];
  return { status, body: { ok: false, error: outcome.kind, message: refusalMessage(outcome.kind, language), ...(field ? { field } : {}) } };
}
