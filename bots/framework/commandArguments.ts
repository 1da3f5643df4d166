// Argument descriptors: each one knows its name, how it reads in a usage line, what it accepts,
// and how to turn words into a typed value. Commands list them as data; `run` receives the values.

import type { RichText } from "./contract.ts";
import type { ArgumentToken } from "./argumentTokens.ts";
import { durationIn, parseDuration } from "./durations.ts";
import type { Language, MessageKey } from "./languages.ts";
import { isFullUserId } from "./matrixIds.ts";
import { words, type MessageRef, type MessageValue, type Phrase } from "./speak.ts";

export interface ArgumentInput {
  /** The tokens not yet taken by earlier arguments; never empty. */
  tokens: readonly ArgumentToken[];
  /** The whole argument text, for arguments that keep the remaining text as written. */
  source: string;
  /** The neighbor's language, for a reader that explains its own problem. */
  language: Language;
}

export type ArgumentReading<Value> =
  | { ok: true; value: Value; consumed: number }
  /** Without a problem, the framework says "`name` must be <accepts>." */
  | { ok: false; problem?: RichText };

export interface CommandArgument<Name extends string, Value> {
  readonly name: Name;
  /** What it accepts, for help and error messages: "a whole number from 1 to 20". */
  readonly accepts: Phrase;
  readonly isOptional: boolean;
  /** Takes all the remaining text, so it must come last. */
  readonly takesRest: boolean;
  read(input: ArgumentInput): ArgumentReading<Value>;
}

export type AnyCommandArgument = CommandArgument<string, unknown>;

/** The typed values a command's `run` receives, keyed by argument name. */
export type ParsedArguments<Arguments extends readonly AnyCommandArgument[]> = {
  [Argument in Arguments[number] as Argument["name"]]: Argument extends CommandArgument<string, infer Value> ? Value : never;
};

function firstToken(input: ArgumentInput): ArgumentToken {
  // The parser never calls `read` without tokens; this keeps noUncheckedIndexedAccess honest.
  const token = input.tokens[0];
  if (token === undefined) throw new Error("argument read without input");
  return token;
}

/** A required argument that reads from the tokens it is given; `optional` and `rest` change the flags. */
function requiredArgument<Name extends string, Value>(
  name: Name,
  accepts: Phrase,
  read: (input: ArgumentInput) => ArgumentReading<Value>,
): CommandArgument<Name, Value> {
  return { name, accepts, isOptional: false, takesRest: false, read };
}

function oneWordArgument<Name extends string, Value>(name: Name, accepts: Phrase, convert: (word: string) => Value | undefined): CommandArgument<Name, Value> {
  return requiredArgument<Name, Value>(name, accepts, (input) => {
    const value = convert(firstToken(input).value);
    return value === undefined ? { ok: false } : { ok: true, value, consumed: 1 };
  });
}

/** One word, or one "quoted phrase". */
export function text<Name extends string>(name: Name, options: { maxLength?: number } = {}): CommandArgument<Name, string> {
  const maxLength = options.maxLength ?? 200;
  return oneWordArgument(name, words("argument.text", { max: maxLength }), (word) => {
    const value = word.replace(/\s+/gu, " ").trim();
    return value !== "" && value.length <= maxLength ? value : undefined;
  });
}

type RangedKey = "argument.wholeNumber" | "argument.duration";

function describeRange(noun: RangedKey, min: number | undefined, max: number | undefined, show: (n: number) => MessageValue): MessageRef {
  if (min !== undefined && max !== undefined) return words(`${noun}.between` as MessageKey, { min: show(min), max: show(max) });
  if (min !== undefined) return words(`${noun}.atLeast` as MessageKey, { min: show(min) });
  if (max !== undefined) return words(`${noun}.atMost` as MessageKey, { max: show(max) });
  return words(noun);
}

function isWithin(value: number, min: number | undefined, max: number | undefined): boolean {
  return (min === undefined || value >= min) && (max === undefined || value <= max);
}

export function integer<Name extends string>(name: Name, options: { min?: number; max?: number } = {}): CommandArgument<Name, number> {
  const { min, max } = options;
  return oneWordArgument(
    name,
    describeRange("argument.wholeNumber", min, max, (n) => n),
    (word) => {
      if (!/^[+-]?\d{1,15}$/.test(word)) return undefined;
      const value = Number(word);
      return isWithin(value, min, max) ? value : undefined;
    },
  );
}

/** A length of time such as 2h, 90m or "3 days", as milliseconds. */
export function duration<Name extends string>(name: Name, options: { min?: number; max?: number } = {}): CommandArgument<Name, number> {
  const { min, max } = options;
  const accepts = describeRange("argument.duration", min, max, (ms) => (language: Language) => durationIn(language, ms));
  return requiredArgument<Name, number>(name, accepts, (input) => {
    const [first, second] = input.tokens;
    const candidates: Array<readonly [string, number]> = [[firstToken(input).value, 1]];
    // "3 days" unquoted arrives as two words: a bare number followed by a unit.
    if (first !== undefined && second !== undefined && /^\d+(\.\d+)?$/.test(first.value)) {
      candidates.unshift([`${first.value} ${second.value}`, 2]);
    }
    for (const [candidate, consumed] of candidates) {
      const value = parseDuration(candidate);
      if (value !== undefined) return isWithin(value, min, max) ? { ok: true, value, consumed } : { ok: false };
    }
    return { ok: false };
  });
}

/** A full Matrix user ID (@name:server); display names and bare names are refused, never guessed. */
export function userId<Name extends string>(name: Name): CommandArgument<Name, string> {
  return oneWordArgument(name, words("argument.userId"), (word) => (isFullUserId(word) ? word : undefined));
}

/** All the remaining text, as written (a title, a description). Must be the last argument. */
export function rest<Name extends string>(name: Name, options: { maxLength?: number } = {}): CommandArgument<Name, string> {
  const maxLength = options.maxLength ?? 1000;
  const argument = requiredArgument<Name, string>(name, words("argument.rest", { max: maxLength }), (input) => {
    const first = firstToken(input);
    // A single quoted phrase means the quotes were only grouping, not part of the text.
    const value = input.tokens.length === 1 && first.quoted ? first.value.trim() : input.source.slice(first.start).trim();
    return value !== "" && value.length <= maxLength ? { ok: true, value, consumed: input.tokens.length } : { ok: false };
  });
  return { ...argument, takesRest: true };
}

/** May be left out at the end of the command; `run` then gets undefined. */
export function optional<Name extends string, Value>(argument: CommandArgument<Name, Value>): CommandArgument<Name, Value | undefined> {
  return { ...argument, isOptional: true };
}
