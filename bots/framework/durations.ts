// Durations as neighbors write them ("2h", "90m", "3 days", "1h30m") and back into words.

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;
const week = 7 * day;

const unitsByWord: Readonly<Record<string, number>> = {
  s: second,
  sec: second,
  secs: second,
  second: second,
  seconds: second,
  m: minute,
  min: minute,
  mins: minute,
  minute: minute,
  minutes: minute,
  h: hour,
  hr: hour,
  hrs: hour,
  hour: hour,
  hours: hour,
  d: day,
  day: day,
  days: day,
  w: week,
  wk: week,
  wks: week,
  week: week,
  weeks: week,
  // Spanish, accents optional: "3 días", "2 horas", "1 semana".
  seg: second,
  segundo: second,
  segundos: second,
  minuto: minute,
  minutos: minute,
  hora: hour,
  horas: hour,
  dia: day,
  dias: day,
  día: day,
  días: day,
  semana: week,
  semanas: week,
};

// One or more "<number><unit>" parts, optionally separated by spaces: "2h", "3 days", "1h 30m".
const durationPart = /(\d+(?:\.\d+)?)\s*([a-zí]+)\s*/gy;

/** Milliseconds, or undefined when the text is not a duration (a bare number has no unit, so it is not). */
export function parseDuration(text: string): number | undefined {
  const normalized = text.trim().toLowerCase();
  if (normalized === "") return undefined;
  durationPart.lastIndex = 0;
  let total = 0;
  let consumedUpTo = 0;
  for (let match = durationPart.exec(normalized); match !== null; match = durationPart.exec(normalized)) {
    const unit = unitsByWord[match[2] ?? ""];
    if (unit === undefined) return undefined;
    total += Number(match[1]) * unit;
    consumedUpTo = durationPart.lastIndex;
  }
  if (consumedUpTo !== normalized.length || total <= 0 || !Number.isFinite(total)) return undefined;
  return Math.round(total);
}

const namedUnits: ReadonlyArray<readonly [number, string]> = [
  [week, "week"],
  [day, "day"],
  [hour, "hour"],
  [minute, "minute"],
  [second, "second"],
];

/** "2 days 3 hours": the two largest non-zero units, which is as precise as people read. */
export function formatDuration(milliseconds: number): string {
  const words: string[] = [];
  let remaining = Math.max(0, Math.round(milliseconds));
  for (const [size, name] of namedUnits) {
    const count = Math.floor(remaining / size);
    if (count > 0 && words.length < 2) {
      words.push(`${count} ${name}${count === 1 ? "" : "s"}`);
      remaining -= count * size;
    }
  }
  return words.length > 0 ? words.join(" ") : "0 seconds";
}

const unitFields: ReadonlyArray<readonly [number, Intl.DurationFormatUnit]> = [
  [week, "weeks"],
  [day, "days"],
  [hour, "hours"],
  [minute, "minutes"],
  [second, "seconds"],
];

/** The same two largest units in a neighbor's language: "2 días y 3 horas", "1 hour, 30 minutes". */
export function durationIn(language: string, milliseconds: number): string {
  const parts: Partial<Record<Intl.DurationFormatUnit, number>> = {};
  let remaining = Math.max(0, Math.round(milliseconds));
  let taken = 0;
  for (const [size, field] of unitFields) {
    const count = Math.floor(remaining / size);
    if (count > 0 && taken < 2) {
      parts[field] = count;
      remaining -= count * size;
      taken += 1;
    }
  }
  // Zero units are left out by default, which would say nothing at all for a duration under a second.
  if (taken === 0) return new Intl.DurationFormat(language, { style: "long", secondsDisplay: "always" }).format({ seconds: 0 });
  return new Intl.DurationFormat(language, { style: "long" }).format(parts);
}
