// The full Synapse configuration for a neighborhood, as plain data. Pure: files are written elsewhere.
import { join } from "node:path";
import type { LoadedNeighborhood } from "./loadNeighborhood.ts";
import { secretPath } from "./secrets.ts";
import { synapseDatabaseConfig } from "./database/synapseDatabase.ts";
import { clientWellKnownExtras, publicBaseUrl } from "./clientWellKnown.ts";

export interface SynapsePaths {
  dir: string;
  config: string;
  logConfig: string;
  log: string;
  signingKey: string;
  database: string;
  media: string;
  appserviceRegistration: string;
  secrets: string;
  /** The listener guard's module, beside homeserver.yaml where `python -m` finds it (Synapse's working directory). */
  listenerGuard: string;
}

export function synapsePaths(dataDir: string): SynapsePaths {
  const dir = join(dataDir, "synapse");
  return {
    dir,
    config: join(dir, "homeserver.yaml"),
    logConfig: join(dir, "log.config.yaml"),
    log: join(dir, "homeserver.log"),
    signingKey: join(dir, "signing.key"),
    database: join(dir, "homeserver.db"),
    media: join(dir, "media_store"),
    appserviceRegistration: join(dir, "appservice-registration.yaml"),
    secrets: join(dataDir, "secrets"),
    listenerGuard: join(dir, `${LISTENER_GUARD_MODULE}.py`),
  };
}

/** blockshare_listener_guard.py: what writeHomeserverConfig copies to `listenerGuard`. */
export const LISTENER_GUARD_MODULE = "blockshare_listener_guard";
export const LISTENER_GUARD_SOURCE = join(import.meta.dirname, `${LISTENER_GUARD_MODULE}.py`);

/**
 * Synapse cannot leave the admin API out of its `client` resource, nor the media API out of `federation`:
 * on a listener the mesh reaches, the guard (blockshare_listener_guard.py) takes over a path prefix and
 * serves only the named children to everyone; the rest answer this box alone (404 to anyone else).
 */
function publicOnly(prefix: string, publicChildren: readonly string[]): Record<string, unknown> {
  return { [prefix]: { module: `${LISTENER_GUARD_MODULE}.PublicChildrenOnly`, config: { public: [...publicChildren] } } };
}

/** On the mesh-facing client listener: /_synapse/client (sign-up and SSO pages clients open) but not /_synapse/admin. */
export const PUBLIC_CLIENT_GUARD = publicOnly("/_synapse", ["client"]);
/** On the mesh-facing federation listener: /_matrix/federation and /_matrix/key only. */
export const PUBLIC_FEDERATION_GUARD = publicOnly("/_matrix", ["federation", "key"]);

/** Aliases of the rooms every new neighbor joins on sign-up (provisioning creates them). */
export function autoJoinAliases(serverName: string): string[] {
  return ["neighborhood", "lobby", "sharing", "exchange", "governance", "mesh-alerts"].map((alias) => `#${alias}:${serverName}`);
}

/** What federation needs on disk: this block's certificate, and the CAs it trusts (from communityCa.ts). */
export interface FederationFiles {
  certificate: string;
  key: string;
  trustedCas: readonly string[];
}

const ipLiteral = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]+)$/;

/** Addresses federation may reach despite Synapse's private-range block: each neighbor's, and the mesh's ranges. */
export function meshAddressRanges(neighborhood: LoadedNeighborhood): string[] {
  const neighborIps = neighborhood.neighbors
    .map((neighbor) => neighbor.address)
    .filter((address) => ipLiteral.test(address))
    .map((address) => (address.includes(":") ? `${address}/128` : `${address}/32`));
  return [...new Set([...neighborhood.mesh_ranges, ...neighborIps])];
}

