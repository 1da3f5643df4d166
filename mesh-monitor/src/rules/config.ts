// Rule thresholds a community can trust out of the box and change in mesh-monitor.yaml under `rules:`.
// Every duration is in seconds, every quality/resource level a fraction 0–1. Validation names the exact
// key that is wrong and what is accepted, so a typo never silently falls back to a default.

import { isJsonObject } from "../../../common/jsonObject.ts";

export interface HeldThreshold {
  /** Fires when the reading is above this fraction… */
  above: number;
  /** …continuously for this long; and resolves after being back at or below it for as long (OpenWISP's two-way tolerance). */
  forSeconds: number;
}

export interface RulesConfig {
  /** How often sources are collected; other defaults are expressed in these intervals. */
  collectionIntervalSeconds: number;
  nodeDown: {
    /** A node unheard for this long is silent (default: 5 minutes). */
    silenceSeconds: number;
    /** Back-to-normal must hold this long before "resolved" (two polls by default). */
    resolveAfterSeconds: number;
    /** A silent node that a neighbour still links to at or above this quality is "agent silent", not "down". */
    neighbourQualityAlive: number;
  };
  linkLost: {
    /** A known link absent (or quality 0) this long is lost. */
    forSeconds: number;
    /** It must be back this long before "resolved": a flapping link stays one alert. */
    resolveAfterSeconds: number;
  };
  linkDegraded: {
    enterBelow: number;
    enterForSeconds: number;
    leaveAbove: number;
    leaveForSeconds: number;
  };
  uplink: {
    forSeconds: number;
    resolveAfterSeconds: number;
  };
  cpu: HeldThreshold;
  memory: HeldThreshold;
  disk: HeldThreshold;
  newNode: {
    enabled: boolean;
    /** How long the "new node" notice stays active before it resolves by itself. */
    announceSeconds: number;
  };
  collectorBlind: {
    /** A source failing (or suddenly returning no nodes) this long is blind. */
    afterSeconds: number;
  };
}

export const defaultRulesConfig: RulesConfig = {
  collectionIntervalSeconds: 60,
  nodeDown: { silenceSeconds: 300, resolveAfterSeconds: 120, neighbourQualityAlive: 0.3 },
  linkLost: { forSeconds: 120, resolveAfterSeconds: 300 },
  linkDegraded: { enterBelow: 0.5, enterForSeconds: 120, leaveAbove: 0.65, leaveForSeconds: 120 },
  uplink: { forSeconds: 60, resolveAfterSeconds: 120 },
  cpu: { above: 0.9, forSeconds: 300 },
  memory: { above: 0.95, forSeconds: 300 },
  disk: { above: 0.9, forSeconds: 300 },
  newNode: { enabled: true, announceSeconds: 3600 },
  collectorBlind: { afterSeconds: 180 },
};

export class RulesConfigError extends Error {
  override name = "RulesConfigError";
}

type FieldKind = "seconds" | "fraction" | "boolean";

/** Which keys exist and what each accepts; validation and error messages are driven by this table. */
const schema: {
  readonly [Section in keyof RulesConfig]: RulesConfig[Section] extends object ? { readonly [Key in keyof RulesConfig[Section]]: FieldKind } : FieldKind;
} = {
  collectionIntervalSeconds: "seconds",
  nodeDown: { silenceSeconds: "seconds", resolveAfterSeconds: "seconds", neighbourQualityAlive: "fraction" },
  linkLost: { forSeconds: "seconds", resolveAfterSeconds: "seconds" },
  linkDegraded: { enterBelow: "fraction", enterForSeconds: "seconds", leaveAbove: "fraction", leaveForSeconds: "seconds" },
  uplink: { forSeconds: "seconds", resolveAfterSeconds: "seconds" },
  cpu: { above: "fraction", forSeconds: "seconds" },
  memory: { above: "fraction", forSeconds: "seconds" },
  disk: { above: "fraction", forSeconds: "seconds" },
  newNode: { enabled: "boolean", announceSeconds: "seconds" },
  collectorBlind: { afterSeconds: "seconds" },
};

const accepted: Record<FieldKind, string> = {
  seconds: "a number of seconds ≥ 0 (e.g. 300)",
  fraction: "a fraction between 0 and 1 (e.g. 0.9 for 90 %)",
  boolean: "true or false",
};

function checkValue(path: string, kind: FieldKind, value: unknown): unknown {
  const ok =
    kind === "boolean" ? typeof value === "boolean" : typeof value === "number" && Number.isFinite(value) && value >= 0 && (kind === "seconds" || value <= 1);
  if (!ok) throw new RulesConfigError(`rules.${path} is ${JSON.stringify(value)}; expected ${accepted[kind]}`);
  return value;
}

/** Defaults overlaid with what the operator wrote; unknown keys and bad values are errors. */
export function parseRulesConfig(raw: unknown): RulesConfig {
  if (raw === undefined || raw === null) return structuredClone(defaultRulesConfig);
  if (!isJsonObject(raw)) throw new RulesConfigError(`rules must be a mapping of rule names to settings, got ${JSON.stringify(raw)}`);
  const result = structuredClone(defaultRulesConfig) as unknown as Record<string, unknown>;
  for (const [section, value] of Object.entries(raw)) {
    const sectionSchema: unknown = Object.hasOwn(schema, section) ? schema[section as keyof RulesConfig] : undefined;
    if (sectionSchema === undefined) {
      throw new RulesConfigError(`rules.${section} is not a known rule; known: ${Object.keys(schema).join(", ")}`);
    }
    if (typeof sectionSchema === "string") {
      result[section] = checkValue(section, sectionSchema as FieldKind, value);
      continue;
    }
    if (!isJsonObject(value)) throw new RulesConfigError(`rules.${section} must be a mapping, got ${JSON.stringify(value)}`);
    const fields = sectionSchema as Record<string, FieldKind>;
    const target = result[section] as Record<string, unknown>;
    for (const [key, fieldValue] of Object.entries(value)) {
      const kind = Object.hasOwn(fields, key) ? fields[key] : undefined;
      if (kind === undefined) {
        throw new RulesConfigError(`rules.${section}.${key} is not a known setting; known: ${Object.keys(fields).join(", ")}`);
      }
      target[key] = checkValue(`${section}.${key}`, kind, fieldValue);
    }
  }
  const config = result as unknown as RulesConfig;
  if (config.linkDegraded.leaveAbove < config.linkDegraded.enterBelow) {
    throw new RulesConfigError(
      `rules.linkDegraded.leaveAbove (${config.linkDegraded.leaveAbove}) must be ≥ enterBelow (${config.linkDegraded.enterBelow}), or a link would flap between the two`,
    );
  }
  if (config.collectionIntervalSeconds <= 0) throw new RulesConfigError("rules.collectionIntervalSeconds must be more than 0");
  return config;
}
