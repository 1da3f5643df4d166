// Dates as neighbors write them ("until Sunday", "tomorrow", "for 3 days", "by June 10"; in Spanish
// "hasta el domingo", "por 3 días"), read with chrono-node against the bot's clock. A day without a
// time means the end of that day.

import * as chrono from "chrono-node";

const weekMs = 7 * 24 * 60 * 60 * 1000;

/** How dates are written in one language: the words before a date, before a duration, and the parser. */
interface DateWords {
  keyword: RegExp;
  /** Keywords that must be followed by a date ("by the door" is a place, "until …" must be a date). */
  mustBeDate: RegExp;
  duration: RegExp;
  parser: Pick<chrono.Chrono, "parse">;
  /** Whether the parser reads the duration with its lead word ("for 3 days") or only the amount ("3 días"). */
  readsLead: boolean;
  /** Words before or after a weekday that put it in the past ("last Tuesday", "martes pasado"); read forward, it would be the next one. */
  pastBefore?: RegExp;
  pastAfter?: RegExp;
}

const dateLanguages: readonly DateWords[] = [
  {
    keyword: /\b(until|till|til|through|thru|by|expires?|due)\s+/giu,
    mustBeDate: /^(until|till|til|expires?|due)/iu,
    duration: /\b(for|in)\s+(a|an|one|two|three|four|five|six|seven|\d+)\s+(hours?|days?|weeks?|months?)\b/giu,
    parser: chrono.casual,
    readsLead: true,
    pastBefore: /^last\s+/iu,
  },
  {
    keyword: /(?<![\p{L}\p{N}])(hasta(?:\s+el)?|vence(?:\s+el)?|para\s+el)\s+/giu,
    mustBeDate: /^(hasta|vence)/iu,
    duration:
      /(?<![\p{L}\p{N}])(por|durante|dentro\s+de)\s+((?:un|una|uno|dos|tres|cuatro|cinco|seis|siete|\d+)\s+(?:horas?|d[ií]as?|semanas?|mes(?:es)?))(?![\p{L}\p{N}])/giu,
    parser: chrono.es,
    readsLead: false,
    pastAfter: /^\s+(pasad[oa]|anterior)(?![\p{L}\p{N}])/iu,
  },
];

export interface FoundDate {
  at: number;
  /** Where the phrase (with its keyword) starts and ends in the text. */
  start: number;
  end: number;
}

export type DateSearch = { kind: "none" } | { kind: "found"; date: FoundDate } | { kind: "unreadable"; phrase: string };

function endOfDayIfNoTime(result: chrono.ParsedResult): number {
  const date = result.start.date();
  if (!result.start.isCertain("hour")) date.setHours(23, 59, 0, 0);
  return date.getTime();
}

function parseAt(words: DateWords, text: string, now: number): chrono.ParsedResult | undefined {
  return words.parser.parse(text, new Date(now), { forwardDate: true })[0];
}

function findIn(words: DateWords, text: string, now: number): DateSearch {
  for (const match of text.matchAll(words.duration)) {
    // English reads "for 3 days" whole; Spanish reads the amount ("3 días") after "por".
    const phrase = words.readsLead ? text.slice(match.index) : (match[2] ?? "");
    const result = parseAt(words, phrase, now);
    if (result !== undefined && result.index === 0) {
      const end = words.readsLead ? match.index + result.text.length : match.index + match[0].length;
      return { kind: "found", date: { at: result.start.date().getTime(), start: match.index, end } };
    }
  }
  for (const match of text.matchAll(words.keyword)) {
    const after = match.index + match[0].length;
    const rest = text.slice(after);
    const result = parseAt(words, rest, now);
    if (result !== undefined && result.index === 0) {
      const pastAfter = words.pastAfter?.exec(rest.slice(result.text.length)) ?? undefined;
      const past = pastAfter !== undefined || words.pastBefore?.test(rest) === true;
      // "until last Tuesday" / "hasta el martes pasado" has passed: a week before the coming one, refused as past, never read as the next one.
      const at = past ? endOfDayIfNoTime(result) - weekMs : endOfDayIfNoTime(result);
      return { kind: "found", date: { at, start: match.index, end: after + result.text.length + (pastAfter?.[0].length ?? 0) } };
    }
    if (words.mustBeDate.test(match[1] ?? "")) {
      return { kind: "unreadable", phrase: `${match[0]}${rest.split(/[,;#\n]/u)[0] ?? ""}`.trim() };
    }
  }
  return { kind: "none" };
}

/**
 * Finds a date phrase that follows a keyword ("until Sunday", "hasta el domingo") or is a duration
 * ("for 3 days", "por 3 días"), in English or Spanish. A keyword followed by something unreadable is
 * reported, so the neighbor learns what works.
 */
export function findDate(text: string, now: number): DateSearch {
  let unreadable: DateSearch | undefined;
  for (const words of dateLanguages) {
    const found = findIn(words, text, now);
    if (found.kind === "found") return found;
    if (found.kind === "unreadable") unreadable ??= found;
  }
  return unreadable ?? { kind: "none" };
}

/** A whole argument that must be a date or a duration: "for 1 week", "until Friday", "tomorrow". */
export function readDate(text: string, now: number): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const found = findDate(trimmed, now);
  if (found.kind === "found" && found.date.start === 0 && found.date.end >= trimmed.length) return found.date.at;
  if (found.kind !== "none") return undefined;
  for (const words of dateLanguages) {
    const result = parseAt(words, trimmed, now);
    if (result !== undefined && result.index === 0 && result.text.length === trimmed.length) return endOfDayIfNoTime(result);
  }
  return undefined;
}
