// The alert shape rules produce: Alertmanager's alert fields, with labels frozen when it starts firing so
// its "resolved" carries exactly the labels (and fingerprint) of its "firing".
import { createHash } from "node:crypto";

export type Severity = "critical" | "warning" | "info";

export interface AlertLabels {
  alertname: string;
  severity: Severity;
  /** The collector the evidence came from ("mesh" when merged from several). */
  source: string;
  node?: string;
  link?: string;
  [label: string]: string | undefined;
}

export interface MeshAlert {
  fingerprint: string;
  status: "firing" | "resolved";
  labels: AlertLabels;
  /** `resolved_summary` is the headline once it is resolved (rules/alertWording.ts). */
  annotations: { summary: string; description: string; resolved_summary: string };
  /** ISO 8601. */
  startsAt: string;
  /** ISO 8601; "0001-01-01T00:00:00Z" while firing, as Alertmanager sends it. */
  endsAt: string;
}

export const notEnded = "0001-01-01T00:00:00Z";

/** 16 hex digits over the sorted labels, like Alertmanager's: same labels, same fingerprint. */
export function fingerprintOf(labels: AlertLabels): string {
  const hash = createHash("sha256");
  for (const key of Object.keys(labels).sort()) {
    const value = labels[key];
    if (value === undefined) continue;
    hash.update(key).update("\u00ff").update(value).update("\u00ff");
  }
  return hash.digest("hex").slice(0, 16);
}
