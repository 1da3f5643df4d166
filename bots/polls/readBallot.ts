// Reads a DM ballot ("!vote 3 agree", "!vote 4 A C", "!rank 5 B A C", "!votar 3 a favor") into option
// ids, by letter, id or the option's own words (a fixed answer also by its name in any language the bots
// speak), checked against the poll's kind: one answer, up to max_selections, or a ranking without repeats.

import { tokenizeArguments } from "../framework/argumentTokens.ts";
import { catalogFor, supportedLanguages } from "../framework/languages.ts";
import { words, type MessageRef } from "../framework/speak.ts";
import type { PollKind, PollOption, PollRecord } from "./pollModel.ts";
import { fixedAnswerKeys } from "./pollWords.ts";

/** A word that names no option is kept as such: the reply lists the options in the voter's language. */
export type BallotReading = { ok: true; choices: string[] } | { ok: false; problem: MessageRef } | { ok: false; unknownWord: string };

// What neighbors type for the fixed answers, besides their ids and their names in each catalog.
const answerSynonyms: Readonly<Record<string, string>> = {
  objection: "object",
  yes: "agree",
  no: "disagree",
  sí: "agree",
  si: "agree",
  "a-favor": "agree",
  "en-contra": "disagree",
  abstengo: "abstain",
  abstención: "abstain",
  "de-acuerdo": "consent",
  opongo: "object",
  objeción: "object",
};

/** A fixed answer named in a language ("a favor", "me abstengo"), whatever the neighbor's own language. */
function fixedAnswerNamed(options: readonly PollOption[], wanted: string): PollOption | undefined {
  return options.find((option) => {
    const key = fixedAnswerKeys[option.id];
    return key !== undefined && supportedLanguages.some((language) => catalogFor(language)[key].toLowerCase() === wanted);
  });
}

function findOption(options: readonly PollOption[], word: string): PollOption | undefined {
  const wanted = word.trim().toLowerCase();
  const id = answerSynonyms[wanted] ?? wanted;
  return options.find((option) => option.id === id) ?? options.find((option) => option.label.toLowerCase() === wanted) ?? fixedAnswerNamed(options, wanted);
}

type CountRule = (poll: Pick<PollRecord, "maxSelections" | "options">, count: number) => MessageRef | undefined;

const countRules: Readonly<Record<PollKind, CountRule>> = {
  proposal: (_poll, count) => (count === 1 ? undefined : words("polls.ballot.oneProposalAnswer")),
  consent: (_poll, count) => (count === 1 ? undefined : words("polls.ballot.oneConsentAnswer")),
  choose: (poll, count) => (count >= 1 && count <= poll.maxSelections ? undefined : words("polls.ballot.chooseCount", { max: poll.maxSelections })),
  ranked: (_poll, count) => (count >= 1 ? undefined : words("polls.ballot.rankOne")),
};

export function readBallot(poll: Pick<PollRecord, "kind" | "maxSelections" | "options">, text: string): BallotReading {
  // The whole text may name one fixed answer in several words ("a favor", "me opongo").
  const whole = fixedAnswerNamed(poll.options, text.trim().replace(/\s+/g, " ").toLowerCase());
  if (whole !== undefined) return { ok: true, choices: [whole.id] };
  const typed = tokenizeArguments(text.replace(/[,>]/g, " ")).map((token) => token.value);
  const choices: string[] = [];
  for (const word of typed) {
    const option = findOption(poll.options, word);
    if (option === undefined) return { ok: false, unknownWord: word };
    if (choices.includes(option.id)) return { ok: false, problem: words("polls.ballot.twice", { word }) };
    choices.push(option.id);
  }
  const problem = countRules[poll.kind](poll, choices.length);
  return problem === undefined ? { ok: true, choices } : { ok: false, problem };
}
