// What a sign-up through the join page came to, and how each outcome reads to the neighbor: one
// renderer, so the page, its tests and the HTTP status agree on the plain words.

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

export const usernameRule = "Usernames use lowercase letters a–z, digits and . _ - (at most 32 characters).";

const refusals: Record<Refusal["kind"], { status: number; field?: string; message: string }> = {
  "token-missing": { status: 400, field: "token", message: "Type the invitation code from your flyer (in the link it comes after “token=”)." },
  "token-invalid": {
    status: 403,
    field: "token",
    message: "This invitation no longer works: it has expired, been used up, or been withdrawn. Ask the neighbor who gave you the flyer for a new one.",
  },
  "name-taken": { status: 409, field: "username", message: "That username is taken. Please choose another one." },
  "name-not-allowed": { status: 400, field: "username", message: `That username is not allowed. ${usernameRule} Some names are kept for the block's helpers.` },
  "password-weak": { status: 400, field: "password", message: `That password is too weak: use at least ${PASSWORD_MIN_LENGTH} characters. A short sentence is easy to remember.` },
  "norms-not-accepted": { status: 400, field: "accept", message: "To join, read the block's norms and tick “I accept the block's norms”." },
  "too-many-attempts": { status: 429, message: "Too many attempts from your connection. Please wait a minute, then try again." },
  "server-unavailable": { status: 503, message: "The block's server did not answer. Please try again in a minute." },
};

export interface RenderedOutcome {
  status: number;
  body: { ok: true; userId: string } | { ok: false; error: Refusal["kind"]; field?: string; message: string };
}

export function renderOutcome(outcome: SignupOutcome): RenderedOutcome {
  if (outcome.kind === "created") return { status: 200, body: { ok: true, userId: outcome.userId } };
  const { status, field, message } = refusals[outcome.kind];
  return { status, body: { ok: false, error: outcome.kind, message, ...(field ? { field } : {}) } };
}
