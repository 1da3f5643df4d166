// The votes a poll counts at a moment: native polls from their stored response events (MSC3381 tally),
// DM-ballot polls (secret, ranked) from their ballots, which only eligible members could cast.

import type { BotStore } from "../framework/contract.ts";
import type { CountedVotes } from "./decidePoll.ts";
import { votesByDm, type PollRecord } from "./pollModel.ts";
import { loadBallots, loadResponses } from "./pollStore.ts";
import { tallyResponses } from "./tallyResponses.ts";

export function countPollVotes(store: BotStore, poll: PollRecord, endTs: number): CountedVotes {
  if (votesByDm(poll)) {
    const ballots = loadBallots(store, poll.number);
    return { votes: new Map(Object.entries(ballots).map(([voter, ballot]) => [voter, ballot.choices])), spoiled: [], notCounted: [] };
  }
  const tally = tallyResponses({
    answerIds: poll.options.map((option) => option.id),
    maxSelections: poll.maxSelections,
    responses: loadResponses(store, poll.number),
    endTs,
    eligible: new Set(poll.eligible),
  });
  return { votes: tally.votes, spoiled: tally.spoiled, notCounted: tally.notCounted };
}

/** Eligible members who have not voted yet (for reminders). */
export function eligibleNonVoters(store: BotStore, poll: PollRecord, now: number): string[] {
  const { votes } = countPollVotes(store, poll, now);
  return poll.eligible.filter((member) => !votes.has(member));
}
