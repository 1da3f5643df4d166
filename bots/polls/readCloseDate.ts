// A poll's close as a day ("until Friday", "closes on June 10", "hasta el viernes"), read with chrono-node
// against the box's clock in the block's time zone. A day without a time means the end of that day. A day
// already past is refused, never moved on: "until last Tuesday" is not next Tuesday (chrono's forwardDate
// would do that, so it is used only when the neighbor did not say the day was past).

import * as chrono from "chrono-node";

export interface DeadlineClock {
  now: number;
  /** The block's IANA time zone, for weekdays and "end of the day". */
  timeZone: string;
}

export type CloseDateReading =
  /** Not a day (a time like "8am", or no date at all): the words stay in the question. */
  { kind: "none" } | { kind: "day"; at: number; end: number; past: boolean };

// The words that say a day is behind us, in the languages the keywords below come from.
const pastMarker = /\b(?:last|past|previous|ago|yesterday|ayer|hace)\b/iu;
const spanishPastAfter = /^\s+(?:pasad[oa]|anterior)(?![\p{L}\p{N}])/iu;

/** Minutes east of UTC of `timeZone` at `at` ("GMT-05:00" → -300). */
function offsetMinutes(timeZone: string, at: number): number {
  const name =
    new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" }).formatToParts(new Date(at)).find((part) => part.type === "timeZoneName")
      ?.value ?? "GMT";
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return match === null ? 0 : (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

function endOfDayIfNoTime(result: chrono.ParsedResult, offset: number): number {
  if (result.start.isCertain("hour")) return result.start.date().getTime();
  const [year, month, day] = [result.start.get("year") ?? 0, result.start.get("month") ?? 1, result.start.get("day") ?? 1];
  return Date.UTC(year, month - 1, day, 23, 59) - offset * 60_000;
}

/**
 * Reads the day at the start of `text` (what follows "until" or "hasta"); `spanish` picks chrono's Spanish
 * parser. `end` is how much of `text` the day took.
 */
export function readCloseDate(text: string, spanish: boolean, clock: DeadlineClock): CloseDateReading {
  const parser = spanish ? chrono.es : chrono;
  const offset = offsetMinutes(clock.timeZone, clock.now);
  const reference = { instant: new Date(clock.now), timezone: offset };
  const asWritten = parser.parse(text, reference)[0];
  if (asWritten === undefined || asWritten.index !== 0) return { kind: "none" };
  if (!asWritten.start.isCertain("day") && !asWritten.start.isCertain("weekday")) return { kind: "none" };
  let end = asWritten.text.length;
  const after = spanish ? spanishPastAfter.exec(text.slice(end)) : null;
  if (after !== null) end += after[0].length;
  const past = after !== null || pastMarker.test(asWritten.text);
  // "until Friday" means the coming Friday; only a day the neighbor called past stays in the past.
  const forward = past ? undefined : parser.parse(text, reference, { forwardDate: true })[0];
  const chosen = forward !== undefined && forward.index === 0 ? forward : asWritten;
  let at = endOfDayIfNoTime(chosen, offset);
  // "el martes pasado" said on a Tuesday is a week ago; chrono's Spanish parser reads only "martes" (today).
  if (after !== null && at > clock.now) at -= 7 * 86_400_000;
  return { kind: "day", at, end, past: at <= clock.now };
}
