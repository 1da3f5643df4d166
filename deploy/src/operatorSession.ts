// What operator commands share: the neighborhood's file, its secrets and an admin token for the
// running homeserver.
import { existsSync } from "node:fs";
import { loadNeighborhood, type LoadedNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { ensureSecrets, type Secrets } from "../../homeserver-config/secrets.ts";
import { synapsePaths } from "../../homeserver-config/synapseConfig.ts";
import { operatorAccessToken } from "./homeserverAdmin.ts";
import { localClientUrl, operatorTokenCache } from "./startNeighborhood.ts";
import { UsageError } from "./usageError.ts";

export interface OperatorSession {
  neighborhood: LoadedNeighborhood;
  secrets: Secrets;
  clientUrl: string;
  adminToken(): Promise<string>;
}

export function openOperatorSession(file: string): OperatorSession {
  if (!existsSync(file)) throw new UsageError(`No neighborhood file at ${file}: start the neighborhood first (deploy/blockshare run).`);
  const neighborhood = loadNeighborhood(file);
  const secrets = ensureSecrets(synapsePaths(neighborhood.dataDir).secrets);
  const clientUrl = localClientUrl(neighborhood);
  return {
    neighborhood,
    secrets,
    clientUrl,
    adminToken: async () => {
      try {
        return await operatorAccessToken(clientUrl, { username: neighborhood.operator, password: secrets.operator_password }, operatorTokenCache(neighborhood));
      } catch (error) {
        if ((error as { cause?: { code?: string } }).cause?.code === "ECONNREFUSED") {
          throw new UsageError(`The homeserver is not running at ${clientUrl}: start it with deploy/blockshare run.`);
        }
        throw error;
      }
    },
  };
}
