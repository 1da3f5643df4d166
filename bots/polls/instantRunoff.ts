// Instant runoff: each round counts every ballot for its highest-ranked option still in the race; an
// option with more than half of the ballots still in play wins, otherwise the last is eliminated.
// A tie for last is broken by the earlier rounds (fewest votes in the latest round where they differ);
// if still tied, all of them go out together, unless that would leave nobody, which is a tie.

export interface RunoffRound {
  /** Option id → ballots counting for it this round (options still in the race only). */
  counts: Map<string, number>;
  /** Ballots that rank none of the remaining options. */
  exhausted: number;
  /** Options eliminated at the end of this round. */
  eliminated: string[];
}

export interface RunoffResult {
  rounds: RunoffRound[];
  /** The winner, or undefined when there were no ballots or the last options tied. */
  winner: string | undefined;
  /** The options still tied when no winner could be found. */
  tied: string[];
}

function countRound(ballots: readonly (readonly string[])[], continuing: ReadonlySet<string>, order: readonly string[]): RunoffRound {
  const counts = new Map(order.filter((id) => continuing.has(id)).map((id) => [id, 0]));
  let exhausted = 0;
  for (const ballot of ballots) {
    const choice = ballot.find((id) => continuing.has(id));
    if (choice === undefined) exhausted += 1;
    else counts.set(choice, (counts.get(choice) ?? 0) + 1);
  }
  return { counts, exhausted, eliminated: [] };
}

/** The options with the fewest votes, narrowed by earlier rounds from the latest back. */
function lastPlaced(round: RunoffRound, earlier: readonly RunoffRound[]): string[] {
  const fewest = (candidates: readonly string[], counts: Map<string, number>) => {
    const least = Math.min(...candidates.map((id) => counts.get(id) ?? 0));
    return candidates.filter((id) => (counts.get(id) ?? 0) === least);
  };
  let candidates = fewest([...round.counts.keys()], round.counts);
  for (let index = earlier.length - 1; index >= 0 && candidates.length > 1; index -= 1) {
    candidates = fewest(candidates, earlier[index]?.counts ?? new Map());
  }
  return candidates;
}

/** `options` in display order; ballots list option ids, most preferred first (unknown ids are skipped). */
export function instantRunoff(options: readonly string[], ballots: readonly (readonly string[])[]): RunoffResult {
  const continuing = new Set(options);
  const rounds: RunoffRound[] = [];
  while (continuing.size > 0) {
    const round = countRound(ballots, continuing, options);
    rounds.push(round);
    const inPlay = ballots.length - round.exhausted;
    if (inPlay === 0) return { rounds, winner: undefined, tied: [] };
    const [leader, leaderVotes] = [...round.counts].reduce((best, entry) => (entry[1] > best[1] ? entry : best));
    if (2 * leaderVotes > inPlay || continuing.size === 1) return { rounds, winner: leader, tied: [] };
    const last = lastPlaced(round, rounds.slice(0, -1));
    if (last.length === continuing.size) return { rounds, winner: undefined, tied: last };
    round.eliminated = last;
    for (const id of last) continuing.delete(id);
  }
  return { rounds, winner: undefined, tied: [] };
}
