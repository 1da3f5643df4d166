// `install`: a production box in one command, and the same command upgrades it. Each step is printed;
// every step is idempotent, secrets and data are never replaced, and the end says what changed.
//   1 the system services (PostgreSQL when chosen, Redis with workers, nginx) and the `blockshare` user
//   2 the neighborhood file (written once, from --server-name), Synapse's configuration, signing key
//   3 Element Web from the pinned release (or --element-tarball for offline boxes), checksum verified
//   4 TLS: the block's community-CA certificate (renewed within 30 days of expiry when this box holds the
//     CA), or the one given with --certificate/--key, or a self-signed one until the CA issues one
//   5 systemd units, the nginx site, the compose file, Prometheus config and Grafana dashboard; then
//     enable and start blockshare.target
// With --root DIR the files (and a new block's data directory) land under DIR and nothing on the system
// is touched: to inspect what an install would do, or to test it.
import { performance } from "node:perf_hooks";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { loadNeighborhood, type LoadedNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { elementPageFiles } from "./elementPages.ts";
import { elementConfig } from "./elementConfig.ts";
import { localClientUrl, writeBlockConfig } from "./startNeighborhood.ts";
import { ensureSigningKey, synapsePython } from "./synapseProcess.ts";
import { UsageError } from "./usageError.ts";
import { NGINX_SITE, NGINX_SITE_LINK, productionFiles, serviceDirectories, type ProductionTarget } from "../production/productionFiles.ts";
import { federationPaths, ownCertificate } from "../../homeserver-config/communityCa.ts";
import { clientCertificate, describeCertificate, keepBlockCertificate } from "./blockCertificate.ts";
import { fileChange, versionChanges, type InstalledVersions } from "../production/upgradeReport.ts";
import { installElement } from "../production/element/installElement.ts";
import { PINNED_ELEMENT_RELEASE } from "../production/element/elementRelease.ts";
import { elementWebRoot } from "../production/element/elementWebRoot.ts";

const projectRoot = join(import.meta.dirname, "..", "..");
const SERVICE_USER = "blockshare";
const say = (line: string) => process.stderr.write(`\u001b[1m==> ${line}\u001b[0m\n`);

export interface InstallFlags {
  serverName?: string;
  publicUrl?: string;
  name?: string;
  elementTarball?: string;
  /** Install a release other than the pinned one on purpose: its tarball's SHA-256. */
  elementSha256?: string;
  certificate?: string;
  key?: string;
  root?: string;
  start: boolean;
}

export async function installCommand(file: string, flags: InstallFlags): Promise<void> {
  const root = flags.root ?? "/";
  const onSystem = root === "/";
  const at = (path: string) => join(root, path);
  if (onSystem && process.getuid?.() !== 0)
    throw new UsageError("install sets up system services: run it as root (sudo deploy/blockshare install …), or with --root DIR to only write the files");

  if (writeProductionNeighborhood(file, flags, root)) say(`Wrote ${file}: edit it to name your block; re-run install after changes`);
  const neighborhood = loadNeighborhood(file);

  if (onSystem) {
    const services = ["nginx", ...(neighborhood.database.engine === "postgresql" ? ["postgresql"] : []), ...(neighborhood.workers.enabled ? ["redis"] : [])];
    say(`System services: ${services.join(", ")}`);
    execFileSync(join(projectRoot, "deploy", "production", "ensureServices.sh"), services, { stdio: "inherit" });
    if (spawnSync("id", ["-u", SERVICE_USER]).status !== 0) {
      say(`Creating the system user ${SERVICE_USER}`);
      execFileSync("useradd", ["--system", "--home-dir", neighborhood.dataDir, "--shell", "/usr/sbin/nologin", SERVICE_USER], { stdio: "inherit" });
    }
  }

  say(`Synapse's configuration for ${neighborhood.server_name} (secrets are generated once and kept)`);
  const { paths } = writeBlockConfig(neighborhood);
  ensureSigningKey(synapsePython(), paths);

  const webroot = elementWebRoot(neighborhood.dataDir);
  say(`Element Web ${flags.elementTarball ? `from ${flags.elementTarball}` : PINNED_ELEMENT_RELEASE.version} into ${webroot}`);
  const element = await installElement({
    ...(flags.elementTarball ? { tarball: flags.elementTarball } : { url: PINNED_ELEMENT_RELEASE.url }),
    // A local tarball must still be the release we expect: the pinned one unless --element-sha256 says otherwise.
    sha256: flags.elementSha256 ?? PINNED_ELEMENT_RELEASE.sha256,
    webroot,
    config: elementConfig(neighborhood),
    pages: elementPageFiles(neighborhood),
    log: (line) => process.stderr.write(`    ${line}\n`),
  });

  // The block's community-CA certificate (renewed here when this box holds the CA) serves 8448, and 443
  // too unless --certificate/--key give another (a public ACME one); without either, a self-signed one.
  const federation = federationPaths(neighborhood.dataDir);
  const blockCertificate = keepBlockCertificate(neighborhood);
  const clientHost = new URL(neighborhood.public_url).hostname;
  const communityTls = clientCertificate(federation, neighborhood.public_url);
  const tls = flags.certificate && flags.key ? { certificate: flags.certificate, key: flags.key } : (communityTls ?? selfSignedCertificate(root, clientHost));
  say(
    `TLS for clients on 443: ${flags.certificate && flags.key ? `the certificate given (${flags.certificate})` : communityTls ? "this block's certificate from the community CA" : "a self-signed certificate (phones refuse it)"}`,
  );
  for (const line of describeCertificate(blockCertificate)) say(line);

  say("systemd units, the nginx site, the compose file, the Prometheus config and the Grafana dashboard");
  const target: ProductionTarget = {
    prefix: projectRoot,
    user: SERVICE_USER,
    node: process.execPath,
    synapsePython: synapsePython(),
    neighborhoodFile: file,
    synapseVersion: installedSynapseVersion(),
    certificate: tls.certificate,
    certificateKey: tls.key,
    elementDir: webroot,
    uid: onSystem ? Number(execFileSync("id", ["-u", SERVICE_USER], { encoding: "utf8" }).trim()) : 990,
    // After `cert install`, re-running the install puts the community-CA certificate on 8448.
    ...(ownCertificate(federation) ? { federationCertificate: { certificate: federation.certificate, key: federation.key } } : {}),
  };
  const files = productionFiles(neighborhood, target);
  for (const directory of serviceDirectories(neighborhood, target)) mkdirSync(directory, { recursive: true, mode: 0o700 });
  const changes: string[] = blockCertificate.renewedUntil ? [`${"renewed".padEnd(9)} ${federation.certificate} (until ${blockCertificate.renewedUntil})`] : [];
  for (const [path, content] of files) {
    const target = at(path);
    const before = existsSync(target) ? readFileSync(target, "utf8") : undefined;
    const change = fileChange(before, content);
    if (change !== "unchanged") {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(`${target}.tmp`, content, { mode: 0o644 });
      renameSync(`${target}.tmp`, target);
    }
    changes.push(`${change.padEnd(9)} ${path}`);
  }
  // lstat: under --root the link's target is the box's path, which need not exist here.
  if (!lstatSync(at(NGINX_SITE_LINK), { throwIfNoEntry: false })) {
    mkdirSync(dirname(at(NGINX_SITE_LINK)), { recursive: true });
    symlinkSync(NGINX_SITE, at(NGINX_SITE_LINK));
  }

  const versions: InstalledVersions = {
    blockshare: blockshareVersion(),
    synapse: installedSynapseVersion(),
    node: process.versions.node,
    element: element.version,
  };
  const record = join(neighborhood.dataDir, "installed.json");
  const previous = existsSync(record) ? (JSON.parse(readFileSync(record, "utf8")) as InstalledVersions) : undefined;
  writeFileSync(record, `${JSON.stringify(versions, null, 2)}\n`);

  if (onSystem) {
    execFileSync("chown", ["-R", `${SERVICE_USER}:${SERVICE_USER}`, neighborhood.dataDir]);
    // nginx (www-data) must pass through to element-web; secrets/ and synapse/ stay 0700 inside.
    chmodSync(neighborhood.dataDir, 0o711);
    execFileSync("nginx", ["-t"], { stdio: "inherit" });
    if (flags.start) {
      say("Starting blockshare.target and reloading nginx");
      execFileSync("systemctl", ["daemon-reload"], { stdio: "inherit" });
      // An upgrade restarts what runs (new code, new config); a first start must not be interrupted:
      // Synapse is creating its database schema.
      const wasRunning = spawnSync("systemctl", ["is-active", "--quiet", "blockshare.target"]).status === 0;
      execFileSync("systemctl", ["enable", "--now", "blockshare.target"], { stdio: "inherit" });
      // PartOf= carries the restart from the target to every service.
      if (wasRunning) execFileSync("systemctl", ["try-restart", "blockshare.target"], { stdio: "inherit" });
      execFileSync("systemctl", ["reload-or-restart", "nginx"], { stdio: "inherit" });
      say("Waiting for the block to be ready (a first start creates Synapse's database, the rooms and the operator's account)");
      await untilOperatorExists(neighborhood);
    } else if (blockCertificate.renewedUntil) {
      say("Reloading nginx for the renewed certificate");
      execFileSync("systemctl", ["try-reload-or-restart", "nginx"], { stdio: "inherit" });
    }
  }
  console.log(
    [
      "What changed:",
      ...versionChanges(previous, versions).map((line) => `  ${line}`),
      ...changes.map((line) => `  ${line}`),
      "Secrets, keys and data were kept.",
    ].join("\n"),
  );
  console.log(
    onSystem
      ? `${neighborhood.name} is installed. Neighbors open ${neighborhood.public_url}`
      : `Files written under ${root}; nothing on the system was changed.`,
  );
}

/** First install: a production neighborhood file (PostgreSQL, behind nginx). Never overwrites. */
function writeProductionNeighborhood(file: string, flags: InstallFlags, root: string): boolean {
  if (existsSync(file)) return false;
  if (!flags.serverName)
    throw new UsageError(
      `${file} does not exist yet: pass --server-name NAME (it becomes part of every user ID and cannot change) and --public-url https://NAME`,
    );
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    `# This block's BlockShare settings (production). Re-run \`deploy/blockshare install\` after changing them.
name: ${JSON.stringify(flags.name ?? "Our Block")}
server_name: ${flags.serverName}
public_url: ${flags.publicUrl ?? `https://${flags.serverName.split(":")[0]}`}
# nginx terminates TLS in front (clients on 443, federation on 8448); Synapse and the bots listen on this box only.
bind_address: 127.0.0.1
reverse_proxy: true
data_dir: ${join(root, "/var/lib/blockshare")}
database:
  engine: postgresql
neighbors: []
`,
    { flag: "wx", mode: 0o644 },
  );
  return true;
}

/** The paths as the box sees them; the files are written under `root`. Kept once made. */
function selfSignedCertificate(root: string, hostName: string): { certificate: string; key: string } {
  const tls = { certificate: "/etc/blockshare/tls/blockshare.crt", key: "/etc/blockshare/tls/blockshare.key" };
  const [certificate, key] = [join(root, tls.certificate), join(root, tls.key)];
  if (existsSync(certificate) && existsSync(key)) return tls;
  say(`A self-signed TLS certificate for ${hostName}, until the community CA issues this block's own`);
  mkdirSync(dirname(key), { recursive: true, mode: 0o700 });
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-days",
      "825",
      "-subj",
      `/CN=${hostName}`,
      "-addext",
      `subjectAltName=DNS:${hostName}`,
      "-keyout",
      key,
      "-out",
      certificate,
    ],
    { stdio: "ignore" },
  );
  chmodSync(key, 0o600);
  return tls;
}

function blockshareVersion(): string {
  const version = (JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { version: string }).version;
  const commit = spawnSync("git", ["-C", projectRoot, "rev-parse", "--short", "HEAD"], { encoding: "utf8" });
  return commit.status === 0 ? `${version} (${commit.stdout.trim()})` : version;
}

function installedSynapseVersion(): string {
  return execFileSync(synapsePython(), ["-c", "from importlib.metadata import version; print(version('matrix-synapse'))"], { encoding: "utf8" }).trim();
}

/** Operator commands (`token create` first of all) work once serve-bots has made the operator's account. */
async function untilOperatorExists(neighborhood: LoadedNeighborhood, timeoutMs = 300_000): Promise<void> {
  const profile = `${localClientUrl(neighborhood)}/_matrix/client/v3/profile/${encodeURIComponent(`@${neighborhood.operator}:${neighborhood.server_name}`)}`;
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if ((await fetch(profile).catch(() => undefined))?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  throw new Error(`the block did not come up within ${timeoutMs / 60_000} minutes: see journalctl -u blockshare-synapse -u blockshare-appservices`);
}
