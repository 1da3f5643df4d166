// Typed access to untrusted JSON: every read either returns the right type or throws a TelemetryError
// naming the field path, what was found and what the format accepts. One reader per parse keeps the
// "accepted" text in one place per format.
import { isJsonObject } from "../../../common/jsonObject.ts";
import { TelemetryError } from "./telemetryError.ts";

export type JsonObject = Record<string, unknown>;

/** A short description of a JSON value for error messages (never the whole value). */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return `a string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case "number":
      return Number.isFinite(value) ? `the number ${value}` : `the non-finite number ${value}`;
    case "boolean":
      return `the boolean ${value}`;
    case "undefined":
      return "nothing";
    default:
      return "an object";
  }
}

/** JSON text → value, with truncation and NaN/Infinity told apart from other syntax errors. */
export function parseJsonText(text: string, accepted: string): unknown {
  if (text.trim() === "") throw new TelemetryError("malformed", "the body is empty", accepted);
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    // JSON has no NaN/Infinity, but Python's json.dumps and some C printers emit them.
    if (/[:[,]\s*-?(?:NaN|Infinity)\b/.test(text)) {
      throw new TelemetryError("not_finite", "the JSON contains NaN or Infinity, which JSON does not allow", `${accepted}, with finite numbers (or null)`);
    }
    const truncated = /end of JSON input|Unterminated|Expected .* after/i.test(detail);
    throw new TelemetryError("malformed", truncated ? `the JSON is truncated (${detail})` : `the body is not valid JSON (${detail})`, accepted);
  }
}

/** Where a value sits, e.g. `nodes[3]`: a string, or an IndexPath whose text is only built when an
 * error needs it (a 10,000-node document would otherwise build 30,000 such strings per parse). */
export type FieldPath = string | IndexPath;

export class IndexPath {
  readonly list: string;
  index = 0;
  constructor(list: string) {
    this.list = list;
  }
  toString(): string {
    return `${this.list}[${this.index}]`;
  }
}

function path(at: FieldPath, key: string | undefined): string {
  return key === undefined ? String(at) : `${String(at)}.${key}`;
}

const digit = (text: string, i: number): number => {
  const code = text.charCodeAt(i) - 48;
  return code >= 0 && code <= 9 ? code : Number.NaN;
};

/** The ISO 8601 forms producers write — `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH[:]MM]`, no zone meaning UTC —
 * read without regular expressions or allocation; undefined for anything else (left to Date.parse). */
export function parseIsoDateFast(text: string): number | undefined {
  const n = text.length;
  if (n < 19 || text[4] !== "-" || text[7] !== "-" || (text[10] !== "T" && text[10] !== " ") || text[13] !== ":" || text[16] !== ":") return undefined;
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3);
  const month = digit(text, 5) * 10 + digit(text, 6);
  const day = digit(text, 8) * 10 + digit(text, 9);
  const hour = digit(text, 11) * 10 + digit(text, 12);
  const minute = digit(text, 14) * 10 + digit(text, 15);
  const second = digit(text, 17) * 10 + digit(text, 18);
  // NaN (a non-digit) fails every comparison; days past 28 are left to Date.parse's calendar.
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour <= 23 && minute <= 59 && second <= 59)) return undefined;
  let i = 19;
  let ms = 0;
  if (text[i] === ".") {
    let scale = 100;
    for (i++; i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57; i++) {
      ms += (text.charCodeAt(i) - 48) * scale;
      scale /= 10;
    }
    ms = Math.floor(ms);
  }
  let offsetMinutes = 0;
  if (i < n) {
    const sign = text[i];
    if ((sign === "Z" || sign === "z") && i + 1 === n) offsetMinutes = 0;
    else if (sign === "+" || sign === "-") {
      const colon = text[i + 3] === ":" ? 1 : 0;
      if (i + 5 + colon !== n) return undefined;
      const hours = digit(text, i + 1) * 10 + digit(text, i + 2);
      const minutes = digit(text, i + 3 + colon) * 10 + digit(text, i + 4 + colon);
      if (!(hours <= 23 && minutes <= 59)) return undefined;
      offsetMinutes = (sign === "+" ? 1 : -1) * (hours * 60 + minutes);
    } else return undefined;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
}

export class FieldReader {
  readonly accepted: string;

  constructor(accepted: string) {
    this.accepted = accepted;
  }

  fail(reason: "wrong_type" | "not_finite" | "missing_field" | "unknown_format" | "malformed", problem: string): never {
    throw new TelemetryError(reason, problem, this.accepted);
  }

  object(value: unknown, at: FieldPath, key?: string): JsonObject {
    if (isJsonObject(value)) return value;
    return this.fail(value === undefined ? "missing_field" : "wrong_type", `${path(at, key)} is ${describe(value)}, expected an object`);
  }

  optObject(value: unknown, at: FieldPath, key?: string): JsonObject | undefined {
    return value === undefined || value === null ? undefined : this.object(value, at, key);
  }

  array(value: unknown, at: FieldPath, key?: string): unknown[] {
    if (Array.isArray(value)) return value;
    return this.fail(value === undefined ? "missing_field" : "wrong_type", `${path(at, key)} is ${describe(value)}, expected an array`);
  }

  optArray(value: unknown, at: FieldPath, key?: string): unknown[] | undefined {
    return value === undefined || value === null ? undefined : this.array(value, at, key);
  }

  number(value: unknown, at: FieldPath, key?: string): number {
    if (typeof value === "number") {
      if (Number.isFinite(value)) return value;
      return this.fail("not_finite", `${path(at, key)} is ${value}, expected a finite number`);
    }
    return this.fail(value === undefined ? "missing_field" : "wrong_type", `${path(at, key)} is ${describe(value)}, expected a number`);
  }

  /** null counts as absent: several producers write null for "unknown" (NetJSON storage, respondd peers). */
  optNumber(value: unknown, at: FieldPath, key?: string): number | undefined {
    return value === undefined || value === null ? undefined : this.number(value, at, key);
  }

  /** Numbers some producers print as strings (batadv-vis metric "1.016", babeld ubus rtt "0.000"). */
  numeric(value: unknown, at: FieldPath, key?: string): number {
    if (typeof value === "string" && value.trim() !== "") {
      const parsed = Number(value);
      if (Number.isFinite(parsed)) return parsed;
      if (/^\s*[-+]?(?:nan|inf)/i.test(value)) return this.fail("not_finite", `${path(at, key)} is ${describe(value)}, expected a finite number`);
      return this.fail("wrong_type", `${path(at, key)} is ${describe(value)}, expected a number`);
    }
    return this.number(value, at, key);
  }

  string(value: unknown, at: FieldPath, key?: string): string {
    if (typeof value === "string") return value;
    return this.fail(value === undefined ? "missing_field" : "wrong_type", `${path(at, key)} is ${describe(value)}, expected a string`);
  }

  optString(value: unknown, at: FieldPath, key?: string): string | undefined {
    return value === undefined || value === null ? undefined : this.string(value, at, key);
  }

  /** A non-empty identifier (node ids, addresses). */
  id(value: unknown, at: FieldPath, key?: string): string {
    const text = typeof value === "number" && Number.isFinite(value) ? String(value) : this.string(value, at, key);
    if (text === "") return this.fail("missing_field", `${path(at, key)} is an empty string, expected an identifier`);
    return text;
  }

  optBoolean(value: unknown, at: FieldPath, key?: string): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === "boolean") return value;
    return this.fail("wrong_type", `${path(at, key)} is ${describe(value)}, expected true or false`);
  }

  /** ISO 8601 date → ms since the epoch; a date without a zone is taken as UTC (yanic writes both). */
  date(value: unknown, at: FieldPath, key?: string): number {
    const text = this.string(value, at, key);
    const fast = parseIsoDateFast(text);
    if (fast !== undefined) return fast;
    const zoned = /(?:Z|[+-]\d\d:?\d\d)$/i.test(text) ? text : `${text}Z`;
    const ms = Date.parse(zoned);
    if (Number.isFinite(ms)) return ms;
    return this.fail("wrong_type", `${path(at, key)} is ${describe(value)}, expected an ISO 8601 date such as 2020-05-13T13:11:52+0200`);
  }

  optDate(value: unknown, at: FieldPath, key?: string): number | undefined {
    return value === undefined || value === null || value === "" ? undefined : this.date(value, at, key);
  }
}

/** 0–1 clamp for derived fractions (rounding in producers gives 1.0000001 and -0). */
export function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}
