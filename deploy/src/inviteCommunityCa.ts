// Which community CA a new neighbor is asked to trust, and its fingerprint as the flyer prints it.
import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { federationPaths, ownCertificate, trustedCaFiles } from "../../homeserver-config/communityCa.ts";

export interface CommunityCa {
  file: string;
  /** SHA-256 of the DER certificate, "AB:CD:…" (32 bytes), as Android and browsers show it. */
  fingerprint: string;
  /** Its common name, as iOS lists it under Certificate Trust Settings ("Maple mesh community CA"). */
  name: string;
}

/**
 * The CA this block's neighbors should trust: the one created on this box (DATA_DIR/ca/ca.crt); on a
 * block that joined a mesh, the trusted CA that signed this block's own certificate (a block may also
 * trust a neighboring mesh's CA, which is not ours to hand out); failing that, the only trusted CA.
 */
export function communityCa(dataDir: string): CommunityCa | undefined {
  const paths = federationPaths(dataDir);
  if (existsSync(paths.caCertificate)) return described(paths.caCertificate);
  const trusted = trustedCaFiles(paths);
  const own = ownCertificate(paths);
  const issuer = own && trusted.find((file) => issued(own, new X509Certificate(readFileSync(file))));
  if (issuer) return described(issuer);
  return trusted.length === 1 ? described(trusted[0]!) : undefined;
}

function issued(certificate: X509Certificate, ca: X509Certificate): boolean {
  return certificate.checkIssued(ca) && certificate.verify(ca.publicKey);
}

function described(file: string): CommunityCa {
  const certificate = new X509Certificate(readFileSync(file));
  const commonName = /^CN=(.*)$/m.exec(certificate.subject)?.[1];
  return { file, fingerprint: certificate.fingerprint256, name: commonName ?? certificate.subject };
}
