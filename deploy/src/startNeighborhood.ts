// Brings a whole neighborhood up from its file: configuration, appservice host, Synapse, bot users,
// space and rooms, the operator's account, Element's config. The run command and the test harness both
// start neighborhoods through this one path.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { watchFile, unwatchFile } from "node:fs";
import { loadNeighborhood, type LoadedNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { addToPact, pactMembers, removeFromPact } from "../../homeserver-config/neighborPact.ts";
import { writePactHosts } from "../../homeserver-config/pactHosts.ts";
import { writeHomeserverConfig, type WrittenHomeserverConfig } from "../../homeserver-config/writeHomeserverConfig.ts";
import type { Secrets } from "../../homeserver-config/secrets.ts";
import { buildRegistration } from "../../appservices/src/registration.ts";
import { startAppserviceHost, type AppserviceHost, type AppserviceHostOptions } from "../../appservices/src/appserviceHost.ts";
import { ensureBotUser } from "../../appservices/src/botActions.ts";
import { createAppserviceClient } from "../../appservices/src/appserviceClient.ts";
import type { PactControl } from "../../appservices/src/communitySettings.ts";
import { readCommunityNorms } from "../../appservices/src/communitySettings.ts";
import { initialNorms } from "./blockNorms.ts";
import type { BotDefinition, RoomRole } from "../../bots/framework/contract.ts";
import { allBots } from "../../bots/index.ts";
import { supportedLanguages } from "../../bots/framework/languages.ts";
import { attachAfterRestart, attachToSynapse, ensureSigningKey, localClientUrl, startSynapse, synapsePython, type RunningSynapse } from "./synapseProcess.ts";
import { layoutFor, workerOverrides } from "../../homeserver-config/workers/neighborhoodWorkers.ts";
import { writeWorkerConfigs } from "../../homeserver-config/workers/writeWorkerConfigs.ts";
import { synapsePaths, type SynapsePaths } from "../../homeserver-config/synapseConfig.ts";
import { ensureServerAcl, provisionNeighborhood } from "./provisionNeighborhood.ts";
import { NEIGHBORHOOD_ROOMS, SPACE } from "./neighborhoodRooms.ts";
import { startElementServer, type ElementServer } from "./elementServer.ts";
import { operatorAccessToken, registerWithSharedSecret } from "./homeserverAdmin.ts";

export const APPSERVICE_ID = "blockshare";
export const APPSERVICE_SENDER = "blockshare";

export interface StartOptions {
  /** Extra top-level Synapse settings layered over the generated ones (tests loosen rate limits). */
  synapseOverrides?: Record<string, unknown>;
  bots?: readonly BotDefinition[];
  /** Progress lines for the terminal. */
  progress?: (line: string) => void;
  /** The bots' clock (tests move it to reach due dates). */
  now?: () => number;
  /** How often the neighborhood file is checked for pact changes made by `blockshare neighbor` (default 1 s). */
  pactWatchIntervalMs?: number;
  /**
   * "child" (default): BlockShare runs Synapse. "external": systemd or compose runs it; BlockShare writes
   * its configuration, waits for it, and a config change restarts it through the service manager (the
   * blockshare-synapse-restart path unit).
   */
  synapse?: "child" | "external";
}

export interface RunningNeighborhood {
  /** As last read from the file (a pact change re-reads it). */
  readonly neighborhood: LoadedNeighborhood;
  paths: SynapsePaths;
  secrets: Secrets;
  /** The homeserver URL as reached from this box. */
  clientUrl: string;
  /** The current appservice host (restartBots replaces it). */
  readonly host: AppserviceHost;
  /** Stops the bots' host alone and starts it again from its files (Synapse keeps running and holds what comes meanwhile). */
  restartBots(whileStopped?: () => Promise<void>): Promise<void>;
  /** The current Synapse process (a pact change restarts it). */
  readonly synapse: RunningSynapse;
  /** Resolves if Synapse exits when nobody asked it to. */
  synapseFailed: Promise<number | null>;
  /** Makes the running box match the pact in the neighborhood file: Synapse's config, hosts, ACLs. */
  applyPact(): Promise<void>;
  element: ElementServer;
  rooms: Map<RoomRole, string>;
  operatorUserId: string;
  operatorToken: string;
  stop(): Promise<void>;
}

export { localClientUrl };

export function operatorTokenCache(neighborhood: LoadedNeighborhood): string {
  return join(neighborhood.dataDir, "secrets", "operator_access_token");
}

/**
 * Everything Synapse reads, from the neighborhood file: homeserver.yaml (with the worker layout when
 * workers are on), the appservice registration, secrets (generated once), the pact's hosts entries.
 */
export function writeBlockConfig(
  neighborhood: LoadedNeighborhood,
  bots: readonly BotDefinition[] = allBots,
  overrides: Record<string, unknown> = {},
): WrittenHomeserverConfig {
  writePactHosts(neighborhood);
  return writeHomeserverConfig(
    neighborhood,
    (secrets) =>
      buildRegistration({
        id: APPSERVICE_ID,
        serverName: neighborhood.server_name,
        url: `http://127.0.0.1:${neighborhood.ports.appservice}`,
        asToken: secrets.appservice_as_token,
        hsToken: secrets.appservice_hs_token,
        senderLocalpart: APPSERVICE_SENDER,
        botLocalparts: bots.map((bot) => bot.localpart),
        aliasLocalparts: [SPACE, ...NEIGHBORHOOD_ROOMS].map((room) => room.alias),
      }) as unknown as Record<string, unknown>,
    { ...prepareWorkers(neighborhood), ...overrides },
  );
}

export async function startNeighborhood(file: string, options: StartOptions = {}): Promise<RunningNeighborhood> {
  const progress = options.progress ?? (() => {});
  const bots = options.bots ?? allBots;
  let neighborhood = loadNeighborhood(file);
  const serverName = neighborhood.server_name;
  const clientUrl = localClientUrl(neighborhood);

  const writeConfig = () => {
    const written = writeBlockConfig(neighborhood, bots, options.synapseOverrides);
    if (options.synapse === "external") ensureSigningKey(synapsePython(), written.paths);
    return written;
  };
  progress(`Writing the homeserver configuration for ${neighborhood.name} (${serverName})`);
  const { paths, secrets } = writeConfig();
  const operatorUserId = `@${neighborhood.operator}:${serverName}`;
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error) => console.error(`while stopping: ${error}`));
  };

  // The pact changes while the box runs (an operator command, or a passed proposal): one change at a time.
  let synapse: RunningSynapse | undefined;
  let expectExit = false;
  let failed: (code: number | null) => void = () => {};
  const synapseFailed = new Promise<number | null>((resolve) => (failed = resolve));
  const launchSynapse = async (configChanged = false) => {
    const attach = configChanged ? attachAfterRestart : attachToSynapse;
    const started = options.synapse === "external" ? await attach(clientUrl) : await startSynapse(paths, clientUrl);
    void started.exited.then((code) => {
      if (!expectExit && synapse === started) failed(code);
    });
    synapse = started;
  };
  let rooms = new Map<RoomRole, string>();
  let pactChanges: Promise<void> = Promise.resolve();
  let appliedPact = JSON.stringify(neighborhood.neighbors);
  const applyPact = () => {
    pactChanges = pactChanges.then(async () => {
      neighborhood = loadNeighborhood(file);
      appliedPact = JSON.stringify(neighborhood.neighbors);
      progress(`Applying the neighbor pact: ${neighborhood.neighbors.map((neighbor) => neighbor.server_name).join(", ") || "no neighbors"}`);
      const before = readFileSync(paths.config, "utf8");
      writeConfig();
      // Synapse reads its federation whitelist only at start.
      expectExit = true;
      await synapse?.stop();
      expectExit = false;
      await launchSynapse(readFileSync(paths.config, "utf8") !== before);
      const sender = createAppserviceClient({ homeserverUrl: clientUrl, asToken: secrets.appservice_as_token, userId: `@${APPSERVICE_SENDER}:${serverName}` });
      const pact = neighborhood.neighbors.map((neighbor) => neighbor.server_name);
      for (const plan of NEIGHBORHOOD_ROOMS.filter((room) => room.reach === "pact")) {
        const roomId = rooms.get(plan.role);
        if (roomId !== undefined) await ensureServerAcl(sender, roomId, serverName, pact);
      }
    });
    return pactChanges;
  };
  const pact: PactControl = {
    members: () => pactMembers(neighborhood),
    async change(change) {
      if ("add" in change) addToPact(file, change.add, serverName);
      else removeFromPact(file, change.remove);
      await applyPact();
    },
  };

  try {
    progress("Starting the appservice host (bots)");
    mkdirSync(join(neighborhood.dataDir, "appservice"), { recursive: true, mode: 0o700 });
    const hostOptions: AppserviceHostOptions = {
      registration: { id: APPSERVICE_ID, asToken: secrets.appservice_as_token, hsToken: secrets.appservice_hs_token, senderLocalpart: APPSERVICE_SENDER },
      homeserverUrl: clientUrl,
      neighborhood: {
        name: neighborhood.name,
        serverName,
        publicUrl: neighborhood.public_url,
        timeZone: neighborhood.time_zone,
        operators: [operatorUserId],
        operatorIsNeighbor: neighborhood.operator_is_neighbor,
      },
      bots,
      storePath: join(neighborhood.dataDir, "appservice", "store.sqlite"),
      port: neighborhood.ports.appservice,
      webhookToken: secrets.webhook_token,
      encryption: { passphrase: secrets.bot_crypto_passphrase, storePath: join(neighborhood.dataDir, "appservice", "crypto.sqlite") },
      sharingLimits: {
        maxOpenListings: neighborhood.sharing.max_open_listings,
        maxClaimsPerWeek: neighborhood.sharing.max_claims_per_week,
        pactNeighborsMayClaim: neighborhood.sharing.pact_neighbors_may_claim,
      },
      pact,
      norms: initialNorms(neighborhood),
      language: neighborhood.language,
      languages: supportedLanguages,
      ...(options.now === undefined ? {} : { now: options.now }),
    };
    let host = await startAppserviceHost(hostOptions);
    stops.push(() => host.stop());

    progress("Starting Synapse");
    await launchSynapse();
    stops.push(async () => {
      await pactChanges.catch(() => {});
      expectExit = true;
      await synapse?.stop();
    });

    progress("Preparing the bots, the space and its rooms");
    for (const bot of bots) {
      await ensureBotUser({ homeserverUrl: clientUrl, asToken: secrets.appservice_as_token, serverName }, bot.localpart, bot.displayName);
    }
    progress("Giving the bots their encryption keys (a device each, cross-signed)");
    await host.startEncryption();
    rooms = await provisionNeighborhood({
      homeserverUrl: clientUrl,
      serverName,
      neighborhoodName: neighborhood.name,
      asToken: secrets.appservice_as_token,
      senderUserId: `@${APPSERVICE_SENDER}:${serverName}`,
      operatorUserId,
      runningBots: bots.map((bot) => bot.localpart),
      pact: neighborhood.neighbors.map((neighbor) => neighbor.server_name),
      recordRoomRole: (roomId, role) => host.store.setRoomRole(roomId, role),
    });
    // After the rooms exist, so that Synapse's auto-join finds them for a new operator account.
    await registerWithSharedSecret(clientUrl, secrets.registration_shared_secret, {
      username: neighborhood.operator,
      password: secrets.operator_password,
      admin: true,
    });
    const operatorToken = await operatorAccessToken(
      clientUrl,
      { username: neighborhood.operator, password: secrets.operator_password },
      operatorTokenCache(neighborhood),
    );
    await joinAll(clientUrl, operatorToken, [...rooms.values()]);

    const element = await startElementServer(neighborhood, { norms: () => readCommunityNorms(host.store, initialNorms(neighborhood)) });
    stops.push(() => element.stop());

    // `blockshare neighbor add|remove` edits the file; the running box picks the change up.
    const onFileChange = () => {
      try {
        if (JSON.stringify(loadNeighborhood(file).neighbors) !== appliedPact)
          void applyPact().catch((error) => console.error(`applying the pact failed: ${error}`));
      } catch (error) {
        console.error(`${error}`);
      }
    };
    watchFile(file, { interval: options.pactWatchIntervalMs ?? 1000 }, onFileChange);
    stops.push(async () => unwatchFile(file, onFileChange));

    return {
      get neighborhood() {
        return neighborhood;
      },
      paths,
      secrets,
      clientUrl,
      get host() {
        return host;
      },
      async restartBots(whileStopped) {
        await host.stop();
        await whileStopped?.();
        host = await startAppserviceHost(hostOptions);
        await host.startEncryption();
      },
      get synapse() {
        return synapse!;
      },
      synapseFailed,
      applyPact,
      element,
      rooms,
      operatorUserId,
      operatorToken,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** With `workers.enabled` in the file: writes each worker's config and returns the main process's settings. */
function prepareWorkers(neighborhood: LoadedNeighborhood): Record<string, unknown> {
  if (!neighborhood.workers.enabled) return {};
  const paths = synapsePaths(neighborhood.dataDir);
  const layout = layoutFor(neighborhood, neighborhood.workers);
  writeWorkerConfigs(layout, paths);
  return workerOverrides(layout, neighborhood.database, paths);
}

async function joinAll(clientUrl: string, accessToken: string, roomIds: string[]): Promise<void> {
  for (const roomId of roomIds) {
    const response = await fetch(`${clientUrl}/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      body: "{}",
    });
    if (!response.ok) throw new Error(`the operator could not join ${roomId}: ${response.status} ${await response.text()}`);
  }
}
