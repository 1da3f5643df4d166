// The mesh's community certificate authority: one block creates it, signs each block's certificate with
// it, and every block trusts it (and any neighboring mesh's CA) for federation. A block's one certificate
// serves both federation (8448) and its clients (nginx on 443): it names the server name's host and
// public_url's host, so a phone that trusts the CA trusts every block of the mesh.
// openssl does the cryptography: Node can verify X.509 but cannot issue it, and openssl is on every Debian box.
import { execFileSync } from "node:child_process";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface FederationPaths {
  /** This block's own certificate and key, presented on the federation port. */
  certificate: string;
  key: string;
  /** CA certificates this block trusts for federation (the community CA, neighboring meshes' CAs). */
  trustedDir: string;
  /** The community CA itself, on the one box that created it. */
  caDir: string;
  caCertificate: string;
  caKey: string;
}

export function federationPaths(dataDir: string): FederationPaths {
  const dir = join(dataDir, "federation");
  const caDir = join(dataDir, "ca");
  return {
    certificate: join(dir, "tls.crt"),
    key: join(dir, "tls.key"),
    trustedDir: join(dir, "trusted"),
    caDir,
    caCertificate: join(caDir, "ca.crt"),
    caKey: join(caDir, "ca.key"),
  };
}

export class CertificateError extends Error {}

