// Reads what a neighbor typed after !propose, !consent, !poll or !ranked: a question (or a quoted one),
// then clauses in any order: "closes in 7 days", "until Friday", "threshold two-thirds", "quorum 50%",
// "secret", "hidden", "pick 2", "options: pizza, tacos, soup", or in Spanish ("cierra en 3 días",
// "hasta el viernes", "umbral dos tercios", "quórum 50%", "secreta", "oculta", "elige 2", "opciones: …").
// The question is the text before the first point from which everything else reads as clauses, so
// "Who will pick up the keys closes in 2 days" works.

import { parseDuration } from "../framework/durations.ts";
import { words, type MessageRef } from "../framework/speak.ts";
import { readBindingChange } from "./bindingChanges.ts";
import type { PollKind, PollOption, PollTerms } from "./pollModel.ts";
import { readCloseDate, type DeadlineClock } from "./readCloseDate.ts";
import { readThreshold, type ThresholdName } from "./thresholds.ts";

export interface PollRequest extends PollTerms {
  durationMs: number;
}

/** What was wrong: a catalog message, or clauses named by their names (the renderer says them in the neighbor's words). */
export type PollRequestProblem = MessageRef | { clausesNotTaken: readonly ClauseName[] } | { clauseTwice: ClauseName };

export type PollRequestReading = { ok: true; request: PollRequest } | { ok: false; problem: PollRequestProblem };

export const defaultDurationMs = 7 * 24 * 60 * 60 * 1000;
export const minDurationMs = 10 * 1000;
export const maxDurationMs = 90 * 24 * 60 * 60 * 1000;
/** Binding proposals need half the eligible voters unless the proposal says otherwise. */
export const bindingDefaultQuorum = 50;
export const maxOptions = 20;
const maxQuestionLength = 340;

interface Clauses {
  closesIn?: number;
  threshold?: ThresholdName;
  quorum?: number;
  secret?: boolean;
  hidden?: boolean;
  pick?: number;
  options?: string[];
}
export type ClauseName = keyof Clauses;

/** A problem when the keyword clearly starts a clause but its value is wrong; none when it is just a word. */
type ClauseRead = { ok: true; end: number; set: Clauses } | { ok: false; problem: PollRequestProblem | undefined };

interface ClauseReader {
  name: ClauseName;
  /** Sticky: matched exactly at the clause's start. */
  pattern: RegExp;
  read(match: RegExpExecArray, text: string, clock: DeadlineClock): ClauseRead;
}

const durationText = String.raw`(?:(?:\d+(?:\.\d+)?\s*|(?:an?|one|una?)\s+)\p{L}+(?![\p{L}\p{N}])\s*)+`;
const closesProblem = words("polls.problem.closesIn");

// Spanish units, read as the English ones framework/durations.ts knows ("3 días" is "3 days").
const spanishUnits: Readonly<Record<string, string>> = {
  segundo: "seconds",
  segundos: "seconds",
  minuto: "minutes",
  minutos: "minutes",
  hora: "hours",
  horas: "hours",
  día: "days",
  días: "days",
  dia: "days",
  dias: "days",
  semana: "weeks",
  semanas: "weeks",
};

function readDurationWords(typed: string): number | undefined {
  const english = typed
    .trim()
    .replace(/(?<![\p{L}])(?:an?|one|una?)\s+/giu, "1 ")
    .replace(/\p{L}+/gu, (word) => spanishUnits[word.toLowerCase()] ?? word);
  return parseDuration(english);
}

