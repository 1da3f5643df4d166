// Pass thresholds for proposals, as a share of the votes that took a side (agree + disagree; abstentions
// count for quorum only). Integer arithmetic, so the boundaries are exact: 2 of 3 is two thirds.

export type ThresholdName = "majority" | "two-thirds" | "three-quarters";

interface ThresholdRule {
  isMet(agree: number, disagree: number): boolean;
}

export const thresholdRules: Readonly<Record<ThresholdName, ThresholdRule>> = {
  majority: { isMet: (agree, disagree) => 2 * agree > agree + disagree },
  "two-thirds": { isMet: (agree, disagree) => agree + disagree > 0 && 3 * agree >= 2 * (agree + disagree) },
  "three-quarters": { isMet: (agree, disagree) => agree + disagree > 0 && 4 * agree >= 3 * (agree + disagree) },
};

const thresholdWords: Readonly<Record<string, ThresholdName>> = {
  majority: "majority",
  "simple-majority": "majority",
  "50%": "majority",
  "two-thirds": "two-thirds",
  "2/3": "two-thirds",
  "three-quarters": "three-quarters",
  "three-fourths": "three-quarters",
  "3/4": "three-quarters",
  "75%": "three-quarters",
  // Spanish: "umbral mayoría", "umbral dos tercios", "umbral tres cuartos".
  mayoría: "majority",
  mayoria: "majority",
  "mayoría-simple": "majority",
  "dos-tercios": "two-thirds",
  "tres-cuartos": "three-quarters",
};

/** "Two thirds", "two-thirds", "2/3", "simple majority" → the rule's name. */
export function readThreshold(words: string): ThresholdName | undefined {
  return thresholdWords[
    words
      .trim()
      .toLowerCase()
      .replace(/[\s_]+/g, "-")
  ];
}

/** Whether enough eligible voters voted; no eligible voters meets only a zero quorum. */
export function isQuorumMet(voted: number, eligible: number, quorumPercent: number): boolean {
  return voted * 100 >= quorumPercent * eligible;
}
