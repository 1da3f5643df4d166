// olsrd's two cost encodings (reference/mesh-telemetry.md §1.2): since 0.9.5 jsoninfo prints ETX as a
// float (1.0 = perfect); older versions print the fixed-point value (1024 = ETX 1.0). Costs at or above
// LINK_COST_BROKEN mean broken. Decided once per source, from the version when it says, else from the
// numbers (every real link has ETX ≥ 1, so a fixed-point source never prints a cost below 1024).

export type OlsrCostEncoding = "etx" | "fixed1024";

export const OLSR_LINK_COST_BROKEN = 4194304; // 2^22, fixed-point
export const OLSR_ETX_BROKEN = OLSR_LINK_COST_BROKEN / 1024; // 4096, what ≥ 0.9.5 prints for a broken link

/** "olsr.org - 0.6.6-git_…", "0.9.8", "0.6.6" → [major, minor, patch], or undefined. */
export function olsrVersion(text: string | undefined): [number, number, number] | undefined {
  const match = text === undefined ? null : /(\d+)\.(\d+)\.(\d+)/.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

function atLeast095(version: [number, number, number]): boolean {
  const [major, minor, patch] = version;
  return major > 0 || minor > 9 || (minor === 9 && patch >= 5);
}

export function detectOlsrCostEncoding(versionText: string | undefined, costs: readonly number[]): OlsrCostEncoding {
  const version = olsrVersion(versionText);
  if (version !== undefined && atLeast095(version)) return "etx";
  const smallest = costs.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...costs);
  // An old version whose numbers are nonetheless scaled (the NetJSON spec example: 0.6.6 with cost 1.0)
  // is believed by its numbers.
  if (version !== undefined) return smallest < 1024 ? "etx" : "fixed1024";
  return smallest >= 1024 ? "fixed1024" : "etx";
}

/** Reported cost → ETX (≥ 1; OLSR_ETX_BROKEN and above = broken). */
export function olsrEtx(cost: number, encoding: OlsrCostEncoding): number {
  return encoding === "fixed1024" ? cost / 1024 : cost;
}

/** ETX → 0–1 quality (= LQ × NLQ); broken links are 0. */
export function etxQuality(etx: number): number {
  if (!(etx < OLSR_ETX_BROKEN) || etx <= 0) return etx <= 0 ? 1 : 0;
  return etx <= 1 ? 1 : 1 / etx;
}