const clauseReaders: readonly ClauseReader[] = [
  {
    name: "closesIn",
    pattern: new RegExp(String.raw`(?:clos(?:es|ing)\s+(?:in|after)|(?:se\s+)?cierra\s+en)\s+(${durationText})`, "iyu"),
    read(match) {
      const duration = readDurationWords(match[1] ?? "");
      if (duration === undefined || duration < minDurationMs || duration > maxDurationMs) return { ok: false, problem: closesProblem };
      return { ok: true, end: match.index + match[0].length, set: { closesIn: duration } };
    },
  },
  {
    // A day rather than a length: "until Friday", "closes on June 10", "hasta el viernes". Only a day
    // counts ("until 8am" stays in "Quiet hours from 10pm until 8am"); a past day is refused.
    name: "closesIn",
    pattern: /(until|till|clos(?:es|ing)\s+(?:on|by)|hasta(?:\s+el)?|(?:se\s+)?cierra\s+el)\s+/iy,
    read(match, text, clock) {
      const start = match.index + match[0].length;
      const day = readCloseDate(text.slice(start), /^(?:hasta|se|cierra)/i.test(match[1] ?? ""), clock);
      if (day.kind === "none") return { ok: false, problem: undefined };
      const end = start + day.end;
      const phrase = text.slice(match.index, end);
      if (day.past) return { ok: false, problem: words("polls.problem.pastDate", { phrase, when: new Date(day.at) }) };
      const duration = day.at - clock.now;
      if (duration < minDurationMs || duration > maxDurationMs)
        return { ok: false, problem: words("polls.problem.tooSoonOrLate", { phrase, when: new Date(day.at) }) };
      return { ok: true, end, set: { closesIn: duration } };
    },
  },
  {
    name: "threshold",
    pattern: /(?:threshold|umbral)\s+(?:of\s+|de\s+)?(simple\s+majority|mayor[ií]a\s+simple|dos\s+tercios|tres\s+cuartos|[^\s,]+)/iuy,
    read(match) {
      const typed = match[1] ?? "";
      const threshold = readThreshold(typed);
      // "the noise threshold for alerts" is a question, not a clause.
      const looksLikeThreshold = /\d|%|\/|majority|third|quarter|fourth|half|mayor|tercio|cuarto|mitad/i.test(typed);
      if (threshold === undefined) return { ok: false, problem: looksLikeThreshold ? words("polls.problem.threshold") : undefined };
      return { ok: true, end: match.index + match[0].length, set: { threshold } };
    },
  },
  {
    name: "quorum",
    pattern: /(?:quorum|qu[oó]rum)\s+(?:of\s+|del?\s+)?(\S+)/iuy,
    read(match) {
      const percent = /^(\d{1,3})%$/.exec(match[1] ?? "");
      const value = Number(percent?.[1] ?? Number.NaN);
      const looksLikeQuorum = /^\d/.test(match[1] ?? "");
      if (!(value >= 0 && value <= 100)) return { ok: false, problem: looksLikeQuorum ? words("polls.problem.quorum") : undefined };
      return { ok: true, end: match.index + match[0].length, set: { quorum: value } };
    },
  },
  {
    name: "pick",
    pattern: /(?:pick|elige)\s+(?:up\s+to\s+|hasta\s+)?(\d+)(?![^\s,])/iy,
    read: (match) => ({ ok: true, end: match.index + match[0].length, set: { pick: Number(match[1]) } }),
  },
  {
    name: "secret",
    pattern: /(?:secret(?:\s+ballot)?|(?:voto\s+|votaci[oó]n\s+)?secret[oa])(?![^\s,])/iuy,
    read: (match) => ({ ok: true, end: match.index + match[0].length, set: { secret: true } }),
  },
  {
    name: "hidden",
    pattern: /(?:hidden(?:\s+results)?|(?:resultados\s+)?ocult[oa]s?)(?![^\s,])/iuy,
    read: (match) => ({ ok: true, end: match.index + match[0].length, set: { hidden: true } }),
  },
  {
    name: "options",
    pattern: /(?:options?|choices?|opciones|opci[oó]n)\s*:\s*/iuy,
    read(match, text, clock) {
      // The list runs up to the first point from which the rest reads as clauses.
      const start = match.index + match[0].length;
      for (const end of wordStarts(text, start)) {
        if (end > start && readClauses(text, end, clock).ok) return { ok: true, end, set: { options: splitOptions(text.slice(start, end)) } };
      }
      return { ok: true, end: text.length, set: { options: splitOptions(text.slice(start)) } };
    },
  },
];

function stripQuotes(text: string): string {
  return text
    .trim()
    .replace(/^["“„](.*)["”“]$/su, "$1")
    .trim();
}

function splitOptions(list: string): string[] {
  return list
    .split(/,|\s+or\s+|\s+o\s+/i)
    .map(stripQuotes)
    .filter((option) => option !== "");
}

/** Offsets where a word starts, from `from` on, then the end of the text. */
function* wordStarts(text: string, from: number): Generator<number> {
  for (let index = from; index < text.length; index += 1) {
    if (!/\s/u.test(text[index] ?? "") && (index === from || /[\s,]/u.test(text[index - 1] ?? ""))) yield index;
  }
  yield text.length;
}

type ClausesReading = { ok: true; clauses: Clauses } | { ok: false; problem: PollRequestProblem | undefined };

/** Reads clauses from `start` to the end; a clause whose keyword matched but whose value is wrong is a problem. */
function readClauses(text: string, start: number, clock: DeadlineClock): ClausesReading {
  let position = start;
  const clauses: Clauses = {};
  for (;;) {
    while (position < text.length && /[\s,;.]/u.test(text[position] ?? "")) position += 1;
    if (position >= text.length) return { ok: true, clauses };
    let advanced = false;
    for (const reader of clauseReaders) {
      reader.pattern.lastIndex = position;
      const match = reader.pattern.exec(text);
      if (match === null) continue;
      const read = reader.read(match, text, clock);
      if (!read.ok) {
        if (read.problem === undefined) continue;
        return { ok: false, problem: read.problem };
      }
      if (clauses[reader.name] !== undefined) return { ok: false, problem: { clauseTwice: reader.name } };
      Object.assign(clauses, read.set);
      position = read.end;
      advanced = true;
      break;
    }
    if (!advanced) return { ok: false, problem: undefined };
  }
}

interface KindRule {
  allowed: ReadonlySet<ClauseName>;
  /** The fixed answers (proposal, consent), or undefined when the options come from the neighbor. */
  answers: readonly PollOption[] | undefined;
  minOptions: number;
}

