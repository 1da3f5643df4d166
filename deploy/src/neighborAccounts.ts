// Which of the homeserver's accounts are neighbors, for `status`: not the appservice's users (the bots and
// their sender, exactly the registration's user namespace, as Synapse itself reads it), and not the
// operator's admin account unless the neighborhood file says `operator_is_neighbor: true`.
import { readFileSync } from "node:fs";
import { parse } from "yaml";

export interface AccountKinds {
  isServiceAccount(userId: string): boolean;
  operatorUserId: string;
  operatorIsNeighbor: boolean;
}

export interface NeighborCount {
  neighbors: number;
  serviceAccounts: number;
  /** The operator's admin account exists and is left out (operator_is_neighbor: false). */
  operatorLeftOut: boolean;
}

/** Sorts a list of full Matrix IDs (active, non-guest accounts of this server) into neighbors and the rest. */
export function countNeighbors(userIds: readonly string[], kinds: AccountKinds): NeighborCount {
  const unique = [...new Set(userIds)];
  const serviceAccounts = unique.filter((userId) => kinds.isServiceAccount(userId)).length;
  const operatorLeftOut = !kinds.operatorIsNeighbor && unique.includes(kinds.operatorUserId) && !kinds.isServiceAccount(kinds.operatorUserId);
  return { neighbors: unique.length - serviceAccounts - (operatorLeftOut ? 1 : 0), serviceAccounts, operatorLeftOut };
}

/** The status line: how many neighbors, and what was not counted, so the total never looks wrong. */
export function describeNeighborCount(count: NeighborCount, operatorUserId: string): string {
  const leftOut = [
    ...(count.serviceAccounts > 0 ? [`${count.serviceAccounts} bot account${count.serviceAccounts === 1 ? "" : "s"}`] : []),
    ...(count.operatorLeftOut ? [`the operator's ${operatorUserId}`] : []),
  ];
  const accounts = `${count.neighbors} account${count.neighbors === 1 ? "" : "s"}`;
  return leftOut.length === 0 ? accounts : `${accounts} (not counted: ${leftOut.join(", ")})`;
}

interface RegistrationFile {
  namespaces?: { users?: { regex?: unknown }[] };
}

/**
 * The appservice's users, from the registration file Synapse reads: its user namespace regexes (ours
 * are plain alternations of escaped localparts, the same in Python and JavaScript).
 */
export function serviceAccountsOf(registrationText: string): (userId: string) => boolean {
  const registration = (parse(registrationText) ?? {}) as RegistrationFile;
  const patterns = (registration.namespaces?.users ?? [])
    .map((entry) => entry.regex)
    .filter((regex): regex is string => typeof regex === "string")
    .map((regex) => new RegExp(regex));
  return (userId) => patterns.some((pattern) => pattern.test(userId));
}

export function readServiceAccounts(registrationFile: string): (userId: string) => boolean {
  try {
    return serviceAccountsOf(readFileSync(registrationFile, "utf8"));
  } catch (error) {
    throw new Error(`cannot read the appservice registration ${registrationFile} to tell the bots' accounts apart: ${(error as Error).message}`);
  }
}

interface UserPage {
  users?: { name?: unknown }[];
  next_token?: unknown;
}

// 1,000 pages of 500: far more accounts than a block has, and the loop still ends.
const pageSize = 500;
const maxPages = 1000;

/** Every active, non-guest account of this homeserver (Synapse's admin API lists local accounts only). */
export async function listAccounts(clientUrl: string, adminToken: string): Promise<string[]> {
  const accounts: string[] = [];
  let from = "0";
  for (let page = 0; page < maxPages; page += 1) {
    const query = new URLSearchParams({ from, limit: String(pageSize), guests: "false", deactivated: "false" });
    const response = await fetch(`${clientUrl}/_synapse/admin/v2/users?${query}`, {
      headers: { authorization: `Bearer ${adminToken}` },
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await response.json().catch(() => ({}))) as UserPage & { error?: string };
    if (!response.ok) throw new Error(`${response.status} ${body.error ?? response.statusText}`);
    for (const user of body.users ?? []) if (typeof user.name === "string") accounts.push(user.name);
    if (body.next_token === undefined || body.next_token === null) return accounts;
    from = String(body.next_token);
  }
  return accounts;
}