function openssl(args: readonly string[]): string {
  try {
    return execFileSync("openssl", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new CertificateError(`openssl ${args[0]} failed: ${stderr.trim().split("\n").slice(-2).join(" ")}`);
  }
}

function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** The host part of a server name ("maple.mesh:8448" → "maple.mesh"): what certificates and ACLs name. */
export function hostOf(serverName: string): string {
  return serverName.replace(/:\d+$/, "");
}

/** Creates the community CA (EC P-256, 10 years) and trusts it; refuses to overwrite an existing one. */
export function createCommunityCa(paths: FederationPaths, meshName: string): X509Certificate {
  if (existsSync(paths.caKey)) throw new CertificateError(`a community CA already exists in ${paths.caDir}; it is never overwritten`);
  privateDir(paths.caDir);
  openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", paths.caKey]);
  chmodSync(paths.caKey, 0o600);
  openssl([
    "req",
    "-x509",
    "-new",
    "-key",
    paths.caKey,
    "-out",
    paths.caCertificate,
    "-days",
    "3650",
    "-sha256",
    "-subj",
    `/O=BlockShare community mesh/CN=${meshName} community CA`,
    "-addext",
    "basicConstraints=critical,CA:TRUE,pathlen:0",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  trustCa(paths, paths.caCertificate);
  return new X509Certificate(readFileSync(paths.caCertificate));
}

/** Adds a CA certificate (this mesh's or a neighboring mesh's) to the ones federation trusts. */
export function trustCa(paths: FederationPaths, caFile: string): X509Certificate {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(readFileSync(caFile));
  } catch (error) {
    throw new CertificateError(`${caFile} is not a PEM certificate (${(error as Error).message})`);
  }
  if (!certificate.ca) throw new CertificateError(`${caFile} is not a CA certificate (basicConstraints CA:TRUE is missing)`);
  mkdirSync(paths.trustedDir, { recursive: true, mode: 0o755 });
  const name = `${certificate.fingerprint256.replaceAll(":", "").slice(0, 16).toLowerCase()}.pem`;
  copyFileSync(caFile, join(paths.trustedDir, name));
  return certificate;
}

export function trustedCaFiles(paths: FederationPaths): string[] {
  if (!existsSync(paths.trustedDir)) return [];
  return readdirSync(paths.trustedDir)
    .filter((file) => file.endsWith(".pem"))
    .sort()
    .map((file) => join(paths.trustedDir, file));
}

export interface IssuedCertificate {
  certificate: string;
  key: string;
  notAfter: string;
  /** The names it is valid for (its subjectAltNames, as hosts). */
  hosts: string[];
}

/**
 * The hosts a block's certificate must name: the server name's (federation) and public_url's (clients,
 * Element X on a phone), once each.
 */
export function blockCertificateHosts(serverName: string, publicUrl?: string): string[] {
  return [...new Set([hostOf(serverName), ...(publicUrl === undefined ? [] : [publicHost(publicUrl)])])];
}

/** public_url's host as a certificate names it ("https://[fd00::1]/" → "fd00::1"). */
export function publicHost(publicUrl: string): string {
  return new URL(publicUrl).hostname.replace(/^\[(.*)\]$/, "$1");
}

/** subjectAltName entries: an address is an IP SAN (a phone checks those for an address URL), a name a DNS one. */
const subjectAltName = (hosts: readonly string[]) => hosts.map((host) => (isIP(host) ? `IP:${host}` : `DNS:${host}`)).join(",");

/** The hosts in `hosts` the certificate is not valid for. */
export function hostsNotCovered(certificate: X509Certificate, hosts: readonly string[]): string[] {
  return hosts.filter((host) => (isIP(host) ? certificate.checkIP(host) === undefined : certificate.checkHost(host) === undefined));
}

export interface IssueOptions {
  /** More hosts to name besides the server name's (public_url's host). */
  alsoFor?: readonly string[];
  days?: number;
}

/**
 * Signs a certificate for `serverName` (and `alsoFor`) with the community CA (valid `days`), writing
 * <outDir>/tls.crt and tls.key (0600), each replaced in one rename so nginx never reads half a pair.
 * The key is made fresh each time: renewing rotates it.
 */
export function issueCertificate(paths: FederationPaths, serverName: string, outDir: string, options: IssueOptions = {}): IssuedCertificate {
  if (!existsSync(paths.caKey)) {
    throw new CertificateError(
      `this box has no community CA in ${paths.caDir}: create one (blockshare ca create) or ask the block that holds it to issue the certificate`,
    );
  }
  const host = hostOf(serverName);
  const hosts = [...new Set([host, ...(options.alsoFor ?? [])])];
  const work = mkdtempSync(join(tmpdir(), "blockshare-cert-"));
  try {
    const key = join(work, "tls.key");
    const request = join(work, "tls.csr");
    const extensions = join(work, "ext.cnf");
    openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key]);
    openssl(["req", "-new", "-key", key, "-out", request, "-subj", `/O=BlockShare/CN=${host}`]);
    writeFileSync(
      extensions,
      `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=${subjectAltName(hosts)}\n`,
    );
    const certificate = join(work, "tls.crt");
    openssl([
      "x509",
      "-req",
      "-in",
      request,
      "-CA",
      paths.caCertificate,
      "-CAkey",
      paths.caKey,
      "-CAcreateserial",
      "-out",
      certificate,
      "-days",
      String(options.days ?? 397),
      "-sha256",
      "-extfile",
      extensions,
    ]);
    const out = { certificate: join(outDir, "tls.crt"), key: join(outDir, "tls.key") };
    // Full chain, so a neighbor or phone that trusts the CA can verify without asking for anything else.
    writePair(out, Buffer.concat([readFileSync(certificate), readFileSync(paths.caCertificate)]), readFileSync(key));
    return { ...out, notAfter: new X509Certificate(readFileSync(certificate)).validTo, hosts };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function writePair(out: { certificate: string; key: string }, certificate: Buffer, key: Buffer): void {
  mkdirSync(dirname(out.key), { recursive: true, mode: 0o700 });
  writeFileSync(`${out.key}.new`, key, { mode: 0o600 });
  chmodSync(`${out.key}.new`, 0o600);
  writeFileSync(`${out.certificate}.new`, certificate, { mode: 0o644 });
  renameSync(`${out.key}.new`, out.key);
  renameSync(`${out.certificate}.new`, out.certificate);
}

/** This block's own certificate, when it has one. */
export function ownCertificate(paths: FederationPaths): X509Certificate | undefined {
  return existsSync(paths.certificate) && existsSync(paths.key) ? new X509Certificate(readFileSync(paths.certificate)) : undefined;
}

/**
 * Installs a certificate issued elsewhere (by the box that holds the CA) as this block's own, for
 * federation and clients alike. Refuses a file that is not a certificate or a key that is not its key.
 */
export function installCertificate(paths: FederationPaths, certificateFile: string, keyFile: string): X509Certificate {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(readFileSync(certificateFile));
  } catch (error) {
    throw new CertificateError(`${certificateFile} is not a PEM certificate (${(error as Error).message})`);
  }
  const key = readFileSync(keyFile);
  let matches: boolean;
  try {
    matches = certificate.checkPrivateKey(createPrivateKey(key));
  } catch (error) {
    throw new CertificateError(`${keyFile} is not a PEM private key (${(error as Error).message})`);
  }
  if (!matches) throw new CertificateError(`${keyFile} is not the key of ${certificateFile}: give the two files cert issue wrote together`);
  writePair({ certificate: paths.certificate, key: paths.key }, readFileSync(certificateFile), key);
  return certificate;
}
