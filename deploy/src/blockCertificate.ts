// This block's certificate from the community CA, for federation (8448) and clients (443): whether it
// needs renewing, renewing it when this box holds the CA, and what the operator is told. The install
// and the daily renewal timer (`cert renew`) both use it.
//   decide:  planBlockCertificate (pure) → CertificatePlan
//   act:     carryOut → CertificateOutcome
//   speak:   describeCertificate → lines for the terminal
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import type { LoadedNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import {
  blockCertificateHosts,
  federationPaths,
  hostsNotCovered,
  issueCertificate,
  ownCertificate,
  publicHost,
  type FederationPaths,
} from "../../homeserver-config/communityCa.ts";

/** Renew this long before expiry: a box that is off for a few weeks still comes back with a valid one. */
export const RENEW_WITHIN_DAYS = 30;
const DAY_MS = 86_400_000;

export interface CertificateState {
  /** The block's certificate, if it has one. */
  current?: { notAfter: Date; missingHosts: string[] };
  /** This box holds the community CA's key, so it can issue its own. */
  holdsCa: boolean;
}

export type RenewalReason = { kind: "expiring"; notAfter: Date } | { kind: "names"; missingHosts: string[] };

export type CertificatePlan =
  | { action: "keep"; notAfter: Date }
  | { action: "missing"; holdsCa: boolean }
  | { action: "renew"; reason: RenewalReason }
  | { action: "ask-ca"; reason: RenewalReason };

export function planBlockCertificate(state: CertificateState, now: Date): CertificatePlan {
  if (!state.current) return { action: "missing", holdsCa: state.holdsCa };
  const { notAfter, missingHosts } = state.current;
  const reason: RenewalReason | undefined =
    notAfter.getTime() - now.getTime() < RENEW_WITHIN_DAYS * DAY_MS ? { kind: "expiring", notAfter } : missingHosts.length > 0 ? { kind: "names", missingHosts } : undefined;
  if (!reason) return { action: "keep", notAfter };
  return state.holdsCa ? { action: "renew", reason } : { action: "ask-ca", reason };
}

export function certificateState(paths: FederationPaths, hosts: readonly string[]): CertificateState {
  const certificate = ownCertificate(paths);
  return {
    ...(certificate ? { current: { notAfter: new Date(certificate.validTo), missingHosts: hostsNotCovered(certificate, hosts) } } : {}),
    holdsCa: existsSync(paths.caKey),
  };
}

export interface CertificateOutcome {
  plan: CertificatePlan;
  serverName: string;
  publicUrl: string;
  /** When the check ran (says "expired" or "expires"). */
  now: Date;
  /** When renewed: the new certificate's end of validity. */
  renewedUntil?: string;
}

/** Checks the block's certificate and renews it when this box can; the one place that writes it. */
export function keepBlockCertificate(neighborhood: LoadedNeighborhood, now = new Date()): CertificateOutcome {
  const paths = federationPaths(neighborhood.dataDir);
  const hosts = blockCertificateHosts(neighborhood.server_name, neighborhood.public_url);
  const plan = planBlockCertificate(certificateState(paths, hosts), now);
  const outcome: CertificateOutcome = { plan, serverName: neighborhood.server_name, publicUrl: neighborhood.public_url, now };
  if (plan.action !== "renew") return outcome;
  const issued = issueCertificate(paths, neighborhood.server_name, dirname(paths.certificate), { alsoFor: hosts });
  return { ...outcome, renewedUntil: issued.notAfter };
}

/** The block's certificate when clients can use it: still valid, and naming public_url's host. */
export function clientCertificate(paths: FederationPaths, publicUrl: string, now = new Date()): { certificate: string; key: string } | undefined {
  const certificate = ownCertificate(paths);
  if (!certificate || new Date(certificate.validTo) <= now) return undefined;
  return hostsNotCovered(certificate, [publicHost(publicUrl)]).length === 0 ? { certificate: paths.certificate, key: paths.key } : undefined;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

function why(reason: RenewalReason, now: Date): string {
  return reason.kind === "expiring"
    ? `it ${reason.notAfter <= now ? "expired" : "expires"} on ${day(reason.notAfter)}`
    : `it does not name ${reason.missingHosts.join(", ")}, which phones check`;
}

/** What to do on the box that holds the CA, and then here. */
function askTheCa(outcome: CertificateOutcome): string[] {
  return [
    `  On the box that holds the community CA: deploy/blockshare cert issue --server ${outcome.serverName} --public-url ${outcome.publicUrl} --out DIR`,
    `  Then here: deploy/blockshare cert install DIR/tls.crt DIR/tls.key, and re-run the install.`,
  ];
}

export function describeCertificate(outcome: CertificateOutcome): string[] {
  const { plan } = outcome;
  switch (plan.action) {
    case "keep":
      return [`This block's community-CA certificate is valid until ${day(plan.notAfter)} (renewed ${RENEW_WITHIN_DAYS} days before).`];
    case "renew":
      return [`Renewed this block's certificate from the community CA (${why(plan.reason, outcome.now)}): valid until ${outcome.renewedUntil}, for federation and clients.`];
    case "ask-ca":
      return [`This block's certificate needs renewing (${why(plan.reason, outcome.now)}), and the community CA is on another box:`, ...askTheCa(outcome)];
    case "missing":
      return plan.holdsCa
        ? ["Phones will not trust this box until it has a certificate from the community CA, which is on this box: deploy/blockshare cert issue, then re-run the install."]
        : ["Phones will not trust this box until it has a certificate from the mesh's community CA:", ...askTheCa(outcome), "  (The first block of a mesh creates the CA: deploy/blockshare ca create, then cert issue.)"];
  }
}
