// Alertmanager's webhook body (version "4", https://prometheus.io/docs/alerting/latest/configuration/#webhook_config),
// so the appservice host reads one format whether the built-in rules or a real Alertmanager sent it.
import type { MeshAlert } from "../rules/alert.ts";

export interface AlertmanagerAlert {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface AlertmanagerWebhook {
  version: "4";
  groupKey: string;
  truncatedAlerts: number;
  status: "firing" | "resolved";
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: AlertmanagerAlert[];
}

export interface PayloadOptions {
  receiver: string;
  /** Where a person can look: the monitor's map. */
  externalURL: string;
  /** Who simulated alerts are for (the `simulation_audience` annotation the mesh bot routes by). */
  simulatedAlertsTo?: "operator" | "room";
}

function definedLabels(labels: MeshAlert["labels"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) if (value !== undefined) out[key] = value;
  return out;
}

function common(records: readonly Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = records;
  if (first === undefined) return {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(first)) if (rest.every((record) => record[key] === value)) out[key] = value;
  return out;
}

/** One webhook body per alertname, as Alertmanager sends a group with `group_by: [alertname]`. */
export function buildWebhookPayloads(alerts: readonly MeshAlert[], options: PayloadOptions): AlertmanagerWebhook[] {
  const groups = new Map<string, MeshAlert[]>();
  for (const alert of alerts) {
    const group = groups.get(alert.labels.alertname) ?? [];
    group.push(alert);
    groups.set(alert.labels.alertname, group);
  }
  return [...groups].map(([alertname, group]) => {
    const converted = group.map((alert) => ({
      status: alert.status,
      labels: definedLabels(alert.labels),
      annotations:
        alert.labels.simulated === "true" ? { ...alert.annotations, simulation_audience: options.simulatedAlertsTo ?? "operator" } : { ...alert.annotations },
      startsAt: alert.startsAt,
      endsAt: alert.endsAt,
      generatorURL: `${options.externalURL.replace(/\/$/, "")}/#alert=${alert.fingerprint}`,
      fingerprint: alert.fingerprint,
    }));
    return {
      version: "4",
      groupKey: `{}/{source="mesh-monitor"}:{alertname="${alertname}"}`,
      truncatedAlerts: 0,
      status: converted.some((alert) => alert.status === "firing") ? "firing" : "resolved",
      receiver: options.receiver,
      groupLabels: { alertname },
      commonLabels: common(converted.map((alert) => alert.labels)),
      commonAnnotations: common(converted.map((alert) => alert.annotations)),
      externalURL: options.externalURL,
      alerts: converted,
    };
  });
}
