// The one check for "a JSON object": not null, not an array (typeof says "object" for both).

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
