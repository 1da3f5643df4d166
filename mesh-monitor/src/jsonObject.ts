// The one check for "a JSON object" (not null, not an array) that the monitor's file and config readers share.

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
