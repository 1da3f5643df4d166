// The few Synapse admin calls the box needs: the operator's account (shared-secret registration),
// the operator's login, and registration tokens.
import { createHmac, randomInt } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export class HomeserverError extends Error {
  readonly status: number;
  readonly errcode: string | undefined;
  constructor(status: number, errcode: string | undefined, message: string) {
    super(message);
    this.status = status;
    this.errcode = errcode;
  }
}

async function call(baseUrl: string, method: string, path: string, body?: unknown, accessToken?: string): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const payload = (await response.json().catch(() => ({}))) as { errcode?: string; error?: string };
  if (!response.ok) {
    throw new HomeserverError(response.status, payload.errcode, `${method} ${path.split("?")[0]}: ${payload.error ?? response.statusText}`);
  }
  return payload;
}

/** Creates the account with the registration shared secret; resolves false when it already exists. */
export async function registerWithSharedSecret(
  baseUrl: string,
  sharedSecret: string,
  account: { username: string; password: string; admin: boolean },
): Promise<boolean> {
  const { nonce } = (await call(baseUrl, "GET", "/_synapse/admin/v1/register")) as { nonce: string };
  const mac = createHmac("sha1", sharedSecret)
    .update([nonce, account.username, account.password, account.admin ? "admin" : "notadmin"].join("\0"))
    .digest("hex");
  try {
    await call(baseUrl, "POST", "/_synapse/admin/v1/register", { nonce, ...account, mac });
    return true;
  } catch (error) {
    if (error instanceof HomeserverError && error.errcode === "M_USER_IN_USE") return false;
    throw error;
  }
}

export async function passwordLogin(baseUrl: string, username: string, password: string, deviceName: string): Promise<string> {
  const result = (await call(baseUrl, "POST", "/_matrix/client/v3/login", {
    type: "m.login.password",
    identifier: { type: "m.id.user", user: username },
    password,
    initial_device_display_name: deviceName,
  })) as { access_token: string };
  return result.access_token;
}

/**
 * An access token for the operator, reused from its 0600 cache file while the homeserver accepts it, so
 * that operator commands do not pile up devices.
 */
export async function operatorAccessToken(baseUrl: string, operator: { username: string; password: string }, cacheFile: string): Promise<string> {
  if (existsSync(cacheFile)) {
    const cached = readFileSync(cacheFile, "utf8").trim();
    try {
      await call(baseUrl, "GET", "/_matrix/client/v3/account/whoami", undefined, cached);
      return cached;
    } catch (error) {
      if (!(error instanceof HomeserverError && error.status === 401)) throw error;
    }
  }
  const token = await passwordLogin(baseUrl, operator.username, operator.password, "BlockShare operator tools");
  writeFileSync(cacheFile, token, { mode: 0o600 });
  return token;
}

export interface RegistrationToken {
  token: string;
  uses_allowed: number | null;
  pending: number;
  completed: number;
  expiry_time: number | null;
}

export const registrationTokens = {
  create: (baseUrl: string, adminToken: string, options: { usesAllowed: number | null; expiryTime: number | null }) =>
    call(
      baseUrl,
      "POST",
      "/_synapse/admin/v1/registration_tokens/new",
      {
        token: readableToken(),
        uses_allowed: options.usesAllowed,
        expiry_time: options.expiryTime,
      },
      adminToken,
    ) as Promise<RegistrationToken>,
  list: async (baseUrl: string, adminToken: string, validOnly = false): Promise<RegistrationToken[]> =>
    (
      (await call(baseUrl, "GET", `/_synapse/admin/v1/registration_tokens${validOnly ? "?valid=true" : ""}`, undefined, adminToken)) as {
        registration_tokens: RegistrationToken[];
      }
    ).registration_tokens,
  revoke: (baseUrl: string, adminToken: string, token: string) =>
    call(baseUrl, "DELETE", `/_synapse/admin/v1/registration_tokens/${encodeURIComponent(token)}`, undefined, adminToken),
};

/**
 * Our own tokens instead of Synapse's: neighbors read them off paper or hear them, so no look-alike
 * characters, and never a leading "-" (Synapse's alphabet has one; `token revoke -x…` then reads as an
 * option). 16 of 31 characters: about 79 bits.
 */
export function readableToken(length = 16): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  return Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join("");
}
