// Operator commands for federation: the community CA, this block's certificate, the neighbor pact,
// and federation health.
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { hostname } from "node:os";
import {
  blockCertificateHosts,
  createCommunityCa,
  federationPaths,
  hostOf,
  hostsNotCovered,
  installCertificate,
  issueCertificate,
  ownCertificate,
  trustCa,
  trustedCaFiles,
} from "../../homeserver-config/communityCa.ts";
import { loadNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { addToPact, pactMembers, removeFromPact } from "../../homeserver-config/neighborPact.ts";
import { describeCertificate, keepBlockCertificate } from "./blockCertificate.ts";
import { probeNeighbor } from "./federationProbe.ts";
import { openOperatorSession } from "./operatorSession.ts";
import { UsageError } from "./usageError.ts";

const restartNote = "A running box applies it within seconds (it restarts Synapse); otherwise it applies at the next run.";

export function createCa(file: string, meshName: string | undefined): void {
  const neighborhood = loadNeighborhood(file);
  const paths = federationPaths(neighborhood.dataDir);
  const ca = createCommunityCa(paths, meshName ?? neighborhood.name ?? hostname());
  console.log(`Created the community CA for the mesh: ${ca.subject.replaceAll("\n", ", ")}`);
  console.log(`  Its private key stays on this box: ${paths.caKey} (0600). Back it up somewhere safe.`);
  console.log(`  Give every block in the mesh its certificate: ${paths.caCertificate}`);
  console.log(`  Next: deploy/blockshare cert issue   (this block's own certificate, for federation and clients)`);
}

export function trustCaFile(file: string, caFile: string | undefined): void {
  if (!caFile) throw new UsageError("Which CA certificate? Usage: deploy/blockshare ca trust FILE.pem");
  if (!existsSync(caFile)) throw new UsageError(`No file at ${caFile}`);
  const neighborhood = loadNeighborhood(file);
  const ca = trustCa(federationPaths(neighborhood.dataDir), caFile);
  console.log(`This block now trusts federation certificates issued by: ${ca.subject.replaceAll("\n", ", ")}`);
  console.log(restartNote);
}

/**
 * Issues a certificate for this block (default) or for another block of the mesh (--server, --out), valid
 * for federation and for clients: it names the server name's host and public_url's host (this block's, or
 * --public-url for another block; default https://<server name's host>, as the install writes it).
 */
export function issueCert(file: string, server: string | undefined, out: string | undefined, publicUrl?: string): void {
  const neighborhood = loadNeighborhood(file);
  const paths = federationPaths(neighborhood.dataDir);
  const serverName = server ?? neighborhood.server_name;
  const forThisBlock = serverName === neighborhood.server_name && out === undefined;
  if (!forThisBlock && out === undefined) throw new UsageError("A certificate for another block needs --out DIR (give that block the two files)");
  const clientUrl = publicUrl ?? (forThisBlock ? neighborhood.public_url : `https://${hostOf(serverName)}`);
  if (!URL.canParse(clientUrl))
    throw new UsageError(`--public-url ${clientUrl} is not a URL: give the address neighbors open, e.g. https://${hostOf(serverName)}`);
  const issued = issueCertificate(paths, serverName, forThisBlock ? dirname(paths.certificate) : out!, {
    alsoFor: blockCertificateHosts(serverName, clientUrl),
  });
  console.log(`Issued a certificate for ${issued.hosts.join(" and ")} (federation and clients), valid until ${issued.notAfter}:`);
  console.log(`  ${issued.certificate}\n  ${issued.key} (private key, 0600)`);
  console.log(
    forThisBlock
      ? `${restartNote}${neighborhood.reverse_proxy ? " nginx serves it on 443 and 8448 once you re-run the install (sudo deploy/blockshare install)." : ""}`
      : `On that block: deploy/blockshare cert install ${issued.certificate} ${issued.key}, and ca trust the community CA.${publicUrl ? "" : ` (Its public_url is not https://${hostOf(serverName)}? Issue again with --public-url.)`}`,
  );
}

export function installCert(file: string, certificate: string | undefined, key: string | undefined): void {
  if (!certificate || !key) throw new UsageError("Usage: deploy/blockshare cert install CERT.pem KEY.pem");
  for (const path of [certificate, key]) if (!existsSync(path)) throw new UsageError(`No file at ${path}`);
  const neighborhood = loadNeighborhood(file);
  const paths = federationPaths(neighborhood.dataDir);
  const installed = installCertificate(paths, certificate, key);
  console.log(`Installed this block's certificate (${installed.subject.replaceAll("\n", ", ")}) for federation and clients, valid until ${installed.validTo}.`);
  const missing = hostsNotCovered(installed, blockCertificateHosts(neighborhood.server_name, neighborhood.public_url));
  if (missing.length > 0) {
    console.log(
      `It does not name ${missing.join(", ")}: phones will refuse it there. On the CA's box: deploy/blockshare cert issue --server ${neighborhood.server_name} --public-url ${neighborhood.public_url} --out DIR`,
    );
  }
  console.log(
    `${restartNote}${neighborhood.reverse_proxy ? " nginx serves it on 443 and 8448 once you re-run the install (sudo deploy/blockshare install)." : ""}`,
  );
}

/** The daily timer's job (and by hand): renew this block's certificate when it is due and this box holds the CA. */
export function renewCert(file: string): void {
  for (const line of describeCertificate(keepBlockCertificate(loadNeighborhood(file)))) console.log(line);
}

export function addNeighbor(file: string, serverName: string | undefined, address: string | undefined): void {
  if (!serverName || !address) throw new UsageError("Usage: deploy/blockshare neighbor add SERVER_NAME ADDRESS   (e.g. elm.mesh:8448 10.0.2.1)");
  const neighborhood = loadNeighborhood(file);
  const pact = addToPact(file, { serverName, address }, neighborhood.server_name);
  console.log(`${serverName} (at ${address}) joined the pact. The pact: ${pact.map((member) => member.serverName).join(", ")}.`);
  console.log(restartNote);
  console.log(`That block must add this one too: deploy/blockshare neighbor add ${neighborhood.server_name} <this box's mesh address>`);
}

export function removeNeighbor(file: string, serverName: string | undefined): void {
  if (!serverName) throw new UsageError("Which neighbor? Usage: deploy/blockshare neighbor remove SERVER_NAME");
  const pact = removeFromPact(file, serverName);
  console.log(`${serverName} left the pact: federation with it stops both ways. The pact: ${pact.map((member) => member.serverName).join(", ") || "empty"}.`);
  console.log(restartNote);
}

export function listNeighbors(file: string): void {
  const pact = pactMembers(loadNeighborhood(file));
  if (pact.length === 0) {
    console.log("The pact is empty. Add a neighboring block: deploy/blockshare neighbor add SERVER_NAME ADDRESS");
    return;
  }
  for (const member of pact) console.log(`${member.serverName}\tat ${member.address}`);
}

interface DestinationInfo {
  retry_last_ts?: number;
  retry_interval?: number;
  failure_ts?: number | null;
}

async function destinationInfo(clientUrl: string, token: string, serverName: string): Promise<DestinationInfo | undefined> {
  const response = await fetch(`${clientUrl}/_synapse/admin/v1/federation/destinations/${encodeURIComponent(serverName)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return response.ok ? ((await response.json()) as DestinationInfo) : undefined;
}

const when = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");

/** Each neighbor: reachable now (TLS verified), and what Synapse's sender says about it. */
export async function federationStatus(file: string): Promise<void> {
  const session = openOperatorSession(file);
  const { neighborhood } = session;
  const paths = federationPaths(neighborhood.dataDir);
  const certificate = ownCertificate(paths);
  console.log(
    certificate
      ? `This block: ${neighborhood.server_name}, certificate valid until ${certificate.validTo}, trusting ${trustedCaFiles(paths).length} CA(s).`
      : `This block has no federation certificate yet: deploy/blockshare cert issue (or cert install). Federation is off.`,
  );
  const pact = pactMembers(neighborhood);
  if (pact.length === 0) console.log("The pact is empty.");
  const token = await session.adminToken();
  for (const member of pact) {
    const probe = await probeNeighbor(member.serverName, member.address, trustedCaFiles(paths));
    const info = await destinationInfo(session.clientUrl, token, member.serverName);
    const reach = probe.reachable ? `reachable (${probe.server})` : `NOT reachable: ${probe.error}`;
    const failing = info?.failure_ts
      ? `; Synapse's sends failing since ${when(info.failure_ts)}, retrying every ${Math.round((info.retry_interval ?? 0) / 1000)} s — messages wait and go out once it is back`
      : "";
    const contact = info === undefined ? "no federation traffic yet" : info.failure_ts ? "backlog waiting" : "up to date (no backlog)";
    const last = info?.retry_last_ts ? `; last attempt ${when(info.retry_last_ts)}` : "";
    console.log(`${member.serverName} at ${member.address}: ${reach}; ${contact}${last}${failing}`);
  }
}