export const proposalAnswers: readonly PollOption[] = [
  { id: "agree", label: "Agree" },
  { id: "disagree", label: "Disagree" },
  { id: "abstain", label: "Abstain" },
];
export const consentAnswers: readonly PollOption[] = [
  { id: "consent", label: "Consent" },
  { id: "object", label: "Object" },
];

const kindRules: Readonly<Record<PollKind, KindRule>> = {
  proposal: { allowed: new Set(["closesIn", "threshold", "quorum", "secret", "hidden"]), answers: proposalAnswers, minOptions: 0 },
  consent: { allowed: new Set(["closesIn", "quorum", "secret", "hidden"]), answers: consentAnswers, minOptions: 0 },
  choose: { allowed: new Set(["closesIn", "quorum", "secret", "hidden", "pick", "options"]), answers: undefined, minOptions: 2 },
  ranked: { allowed: new Set(["closesIn", "quorum", "options"]), answers: undefined, minOptions: 3 },
};

/** For replies: what this kind of poll accepts after the question (pollWords.ts names them). */
export function acceptedClauses(kind: PollKind): readonly ClauseName[] {
  return [...kindRules[kind].allowed];
}

/** Option ids for neighbor-given options: a, b, c… (also what a DM ballot may name). */
export function letterOf(index: number): string {
  return String.fromCharCode("a".charCodeAt(0) + index);
}

function splitQuestion(text: string, clock: DeadlineClock): { question: string; quoted: boolean; clauses: Clauses } | { problem: PollRequestProblem } {
  let firstProblem: PollRequestProblem | undefined;
  for (const start of wordStarts(text, 0)) {
    if (start === 0) continue;
    const reading = readClauses(text, start, clock);
    if (reading.ok) {
      // A clause keyword with a wrong value was seen earlier: that is what the neighbor needs to hear.
      if (firstProblem !== undefined) return { problem: firstProblem };
      const raw = text.slice(0, start).trim();
      return { question: stripQuotes(raw), quoted: /^["“„]/u.test(raw), clauses: reading.clauses };
    }
    firstProblem ??= reading.problem;
  }
  return { question: stripQuotes(text), quoted: /^["“„]/u.test(text.trim()), clauses: {} };
}

/** `clock`: the box's time and the block's time zone, for a close given as a day ("until Friday"). */
export function readPollRequest(kind: PollKind, text: string, clock: DeadlineClock): PollRequestReading {
  const split = splitQuestion(text.trim(), clock);
  if ("problem" in split) return { ok: false, problem: split.problem };
  const { question, quoted, clauses } = split;
  const rule = kindRules[kind];
  if (question === "") return { ok: false, problem: words("polls.problem.questionFirst") };
  const bindingReading = kind === "proposal" || kind === "consent" ? readBindingChange(question) : undefined;
  if (bindingReading !== undefined && !bindingReading.ok) return { ok: false, problem: bindingReading.problem };
  // A norms proposal's question is the new text itself, in quotes: its own limit applies (bindingChanges.ts).
  const proposesNorms = bindingReading?.ok === true && bindingReading.change.kind === "norms";
  if (!proposesNorms && question.length > maxQuestionLength) return { ok: false, problem: words("polls.problem.questionTooLong", { max: maxQuestionLength }) };
  if (!quoted && !proposesNorms && /\b(?:clos(?:es|ing)\s+(?:in|after)|cierra\s+en)\b/i.test(question)) return { ok: false, problem: closesProblem };
  const refused = (Object.keys(clauses) as ClauseName[]).filter((name) => !rule.allowed.has(name));
  if (refused.length > 0) return { ok: false, problem: { clausesNotTaken: refused } };

  const options = rule.answers !== undefined ? [...rule.answers] : (clauses.options ?? []).map((label, index) => ({ id: letterOf(index), label }));
  if (rule.answers === undefined && options.length < rule.minOptions)
    return { ok: false, problem: words("polls.problem.fewOptions", { min: rule.minOptions }) };
  if (options.length > maxOptions) return { ok: false, problem: words("polls.problem.manyOptions", { max: maxOptions }) };
  if (options.some((option) => option.label.length > maxQuestionLength))
    return { ok: false, problem: words("polls.problem.optionTooLong", { max: maxQuestionLength }) };
  const pick = clauses.pick ?? 1;
  if (pick < 1 || pick > Math.max(1, options.length)) return { ok: false, problem: words("polls.problem.pick", { count: options.length }) };

  if (bindingReading?.ok === true && kind !== "proposal") return { ok: false, problem: words("polls.problem.bindingByProposal") };
  const binding = bindingReading?.ok === true ? bindingReading.change : undefined;

  return {
    ok: true,
    request: {
      kind,
      question,
      options,
      maxSelections: pick,
      threshold: kind === "proposal" ? (clauses.threshold ?? "majority") : undefined,
      quorumPercent: clauses.quorum ?? (binding !== undefined ? bindingDefaultQuorum : 0),
      secret: clauses.secret ?? false,
      hidden: clauses.hidden ?? false,
      durationMs: clauses.closesIn ?? defaultDurationMs,
      binding,
    },
  };
}
