// The mesh's community certificate authority: one block creates it, signs each block's federation
// certificate with it, and every block trusts it (and any neighboring mesh's CA) for federation.
// openssl does the cryptography: Node can verify X.509 but cannot issue it, and openssl is on every Debian box.
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
    "req", "-x509", "-new", "-key", paths.caKey, "-out", paths.caCertificate, "-days", "3650", "-sha256",
    "-subj", `/O=BlockShare community mesh/CN=${meshName} community CA`,
    "-addext", "basicConstraints=critical,CA:TRUE,pathlen:0",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign",
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
}

/**
 * Signs a federation certificate for `serverName` with the community CA (valid `days`), writing
 * <outDir>/tls.crt and tls.key (0600). The key is made fresh each time: renewing rotates it.
 */
export function issueCertificate(paths: FederationPaths, serverName: string, outDir: string, days = 397): IssuedCertificate {
  if (!existsSync(paths.caKey)) {
    throw new CertificateError(`this box has no community CA in ${paths.caDir}: create one (blockshare ca create) or ask the block that holds it to issue the certificate`);
  }
  const host = hostOf(serverName);
  const work = mkdtempSync(join(tmpdir(), "blockshare-cert-"));
  try {
    const key = join(work, "tls.key");
    const request = join(work, "tls.csr");
    const extensions = join(work, "ext.cnf");
    openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key]);
    openssl(["req", "-new", "-key", key, "-out", request, "-subj", `/O=BlockShare/CN=${host}`]);
    writeFileSync(
      extensions,
      `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:${host}\n`,
    );
    const certificate = join(work, "tls.crt");
    openssl([
      "x509", "-req", "-in", request, "-CA", paths.caCertificate, "-CAkey", paths.caKey, "-CAcreateserial",
      "-out", certificate, "-days", String(days), "-sha256", "-extfile", extensions,
    ]);
    mkdirSync(outDir, { recursive: true, mode: 0o700 });
    const out = { certificate: join(outDir, "tls.crt"), key: join(outDir, "tls.key") };
    writeFileSync(out.key, readFileSync(key), { mode: 0o600 });
    chmodSync(out.key, 0o600);
    // Full chain, so a neighbor that trusts the CA can verify without asking for anything else.
    writeFileSync(out.certificate, Buffer.concat([readFileSync(certificate), readFileSync(paths.caCertificate)]), { mode: 0o644 });
    return { ...out, notAfter: new X509Certificate(readFileSync(certificate)).validTo };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** This block's own certificate, when it has one. */
export function ownCertificate(paths: FederationPaths): X509Certificate | undefined {
  return existsSync(paths.certificate) && existsSync(paths.key) ? new X509Certificate(readFileSync(paths.certificate)) : undefined;
}

/** Installs a certificate issued elsewhere (by the box that holds the CA) as this block's own. */
export function installCertificate(paths: FederationPaths, certificateFile: string, keyFile: string): X509Certificate {
  const certificate = new X509Certificate(readFileSync(certificateFile));
  mkdirSync(join(paths.certificate, ".."), { recursive: true, mode: 0o700 });
  copyFileSync(certificateFile, paths.certificate);
  writeFileSync(paths.key, readFileSync(keyFile), { mode: 0o600 });
  chmodSync(paths.key, 0o600);
  return certificate;
}
