// The registration token printed on start: an existing one that still has uses left, or a new one.
import { registrationTokens, type RegistrationToken } from "./homeserverAdmin.ts";

const DAY_MS = 86_400_000;

export async function firstNeighborsToken(clientUrl: string, adminToken: string): Promise<RegistrationToken> {
  const valid = await registrationTokens.list(clientUrl, adminToken, true);
  const withUsesLeft = valid.find((token) => token.uses_allowed === null || token.pending + token.completed < token.uses_allowed);
  return withUsesLeft ?? registrationTokens.create(clientUrl, adminToken, { usesAllowed: 10, expiryTime: Date.now() + 7 * DAY_MS });
}

export function describeToken(token: RegistrationToken): string {
  const uses = token.uses_allowed === null ? "unlimited uses" : `${token.uses_allowed - token.completed - token.pending} of ${token.uses_allowed} uses left`;
  const expiry = token.expiry_time === null ? "never expires" : `valid until ${new Date(token.expiry_time).toLocaleString()}`;
  return `${token.token}  (${uses}, ${expiry})`;
}
