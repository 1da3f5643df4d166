// Reads a DM ballot ("!vote 3 agree", "!vote 4 A C", "!rank 5 B A C") into option ids, by letter, id
// or the option's own words, checked against the poll's kind: one answer, up to max_selections, or a
// ranking without repeats.

import { tokenizeArguments } from "../framework/argumentTokens.ts";
import type { PollKind, PollOption, PollRecord } from "./pollModel.ts";

export type BallotReading = { ok: true; choices: string[] } | { ok: false; problem: string };

const answerSynonyms: Readonly<Record<string, string>> = { objection: "object", yes: "agree", no: "disagree" };

function findOption(options: readonly PollOption[], word: string): PollOption | undefined {
  const wanted = word.trim().toLowerCase();
  const id = answerSynonyms[wanted] ?? wanted;
  return options.find((option) => option.id === id) ?? options.find((option) => option.label.toLowerCase() === wanted);
}

type CountRule = (poll: Pick<PollRecord, "maxSelections" | "options">, count: number) => string | undefined;

const countRules: Readonly<Record<PollKind, CountRule>> = {
  proposal: (_poll, count) => (count === 1 ? undefined : "Vote with one answer: agree, disagree or abstain."),
  consent: (_poll, count) => (count === 1 ? undefined : "Vote with one answer: consent or object."),
  choose: (poll, count) => (count >= 1 && count <= poll.maxSelections ? undefined : `Choose from 1 to ${poll.maxSelections} option${poll.maxSelections === 1 ? "" : "s"}, by letter.`),
  ranked: (_poll, count) => (count >= 1 ? undefined : "Rank at least one option, most preferred first, by letter."),
};

export function readBallot(poll: Pick<PollRecord, "kind" | "maxSelections" | "options">, text: string): BallotReading {
  const words = tokenizeArguments(text.replace(/[,>]/g, " ")).map((token) => token.value);
  const choices: string[] = [];
  for (const word of words) {
    const option = findOption(poll.options, word);
    if (option === undefined) {
      const known = poll.options.map((candidate) => `${candidate.id.length === 1 ? candidate.id.toUpperCase() : candidate.id} (${candidate.label})`).join(", ");
      return { ok: false, problem: `"${word}" is not an option of this poll. Options: ${known}.` };
    }
    if (choices.includes(option.id)) return { ok: false, problem: `"${word}" is named twice.` };
    choices.push(option.id);
  }
  const problem = countRules[poll.kind](poll, choices.length);
  return problem === undefined ? { ok: true, choices } : { ok: false, problem };
}
