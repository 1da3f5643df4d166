// This block's certificate from the community CA, for federation (8448) and clients (443): whether it
// needs renewing, renewing it when this box holds the CA, and what the operator is told. The install
// and the daily renewal timer (`cert renew`) both use it.
//   decide:  planBlockCertificate (pure) → CertificatePlan
//   act:     carryOut → CertificateOutcome
//   speak:   describeCertificate → lines for the terminal
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { loadNeighborhood, type LoadedNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import {
  blockCertificateHosts,
  federationPaths,
  hostsNotCovered,
  issueCertificate,
  ownCertificate,
  type FederationPaths,
} from "../../homeserver-config/communityCa.ts";
import { httpsElementOrigin, usableClientCertificate } from "../../homeserver-config/clientHttps.ts";

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
    notAfter.getTime() - now.getTime() < RENEW_WITHIN_DAYS * DAY_MS
      ? { kind: "expiring", notAfter }
      : missingHosts.length > 0
        ? { kind: "names", missingHosts }
        : undefined;
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
export const clientCertificate = usableClientCertificate;

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
      return [
        `Renewed this block's certificate from the community CA (${why(plan.reason, outcome.now)}): valid until ${outcome.renewedUntil}, for federation and clients.`,
      ];
    case "ask-ca":
      return [`This block's certificate needs renewing (${why(plan.reason, outcome.now)}), and the community CA is on another box:`, ...askTheCa(outcome)];
    case "missing":
      return plan.holdsCa
        ? [
            "Phones will not trust this box until it has a certificate from the community CA, which is on this box: deploy/blockshare cert issue, then re-run the install.",
          ]
        : [
            "Phones will not trust this box until it has a certificate from the mesh's community CA:",
            ...askTheCa(outcome),
            "  (The first block of a mesh creates the CA: deploy/blockshare ca create, then cert issue.)",
          ];
  }
}

/**
 * What `run` says once at start about phones: where it serves HTTPS, or what is missing for it (Element X
 * refuses plain HTTP and certificates it does not trust).
 */
export function describeRunHttps(neighborhood: LoadedNeighborhood, now = new Date()): string[] {
  if (neighborhood.clientTls) {
    return [
      `Phones: the client API is on ${neighborhood.public_url} and the join page's secure step on ${httpsElementOrigin(neighborhood)}/join, with this block's community-CA certificate.`,
    ];
  }
  // Behind nginx the install serves phones on 443 and says itself what they need.
  if (neighborhood.reverse_proxy) return [];
  if (neighborhood.workers.enabled) {
    return [
      "Phones cannot use this block under run with workers: its client API is on a loopback proxy only. Serve them from the production install (nginx on 443, deploy/blockshare install).",
    ];
  }
  const paths = federationPaths(neighborhood.dataDir);
  const plan = planBlockCertificate(certificateState(paths, blockCertificateHosts(neighborhood.server_name, neighborhood.public_url)), now);
  const outcome: CertificateOutcome = { plan, serverName: neighborhood.server_name, publicUrl: neighborhood.public_url, now };
  const head = "Phones cannot use this block yet: Element X needs HTTPS with a certificate from the mesh's community CA";
  const restart = "  Then restart run: it serves HTTPS on ports.client_https and ports.element_https.";
  switch (plan.action) {
    case "missing":
      return plan.holdsCa
        ? [`${head}, and this block has none. The CA is on this box: deploy/blockshare cert issue`, restart]
        : existsSync(paths.caCertificate)
          ? [
              `${head}, and this block has none:`,
              ...askTheCa(outcome).slice(0, 1),
              "  Then here: deploy/blockshare cert install DIR/tls.crt DIR/tls.key",
              restart,
            ]
          : [
              `${head}, and the mesh has none yet. The first block of a mesh creates it: deploy/blockshare ca create, then deploy/blockshare cert issue`,
              restart,
            ];
    case "renew":
    case "ask-ca":
      return [
        `${head}, and this block's certificate cannot serve them (${why(plan.reason, now)}):`,
        plan.action === "renew" ? "  deploy/blockshare cert renew" : askTheCa(outcome)[0]!,
        ...(plan.action === "renew" ? [] : ["  Then here: deploy/blockshare cert install DIR/tls.crt DIR/tls.key"]),
        restart,
      ];
    case "keep":
      // Valid and naming public_url's host, yet not usable: only possible with reverse_proxy (nginx serves it).
      return [];
  }
}

/**
 * After Synapse restarted for a new configuration (e.g. `cert issue` or `cert install` while `run` runs):
 * whether clients' HTTPS changed since `run` started. Synapse follows at once, but the join page and Element
 * keep the address they started with until `run` starts again, so `run` says so.
 */
export function httpsChangedSinceStart(started: LoadedNeighborhood): string | undefined {
  let now: LoadedNeighborhood;
  try {
    now = loadNeighborhood(started.file);
  } catch {
    return undefined; // an invalid file is reported by whoever wrote it
  }
  if (Boolean(now.clientTls) === Boolean(started.clientTls)) return undefined;
  return now.clientTls
    ? `This block's certificate now lets it serve phones over HTTPS (${now.public_url}): restart run (Ctrl-C, then deploy/blockshare run) so the join page and Element use it too.`
    : `This block's certificate no longer serves phones (expired, or not naming public_url's host): restart run (Ctrl-C, then deploy/blockshare run) to go back to plain HTTP, and see cert issue.`;
}
