// A real neighborhood for tests: Synapse from the generated configuration, the appservice host and
// the bots, on free ports in a temp directory, started through the same path as `deploy/blockshare run`.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { startNeighborhood, type RunningNeighborhood, type StartOptions } from "../../deploy/src/startNeighborhood.ts";
import { registrationTokens } from "../../deploy/src/homeserverAdmin.ts";
import { createCommunity, fixedPact, readCommunityNorms } from "../../appservices/src/communitySettings.ts";
import { initialNorms } from "../../deploy/src/blockNorms.ts";
import type { SharingLimits } from "../../bots/framework/contract.ts";
import { freePort } from "./freePort.ts";
import { NeighborClient } from "./neighborClient.ts";

// Tests register many neighbors from one address within seconds; a real block does not.
const relaxedRateLimits = Object.fromEntries(
  ["rc_message", "rc_registration", "rc_login", "rc_joins", "rc_invites", "rc_admin_redaction"].map((key) => [
    key,
    key === "rc_login"
      ? {
          address: { per_second: 1000, burst_count: 1000 },
          account: { per_second: 1000, burst_count: 1000 },
          failed_attempts: { per_second: 1000, burst_count: 1000 },
        }
      : key === "rc_joins"
        ? { local: { per_second: 1000, burst_count: 1000 }, remote: { per_second: 1000, burst_count: 1000 } }
        : key === "rc_invites"
          ? { per_room: { per_second: 1000, burst_count: 1000 }, per_user: { per_second: 1000, burst_count: 1000 } }
          : { per_second: 1000, burst_count: 1000 },
  ]),
);

