// Performs a checked sign-up against Synapse's client API, the way Element would: user-interactive
// registration (m.login.registration_token, then m.login.dummy
// if asked), then the display name. The access token it gets is logged out at once: the page keeps
// no session, and the password only passes through.
import type { SignupOutcome } from "./signupOutcome.ts";
import type { SignupRequest } from "./signupRequest.ts";

interface Reply {
  status: number;
  body: Record<string, any>;
}

class Unavailable extends Error {}

// A sign-up evening on a small box can keep one registration waiting for tens of seconds (password
// hashing is slow on purpose); the page waits as long as a neighbor would.
const CALL_TIMEOUT_MS = 60_000;

async function call(url: string, init: RequestInit = {}): Promise<Reply> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
  } catch {
    throw new Unavailable();
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, any>;
  return { status: response.status, body };
}

const json = (body: unknown, accessToken?: string): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) },
  body: JSON.stringify(body),
});

/** Synapse's refusals, as the neighbor should read them. */
function refusalOf(reply: Reply): SignupOutcome {
  const byErrcode: Record<string, SignupOutcome> = {
    M_USER_IN_USE: { kind: "name-taken" },
    M_INVALID_USERNAME: { kind: "name-not-allowed" },
    M_EXCLUSIVE: { kind: "name-not-allowed" },
    M_WEAK_PASSWORD: { kind: "password-weak" },
    M_LIMIT_EXCEEDED: { kind: "too-many-attempts" },
  };
  return byErrcode[reply.body.errcode] ?? (reply.status === 401 ? { kind: "token-invalid" } : { kind: "server-unavailable" });
}

export async function signUpWithSynapse(clientUrl: string, request: SignupRequest): Promise<SignupOutcome> {
  try {
    return await signUp(clientUrl, request);
  } catch (error) {
    if (error instanceof Unavailable) return { kind: "server-unavailable" };
    throw error;
  }
}

async function signUp(clientUrl: string, request: SignupRequest): Promise<SignupOutcome> {
  // No separate look-up at /register/m.login.registration_token/validity: it carries the token in a
  // URL (where access logs keep it), Synapse limits it to a few per address (every sign-up here comes
  // from loopback), and it cannot tell expired from used up or revoked either. The registration stage
  // below refuses a bad token with the same outcome, the token in a POST body.
  const registerUrl = `${clientUrl}/_matrix/client/v3/register`;
  const base = { username: request.username, password: request.password, initial_device_display_name: "join page" };
  let reply = await call(registerUrl, json(base));
  for (let stage = 0; stage < 4 && reply.status === 401 && Array.isArray(reply.body.flows); stage++) {
    const completed: string[] = reply.body.completed ?? [];
    // A wrong token comes back as 401 with the token stage still to do.
    if (stage > 0 && reply.body.errcode) return refusalOf(reply);
    const flow = (reply.body.flows as { stages: string[] }[]).find((f) => f.stages.includes("m.login.registration_token")) ?? reply.body.flows[0];
    const next = flow?.stages.find((s: string) => !completed.includes(s));
    if (!next) break;
    const auth =
      next === "m.login.registration_token" ? { type: next, token: request.token, session: reply.body.session } : { type: next, session: reply.body.session };
    reply = await call(registerUrl, json({ ...base, auth })).catch((error: unknown) =>
      error instanceof Unavailable ? loginIfCreated(clientUrl, request, error) : Promise.reject(error),
    );
  }
  if (reply.status !== 200) return refusalOf(reply);

  const userId: string = reply.body.user_id;
  const accessToken: string = reply.body.access_token;
  await call(`${clientUrl}/_matrix/client/v3/profile/${encodeURIComponent(userId)}/displayname`, {
    ...json({ displayname: request.displayName }, accessToken),
    method: "PUT",
  });
  await call(`${clientUrl}/_matrix/client/v3/logout`, json({}, accessToken));
  return { kind: "created", userId };
}

/**
 * Synapse finishes a registration even when the page stopped waiting for it: the account may exist,
 * with the invitation's use spent. Logging in with the password the neighbor just chose tells (only the
 * new account's owner knows it), so the page says "created" rather than "try again" and then "name taken".
 */
async function loginIfCreated(clientUrl: string, request: SignupRequest, unavailable: Unavailable): Promise<Reply> {
  const reply = await call(
    `${clientUrl}/_matrix/client/v3/login`,
    json({ type: "m.login.password", identifier: { type: "m.id.user", user: request.username }, password: request.password }),
  );
  if (reply.status === 200) return reply;
  throw unavailable;
}

export type Availability = "available" | "taken" | "not-allowed" | "unknown";

/** Whether a username can still be had, for the form's as-you-type hint. */
export async function usernameAvailability(clientUrl: string, username: string): Promise<Availability> {
  try {
    const reply = await call(`${clientUrl}/_matrix/client/v3/register/available?username=${encodeURIComponent(username)}`);
    if (reply.status === 200 && reply.body.available === true) return "available";
    const byErrcode: Record<string, Availability> = { M_USER_IN_USE: "taken", M_INVALID_USERNAME: "not-allowed", M_EXCLUSIVE: "not-allowed" };
    return byErrcode[reply.body.errcode] ?? "unknown";
  } catch {
    return "unknown";
  }
}