/**
 * How Synapse waits on a pact neighbor. Its defaults are for the open internet, where a silent server may
 * be gone for days; a block federates only with its pact neighbors on a local mesh, where a link comes back
 * in seconds (a box rebooting, a radio link flapping) and a neighbor answers in well under a second.
 * Measured (bench/federationBench.ts): after a partition heals, the time went into the transaction that was
 * in flight when the link went down. With the defaults it hangs for the 60 s request timeout, then sleeps up
 * to 60 s × 1.4 before resending, so a healed link sat unused for up to two minutes; the queued events then
 * follow at once in transactions of 50.
 * - `client_timeout` 20 s: a request to a neighbor that has not answered in 20 s is cut and retried. While
 *   an attempt is running, the kernel resends its connection request after 1, 3, 7 and 15 s, so a link
 *   that heals mid-attempt is used within seconds. A neighbor's Synapse answers a 50-event transaction in
 *   1–3 s on a loaded 2-core box; one slower than 20 s is retried with the same transaction id, which it
 *   answers from its own cache (no double processing).
 * - `max_long_retry_delay` 5 s (default 60 s): the pause between those attempts.
 * - `max_long_retries` 30 (default 10): the in-flight transaction keeps being retried, 30 × (20 s + 5 s) ≈
 *   12 minutes while the link is down, so a neighbor back within that time gets every event pushed, in
 *   order. After that Synapse falls back to its catch-up mode (only each room's latest event; the rest is
 *   back-filled when a neighbor scrolls).
 * - `destination_*_retry_interval`: once a neighbor is marked down, try it again after 5 s, doubling to at
 *   most a minute (defaults 10 minutes to 7 days).
 */
export const MESH_FEDERATION_TIMING = {
  client_timeout: "20s",
  max_long_retry_delay: "5s",
  max_long_retries: 30,
  destination_min_retry_interval: "5s",
  destination_retry_multiplier: 2,
  destination_max_retry_interval: "1m",
} as const;

/**
 * Federation settings: only with the pact, over TLS verified against the community CA (never with
 * verification off), no key server, no DNS beyond the mesh. Without a certificate there is no
 * federation listener at all, and the empty whitelist refuses every server.
 */
function federationConfig(neighborhood: LoadedNeighborhood, federation: FederationFiles | undefined): Record<string, unknown> {
  const pact = neighborhood.neighbors.map((neighbor) => neighbor.server_name);
  const common = {
    federation_domain_whitelist: federation === undefined ? [] : pact,
    trusted_key_servers: [],
    suppress_key_server_warning: true,
    // Neighbors see this block's public rooms (the Exchange); the whitelist keeps everyone else out.
    allow_public_rooms_over_federation: federation !== undefined && pact.length > 0,
  };
  if (federation === undefined) return common;
  return {
    ...common,
    tls_certificate_path: federation.certificate,
    tls_private_key_path: federation.key,
    federation_verify_certificates: true,
    federation_custom_ca_list: [...federation.trustedCas],
    ip_range_whitelist: meshAddressRanges(neighborhood),
    federation: MESH_FEDERATION_TIMING,
  };
}

/**
 * Login limits for a block. Synapse's defaults let one address log in 5 times, then once every ~5.5
 * minutes: on a sign-up evening a whole street reaches the box from one mesh NAT address, and the sixth
 * neighbor's phone waits minutes. So the per-address limit allows a roomful (30 at once, then one every 2 s);
 * it still caps how fast one address can try passwords across accounts. Password guessing is slowed per
 * account, where it matters: 3 wrong passwords, then one try every 20 s (stricter than Synapse's default of
 * one every 6 s), wherever the guesses come from. A neighbor signing in on a phone, a laptop and Element Web
 * stays well within 10 logins per account, refilled one a minute.
 */
export const BLOCK_LOGIN_LIMITS = {
  address: { per_second: 0.5, burst_count: 30 },
  account: { per_second: 1 / 60, burst_count: 10 },
  failed_attempts: { per_second: 0.05, burst_count: 3 },
} as const;

/**
 * Sign-up limits for a block. Every sign-up from the join page reaches Synapse from the box itself, so
 * Synapse's default (3 at once, then one every 6 s, per address) would make a sign-up evening queue behind
 * one address. Registration needs a token the operator handed out, and the join page limits each neighbor's
 * address itself (deploy/src/joinPage), so the box's own address may register a roomful.
 */
export const BLOCK_REGISTRATION_LIMITS = { per_second: 0.5, burst_count: 30 } as const;

