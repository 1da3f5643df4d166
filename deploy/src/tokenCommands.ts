// Operator commands for registration tokens: create, list, revoke.
import { registrationTokens, HomeserverError } from "./homeserverAdmin.ts";
import { describeToken } from "./firstNeighborsToken.ts";
import { openOperatorSession } from "./operatorSession.ts";
import { UsageError } from "./usageError.ts";

const DAY_MS = 86_400_000;

export function wholeNumber(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,6}$/.test(value)) throw new UsageError(`--${option} must be a whole number from 0 to 999999 (got "${value}")`);
  return Number(value);
}

export async function createToken(file: string, uses: string | undefined, expiresDays: string | undefined): Promise<void> {
  const usesAllowed = wholeNumber("uses", uses, 10);
  const days = wholeNumber("expires", expiresDays, 7);
  const session = openOperatorSession(file);
  const token = await registrationTokens.create(session.clientUrl, await session.adminToken(), {
    usesAllowed: usesAllowed === 0 ? null : usesAllowed,
    expiryTime: days === 0 ? null : Date.now() + days * DAY_MS,
  });
  console.log(`New registration token: ${describeToken(token)}`);
  console.log(`Neighbors enter it when they create an account at ${session.neighborhood.public_url}`);
}

export async function listTokens(file: string, all: boolean): Promise<void> {
  const session = openOperatorSession(file);
  const tokens = await registrationTokens.list(session.clientUrl, await session.adminToken(), !all);
  if (tokens.length === 0) {
    console.log(all ? "No registration tokens." : "No usable registration tokens. Create one: deploy/blockshare token create");
    return;
  }
  for (const token of tokens) console.log(describeToken(token));
}

export async function revokeToken(file: string, token: string | undefined): Promise<void> {
  if (!token) throw new UsageError("Which token? Usage: deploy/blockshare token revoke TOKEN");
  const session = openOperatorSession(file);
  try {
    await registrationTokens.revoke(session.clientUrl, await session.adminToken(), token);
  } catch (error) {
    if (error instanceof HomeserverError && error.status === 404) throw new UsageError(`There is no registration token "${token}".`);
    throw error;
  }
  console.log(`Revoked ${token}: nobody can sign up with it any more.`);
}
