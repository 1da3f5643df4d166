// HTTPS for clients on the trial `run` (no nginx): once the block holds a certificate from the community
// CA that is still valid and names public_url's host, Synapse serves its client API with it on
// ports.client_https and BlockShare the join page and Element Web on ports.element_https; public_url (so
// the client .well-known, Element's config and the join page) then says https. Behind nginx
// (reverse_proxy) nginx presents the certificate on 443 instead, and nothing here applies; nor with workers
// under `run`, whose client API is a loopback-only proxy (the production install serves phones there).
import type { X509Certificate } from "node:crypto";
import { hostsNotCovered, ownCertificate, publicHost, type FederationPaths } from "./communityCa.ts";
import type { Neighborhood } from "./neighborhoodSchema.ts";

export interface ClientTlsFiles {
  certificate: string;
  key: string;
}

/** The block's certificate when clients can use it: still valid, and naming public_url's host. */
export function usableClientCertificate(paths: FederationPaths, publicUrl: string, now = new Date()): ClientTlsFiles | undefined {
  let certificate: X509Certificate | undefined;
  try {
    certificate = ownCertificate(paths);
  } catch {
    return undefined; // an unreadable certificate is no certificate: `run` says what phones need
  }
  if (!certificate || new Date(certificate.validTo) <= now) return undefined;
  return hostsNotCovered(certificate, [publicHost(publicUrl)]).length === 0 ? { certificate: paths.certificate, key: paths.key } : undefined;
}

/** public_url as clients use it once `run` serves HTTPS: the same host (and path) on ports.client_https. Pure. */
export function httpsPublicUrl(publicUrl: string, httpsPort: number): string {
  const url = new URL(publicUrl);
  url.protocol = "https:";
  url.port = httpsPort === 443 ? "" : String(httpsPort);
  return url.toString().replace(/\/$/, "");
}

/** Where the join page and Element Web answer on HTTPS under `run`: public_url's host on ports.element_https. */
export function httpsElementOrigin(neighborhood: Pick<Neighborhood, "public_url" | "ports">): string {
  return new URL(httpsPublicUrl(neighborhood.public_url, neighborhood.ports.element_https)).origin;
}