export function synapseConfig(neighborhood: LoadedNeighborhood, paths: SynapsePaths, federation?: FederationFiles): Record<string, unknown> {
  const { ports } = neighborhood;
  return {
    server_name: neighborhood.server_name,
    public_baseurl: publicBaseUrl(neighborhood),
    // Element X looks up /.well-known/matrix/client at the server's origin: Synapse answers it on the client
    // listener (with CORS), the same document nginx and the Element port serve (clientWellKnown.ts).
    serve_client_wellknown: true,
    extra_well_known_client_content: clientWellKnownExtras(neighborhood),
    pid_file: join(paths.dir, "homeserver.pid"),
    report_stats: false,
    listeners: [
      // Behind the reverse proxy one local listener serves both; nginx presents the certificates and
      // chooses what the mesh reaches (deploy/production/nginxConfig.ts). Without it, the listener on
      // bind_address keeps the admin API for this box alone (the operator's CLI calls it on loopback).
      neighborhood.reverse_proxy
        ? {
            port: ports.client,
            bind_addresses: ["127.0.0.1"],
            type: "http",
            tls: false,
            x_forwarded: true,
            resources: [{ names: ["client", "federation"], compress: false }],
          }
        : {
            port: ports.client,
            bind_addresses: [neighborhood.bind_address],
            type: "http",
            tls: false,
            x_forwarded: false,
            resources: [{ names: ["client"], compress: false }],
            additional_resources: PUBLIC_CLIENT_GUARD,
          },
      // `run` with a community-CA certificate: the client API over HTTPS for phones (Element X refuses plain
      // HTTP), with the same guard. The plain listener above stays for the box's own parts (bots, CLI).
      ...(neighborhood.clientTls && !neighborhood.reverse_proxy
        ? [
            {
              port: ports.client_https,
              bind_addresses: [neighborhood.bind_address],
              type: "http",
              tls: true,
              x_forwarded: false,
              resources: [{ names: ["client"], compress: false }],
              additional_resources: PUBLIC_CLIENT_GUARD,
            },
          ]
        : []),
      // Metrics never leave the box.
      { port: ports.synapse_metrics, bind_addresses: ["127.0.0.1"], type: "metrics" },
      ...(federation === undefined || neighborhood.reverse_proxy
        ? []
        : [
            {
              port: ports.federation,
              bind_addresses: [neighborhood.bind_address],
              type: "http",
              tls: true,
              x_forwarded: false,
              resources: [{ names: ["federation"], compress: false }],
              additional_resources: PUBLIC_FEDERATION_GUARD,
            },
          ]),
    ],
    enable_metrics: true,
    database: synapseDatabaseConfig(neighborhood.database, paths.database),
    media_store_path: paths.media,
    max_upload_size: "20M",
    log_config: paths.logConfig,
    signing_key_path: paths.signingKey,
    registration_shared_secret_path: secretPath(paths.secrets, "registration_shared_secret"),
    macaroon_secret_key_path: secretPath(paths.secrets, "macaroon_secret_key"),
    form_secret_path: secretPath(paths.secrets, "form_secret"),
    // Closed registration: neighbors join with a token the operator hands out.
    enable_registration: true,
    registration_requires_token: true,
    rc_login: BLOCK_LOGIN_LIMITS,
    rc_registration: BLOCK_REGISTRATION_LIMITS,
    auto_join_rooms: autoJoinAliases(neighborhood.server_name),
    autocreate_auto_join_rooms: false,
    // Small hardware, no internet: no presence, no identity server, no key server, no URL previews.
    presence: { enabled: false },
    url_preview_enabled: false,
    ...federationConfig(neighborhood, federation),
    // Synapse has one certificate for every TLS listener: the block's, for federation and clients alike.
    ...(neighborhood.clientTls && !neighborhood.reverse_proxy
      ? { tls_certificate_path: neighborhood.clientTls.certificate, tls_private_key_path: neighborhood.clientTls.key }
      : {}),
    user_directory: { enabled: true, search_all_users: true },
    app_service_config_files: [paths.appserviceRegistration],
    // The bots' devices learn what a /sync would tell them from appservice transactions: to-device messages
    // (room keys; MSC2409/MSC4203) and device-list changes and one-time-key counts (MSC3202). Both are still
    // behind these flags in Synapse 1.163 (synapse/config/experimental.py); the registration opts in too.
    experimental_features: { msc2409_to_device_messages_enabled: true, msc3202_transaction_extensions: true },
  };
}

export function synapseLogConfig(paths: SynapsePaths): Record<string, unknown> {
  return {
    version: 1,
    formatters: { precise: { format: "%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s" } },
    handlers: {
      file: {
        class: "logging.handlers.RotatingFileHandler",
        formatter: "precise",
        filename: paths.log,
        maxBytes: 10_000_000,
        backupCount: 3,
        encoding: "utf8",
      },
    },
    loggers: { "synapse.storage.SQL": { level: "WARNING" } },
    root: { level: "WARNING", handlers: ["file"] },
    disable_existing_loggers: false,
  };
}
