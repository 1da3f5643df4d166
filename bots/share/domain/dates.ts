// Dates as neighbors write them ("until Sunday", "tomorrow", "for 3 days", "by June 10"), read with
// chrono-node against the bot's clock. A day without a time means the end of that day.

import * as chrono from "chrono-node";

export const acceptedDates = `"until Sunday", "until tomorrow", "until June 10", "for 3 days", "for 2 weeks"`;

const dateKeyword = /\b(until|till|til|through|thru|by|expires?|due)\s+/giu;
const durationLead = /\b(for|in)\s+(a|an|one|two|three|four|five|six|seven|\d+)\s+(hours?|days?|weeks?|months?)\b/giu;

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

function parseAt(text: string, now: number): chrono.ParsedResult | undefined {
  return chrono.parse(text, new Date(now), { forwardDate: true })[0];
}

/**
 * Finds a date phrase that follows a keyword ("until Sunday") or is a duration ("for 3 days").
 * A keyword followed by something unreadable is reported, so the neighbor learns what works.
 */
export function findDate(text: string, now: number): DateSearch {
  for (const match of text.matchAll(durationLead)) {
    const result = parseAt(text.slice(match.index), now);
    if (result !== undefined && result.index === 0) {
      return { kind: "found", date: { at: result.start.date().getTime(), start: match.index, end: match.index + result.text.length } };
    }
  }
  for (const match of text.matchAll(dateKeyword)) {
    const after = match.index + match[0].length;
    const rest = text.slice(after);
    const result = parseAt(rest, now);
    if (result !== undefined && result.index === 0) {
      return { kind: "found", date: { at: endOfDayIfNoTime(result), start: match.index, end: after + result.text.length } };
    }
    // "by the door" is a place, not a date; only "until …" and "expires …" must be dates.
    if (/^(until|till|til|expires?|due)/iu.test(match[1] ?? "")) {
      return { kind: "unreadable", phrase: `${match[0]}${rest.split(/[,;#\n]/u)[0] ?? ""}`.trim() };
    }
  }
  return { kind: "none" };
}

/** A whole argument that must be a date or a duration: "for 1 week", "until Friday", "tomorrow". */
export function readDate(text: string, now: number): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const found = findDate(trimmed, now);
  if (found.kind === "found" && found.date.start === 0 && found.date.end >= trimmed.length) return found.date.at;
  if (found.kind !== "none") return undefined;
  const result = parseAt(trimmed, now);
  return result !== undefined && result.index === 0 && result.text.length === trimmed.length ? endOfDayIfNoTime(result) : undefined;
}

export function formatDate(at: number): string {
  return new Date(at).toLocaleString("en-GB", { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}
