// Tallies native poll responses exactly as MSC3381 (and matrix-js-sdk's Poll) say: ignore responses
// after the end, keep each voter's latest response (by origin_server_ts, ties by event id) even if it is
// invalid, truncate to max_selections, spoil it when an answer id is unknown, de-duplicate. Redacted
// responses are simply absent from the input, so their sender falls back to the previous response.
// Only eligible voters are counted; everyone else who responded is listed as not counted.

import type { StoredResponse } from "./pollModel.ts";

export interface TallyInput {
  answerIds: readonly string[];
  maxSelections: number;
  responses: readonly StoredResponse[];
  /** origin_server_ts of the end; responses after it are ignored. */
  endTs: number;
  eligible: ReadonlySet<string>;
}

export interface PollTally {
  /** Answer id → number of eligible voters who chose it. */
  counts: Map<string, number>;
  /** Eligible voters whose latest response chose at least one known answer, with those answers. */
  votes: Map<string, string[]>;
  /** Eligible voters whose latest response was spoiled (unknown answer id or malformed). */
  spoiled: string[];
  /** Responders outside the eligible list (pact neighbors, late joiners), sorted. */
  notCounted: string[];
}

function isLater(candidate: StoredResponse, current: StoredResponse): boolean {
  return candidate.ts > current.ts || (candidate.ts === current.ts && candidate.eventId > current.eventId);
}

/** Each sender's latest response at or before the end. */
export function latestResponses(responses: readonly StoredResponse[], endTs: number): Map<string, StoredResponse> {
  const latest = new Map<string, StoredResponse>();
  for (const response of responses) {
    if (response.ts > endTs) continue;
    const current = latest.get(response.sender);
    if (current === undefined || isLater(response, current)) latest.set(response.sender, response);
  }
  return latest;
}

/** The answers a response counts for, [] for "no selection" (unvote), or undefined when spoiled. */
export function countedAnswers(answers: readonly string[] | undefined, known: ReadonlySet<string>, maxSelections: number): string[] | undefined {
  if (answers === undefined) return undefined;
  // The usual case (one answer) without the copies the general case needs.
  if (answers.length === 1 && maxSelections >= 1) return known.has(answers[0] ?? "") ? [answers[0] ?? ""] : undefined;
  const truncated = answers.slice(0, maxSelections);
  if (truncated.some((answer) => !known.has(answer))) return undefined;
  return [...new Set(truncated)];
}

export function tallyResponses(input: TallyInput): PollTally {
  const known = new Set(input.answerIds);
  const counts = new Map(input.answerIds.map((id) => [id, 0]));
  const votes = new Map<string, string[]>();
  const spoiled: string[] = [];
  const notCounted: string[] = [];
  for (const [sender, response] of latestResponses(input.responses, input.endTs)) {
    if (!input.eligible.has(sender)) {
      notCounted.push(sender);
      continue;
    }
    const answers = countedAnswers(response.answers, known, input.maxSelections);
    if (answers === undefined) {
      spoiled.push(sender);
      continue;
    }
    if (answers.length === 0) continue;
    votes.set(sender, answers);
    for (const answer of answers) counts.set(answer, (counts.get(answer) ?? 0) + 1);
  }
  return { counts, votes, spoiled: spoiled.sort(), notCounted: notCounted.sort() };
}
