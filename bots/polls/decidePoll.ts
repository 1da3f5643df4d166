// From the counted votes to an outcome, one rule per kind of poll (a table, not a chain of ifs).
// Quorum applies to every kind: turnout is the share of eligible voters whose vote counted (abstaining
// counts; a spoiled vote does not).

import { instantRunoff, type RunoffResult } from "./instantRunoff.ts";
import type { PollKind, PollOutcome, PollRecord } from "./pollModel.ts";
import { isQuorumMet, thresholdRules } from "./thresholds.ts";

export interface CountedVotes {
  /** Eligible voter → the option ids their vote counts for (in order of preference for ranked polls). */
  votes: ReadonlyMap<string, readonly string[]>;
  spoiled: readonly string[];
  notCounted: readonly string[];
}

export interface PollResult {
  /** Option id → votes (first preferences for ranked polls). */
  counts: Map<string, number>;
  voted: number;
  eligible: number;
  quorumMet: boolean;
  /** Proposals only. */
  thresholdMet?: boolean;
  runoff?: RunoffResult;
  spoiled: readonly string[];
  notCounted: readonly string[];
  outcome: PollOutcome;
}

type PollForDecision = Pick<PollRecord, "kind" | "options" | "threshold" | "quorumPercent" | "eligible">;

interface KindDecision {
  thresholdMet?: boolean;
  runoff?: RunoffResult;
  outcome: PollOutcome;
}

type DecideKind = (poll: PollForDecision, counts: Map<string, number>, votes: CountedVotes) => KindDecision;

const labelOf = (poll: PollForDecision, id: string) => poll.options.find((option) => option.id === id)?.label ?? id;

const decideByKind: Readonly<Record<PollKind, DecideKind>> = {
  proposal(poll, counts) {
    const thresholdMet = thresholdRules[poll.threshold ?? "majority"].isMet(counts.get("agree") ?? 0, counts.get("disagree") ?? 0);
    return { thresholdMet, outcome: thresholdMet ? { decided: true, verdict: { kind: "passed" } } : { decided: false, verdict: { kind: "thresholdNotMet" } } };
  },
  consent(_poll, counts) {
    const objections = counts.get("object") ?? 0;
    return objections === 0
      ? { outcome: { decided: true, verdict: { kind: "consentPassed" } } }
      : { outcome: { decided: false, verdict: { kind: "objections", count: objections } } };
  },
  choose(poll, counts) {
    const most = Math.max(0, ...counts.values());
    const top = [...counts].filter(([, count]) => count === most && most > 0).map(([id]) => labelOf(poll, id));
    if (top.length === 0) return { outcome: { decided: false, verdict: { kind: "nobodyChose" } } };
    if (top.length > 1) return { outcome: { decided: false, verdict: { kind: "tie", options: top } } };
    return { outcome: { decided: true, verdict: { kind: "decided", option: top[0] ?? "" } } };
  },
  ranked(poll, _counts, votes) {
    const runoff = instantRunoff(
      poll.options.map((option) => option.id),
      [...votes.votes.values()],
    );
    if (runoff.winner !== undefined) return { runoff, outcome: { decided: true, verdict: { kind: "decided", option: labelOf(poll, runoff.winner) } } };
    const outcome: PollOutcome =
      runoff.tied.length > 0
        ? { decided: false, verdict: { kind: "tie", options: runoff.tied.map((id) => labelOf(poll, id)) } }
        : { decided: false, verdict: { kind: "noBallots" } };
    return { runoff, outcome };
  },
};

export function decidePoll(poll: PollForDecision, votes: CountedVotes): PollResult {
  const counts = new Map(poll.options.map((option) => [option.id, 0]));
  for (const choices of votes.votes.values()) {
    // Ranked ballots count their first preference here; the runoff reads the whole ballot.
    const counted = poll.kind === "ranked" ? choices.slice(0, 1) : choices;
    for (const id of counted) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const voted = votes.votes.size;
  const quorumMet = isQuorumMet(voted, poll.eligible.length, poll.quorumPercent);
  const decision = decideByKind[poll.kind](poll, counts, votes);
  const outcome: PollOutcome = quorumMet
    ? decision.outcome
    : { decided: false, verdict: { kind: poll.kind === "proposal" || poll.kind === "consent" ? "quorumNotPassed" : "quorumNotDecided" } };
  return {
    counts,
    voted,
    eligible: poll.eligible.length,
    quorumMet,
    ...(decision.thresholdMet === undefined ? {} : { thresholdMet: decision.thresholdMet }),
    ...(decision.runoff === undefined ? {} : { runoff: decision.runoff }),
    spoiled: votes.spoiled,
    notCounted: votes.notCounted,
    outcome,
  };
}