export interface TestNeighborhood {
  dir: string;
  file: string;
  running: RunningNeighborhood;
  neighbors: NeighborClient[];
  /** Creates a registration token as the operator. */
  newToken(uses?: number): Promise<string>;
  /** Registers a neighbor with a token and starts its client syncing, with Rust crypto as Element X has (`encrypted: false`: without). */
  addNeighbor(localpart: string, token?: string, options?: { encrypted?: boolean }): Promise<NeighborClient>;
  /** The sharing limits as the bots read them: the file's, with what passed proposals changed. Bot
   * tests ask here, since bots/ may not import the host (bots/README.md). */
  sharingLimits(): SharingLimits;
  /** The block's norms as the join page reads them (readCommunityNorms): the file's or the default, or what a passed proposal set. */
  norms(): string;
  /** Stops everything and starts it again from the same files; `whileStopped` runs in between (e.g. to move a clock). */
  restart(whileStopped?: () => void | Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export interface TestNeighborhoodOptions extends Pick<StartOptions, "bots" | "now"> {
  name?: string;
  /** Runs once on the fresh neighborhood file, before the block first starts (e.g. to give it a certificate). */
  prepare?: (file: string) => void | Promise<void>;
}

export async function startTestNeighborhood(options: TestNeighborhoodOptions = {}): Promise<TestNeighborhood> {
  const dir = mkdtempSync(join(tmpdir(), "blockshare-test-"));
  const file = await writeLoopbackNeighborhood(dir, options.name ?? "Test Block", "testblock.localhost");
  await options.prepare?.(file);
  const start = () =>
    startNeighborhood(file, { synapseOverrides: relaxedRateLimits, bots: options.bots, ...(options.now === undefined ? {} : { now: options.now }) });
  const neighbors: NeighborClient[] = [];
  const handle: TestNeighborhood = {
    dir,
    file,
    running: await start(),
    neighbors,
    async newToken(uses = 100) {
      const token = await registrationTokens.create(handle.running.clientUrl, handle.running.operatorToken, { usesAllowed: uses, expiryTime: null });
      return token.token;
    },
    async addNeighbor(localpart, token, clientOptions = {}) {
      const { user_id, access_token, device_id } = await registerNeighbor(
        handle.running.clientUrl,
        localpart,
        neighborPassword,
        token ?? (await handle.newToken()),
      );
      const neighbor = new NeighborClient(handle.running.clientUrl, user_id, access_token, {
        deviceId: device_id,
        encrypted: true,
        login: () => loginNeighbor(handle.running.clientUrl, localpart, neighborPassword),
        ...clientOptions,
      });
      await neighbor.start();
      neighbors.push(neighbor);
      return neighbor;
    },
    sharingLimits() {
      const { sharing } = handle.running.neighborhood;
      return createCommunity(
        handle.running.host.store.botStore("@community"),
        {
          maxOpenListings: sharing.max_open_listings,
          maxClaimsPerWeek: sharing.max_claims_per_week,
          pactNeighborsMayClaim: sharing.pact_neighbors_may_claim,
        },
        fixedPact([]),
      ).sharingLimits();
    },
    norms() {
      return readCommunityNorms(handle.running.host.store, initialNorms(handle.running.neighborhood));
    },
    async restart(whileStopped) {
      // Neighbors with crypto keep their apps open through the restart, as phones do (a stopped client's
      // crypto cannot start again: it would come back as a new device, unable to read what came meanwhile).
      const stopped = neighbors.filter((neighbor) => !neighbor.encrypted);
      for (const neighbor of stopped) neighbor.stop();
      await handle.running.stop();
      await whileStopped?.();
      handle.running = await start();
      for (const neighbor of stopped) await neighbor.start();
    },
    async stop() {
      for (const neighbor of neighbors) neighbor.stop();
      await handle.running.stop();
      if (!process.env.BLOCKSHARE_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** A neighborhood file for this machine only: loopback addresses, free ports, data beside the file. */
export async function writeLoopbackNeighborhood(dir: string, name: string, serverName: string): Promise<string> {
  const file = join(dir, "neighborhood.yaml");
  const client = await freePort();
  writeFileSync(
    file,
    stringify({
      name,
      server_name: serverName,
      public_url: `http://127.0.0.1:${client}`,
      bind_address: "127.0.0.1",
      ports: { client, appservice: await freePort(), element: await freePort(), synapse_metrics: await freePort() },
      data_dir: "./data",
    }),
  );
  return file;
}

const neighborPassword = "correct horse battery";

/**
 * The operator's app, with crypto as Element has: the bots' DMs to the operator are encrypted. Its device is
 * the one the operator's cached access token belongs to (one such client per block).
 */
export async function operatorClient(running: RunningNeighborhood): Promise<NeighborClient> {
  const whoami = (await (
    await fetch(`${running.clientUrl}/_matrix/client/v3/account/whoami`, { headers: { authorization: `Bearer ${running.operatorToken}` } })
  ).json()) as { device_id?: string };
  if (whoami.device_id === undefined) throw new Error("the operator's access token has no device");
  return new NeighborClient(running.clientUrl, running.operatorUserId, running.operatorToken, { deviceId: whoami.device_id, encrypted: true });
}

/** A password login, as an app signing in on a new device. */
export async function loginNeighbor(homeserverUrl: string, username: string, password: string): Promise<{ accessToken: string; deviceId: string }> {
  const response = await fetch(`${homeserverUrl}/_matrix/client/v3/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ type: "m.login.password", identifier: { type: "m.id.user", user: username }, password }),
  });
  const body = (await response.json()) as { access_token?: string; device_id?: string; error?: string };
  if (!response.ok || body.access_token === undefined || body.device_id === undefined)
    throw new Error(`login as ${username} failed: ${response.status} ${body.error}`);
  return { accessToken: body.access_token, deviceId: body.device_id };
}

export interface RegisterResult {
  user_id: string;
  access_token: string;
  device_id: string;
}

/**
 * Registers through the client API the way Element does: user-interactive auth, completing the
 * registration-token stage (and a dummy stage if the server asks for one).
 */
export async function registerNeighbor(homeserverUrl: string, username: string, password: string, token?: string): Promise<RegisterResult> {
  const url = `${homeserverUrl}/_matrix/client/v3/register`;
  const post = async (body: unknown) => {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  };
  let reply = await post({ username, password, initial_device_display_name: "test" });
  for (let stage = 0; stage < 4 && reply.status === 401 && reply.body.flows; stage++) {
    const completed: string[] = reply.body.completed ?? [];
    const next = (reply.body.flows[0].stages as string[]).find((s) => !completed.includes(s));
    const auth =
      next === "m.login.registration_token" ? { type: next, token: token ?? "", session: reply.body.session } : { type: next, session: reply.body.session };
    reply = await post({ username, password, initial_device_display_name: "test", auth });
  }
  if (reply.status !== 200) throw new RegistrationRefused(reply.status, reply.body.errcode, reply.body.error);
  return reply.body as RegisterResult;
}

export class RegistrationRefused extends Error {
  readonly status: number;
  readonly errcode: string;
  constructor(status: number, errcode: string, message: string) {
    super(`registration refused: ${status} ${errcode} ${message}`);
    this.status = status;
    this.errcode = errcode;
  }
}
