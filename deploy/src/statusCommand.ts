// `deploy/blockshare status`: is the running neighborhood healthy, as the operator needs to know it.
import { synapsePaths } from "../../homeserver-config/synapseConfig.ts";
import { openOperatorSession } from "./operatorSession.ts";
import { registrationTokens } from "./homeserverAdmin.ts";
import { countNeighbors, describeNeighborCount, listAccounts, readServiceAccounts } from "./neighborAccounts.ts";
import { APPSERVICE_ID } from "./startNeighborhood.ts";

interface Check {
  name: string;
  probe(): Promise<string>;
}

// The fields each check reads are the spec's (or Synapse's admin API's) own.
interface StatusReplies {
  server_version?: string;
  duration_ms?: number;
  inbox?: number;
}

async function getJson(url: string, init: RequestInit = {}): Promise<StatusReplies> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${response.status} ${(body as { error?: string }).error ?? response.statusText}`);
  return body as StatusReplies;
}

export async function showStatus(file: string): Promise<void> {
  const session = openOperatorSession(file);
  const { neighborhood, clientUrl, secrets } = session;
  const admin = { authorization: `Bearer ${await session.adminToken().catch(() => "")}` };
  const checks: Check[] = [
    {
      name: "Homeserver",
      probe: async () => `up, Synapse ${(await getJson(`${clientUrl}/_synapse/admin/v1/server_version`)).server_version} at ${clientUrl}`,
    },
    {
      // Synapse calls the appservice back: proves both directions work, with the hs_token.
      name: "Bots (appservice)",
      probe: async () => {
        const { duration_ms } = await getJson(`${clientUrl}/_matrix/client/v1/appservice/${APPSERVICE_ID}/ping`, {
          method: "POST",
          headers: { authorization: `Bearer ${secrets.appservice_as_token}`, "content-type": "application/json" },
          body: "{}",
        });
        const health = await getJson(`http://127.0.0.1:${neighborhood.ports.appservice}/health`);
        return `reachable from the homeserver in ${duration_ms} ms; ${health.inbox} event(s) waiting`;
      },
    },
    {
      // People, not accounts: the bots and the operator's admin account are left out (unless operator_is_neighbor).
      name: "Neighbors",
      probe: async () => {
        const operatorUserId = `@${neighborhood.operator}:${neighborhood.server_name}`;
        const count = countNeighbors(await listAccounts(clientUrl, admin.authorization.slice(7)), {
          isServiceAccount: readServiceAccounts(synapsePaths(neighborhood.dataDir).appserviceRegistration),
          operatorUserId,
          operatorIsNeighbor: neighborhood.operator_is_neighbor,
        });
        return describeNeighborCount(count, operatorUserId);
      },
    },
    {
      name: "Registration tokens",
      probe: async () => `${(await registrationTokens.list(clientUrl, admin.authorization.slice(7), true)).length} usable`,
    },
  ];
  let healthy = true;
  console.log(`${neighborhood.name} (${neighborhood.server_name})`);
  for (const check of checks) {
    const line = await check.probe().catch((error: Error) => {
      healthy = false;
      return `NOT OK: ${error.cause ? "not reachable" : error.message}`;
    });
    console.log(`  ${check.name.padEnd(20)} ${line}`);
  }
  if (!healthy) process.exitCode = 1;
}
