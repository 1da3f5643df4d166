// Reads a command's argument text into typed values, in the order the command lists its arguments.

import type { RichText } from "./contract.ts";
import { tokenizeArguments } from "./argumentTokens.ts";
import type { AnyCommandArgument, ParsedArguments } from "./commandArguments.ts";
import { sourceLanguage, type Language } from "./languages.ts";
import { argumentLabel, say, sayPhrase } from "./speak.ts";

export type ArgumentParse<Arguments extends readonly AnyCommandArgument[]> =
  | { ok: true; values: ParsedArguments<Arguments> }
  | { ok: false; problem: RichText };

export function parseArguments<const Arguments extends readonly AnyCommandArgument[]>(
  argumentList: Arguments,
  argumentText: string,
  language: Language = sourceLanguage,
): ArgumentParse<Arguments> {
  const tokens = tokenizeArguments(argumentText);
  const values: Record<string, unknown> = {};
  let position = 0;
  for (const argument of argumentList) {
    const remaining = tokens.slice(position);
    if (remaining.length === 0) {
      if (!argument.isOptional) return { ok: false, problem: say(language, "argument.missing", { name: argumentLabel(language, argument.name) }) };
      values[argument.name] = undefined;
      continue;
    }
    const reading = argument.read({ tokens: remaining, source: argumentText, language });
    if (!reading.ok) {
      return {
        ok: false,
        problem:
          reading.problem ??
          say(language, "argument.invalid", { name: argumentLabel(language, argument.name), accepts: sayPhrase(language, argument.accepts) }),
      };
    }
    values[argument.name] = reading.value;
    position += reading.consumed;
  }
  const extra = tokens[position];
  if (extra !== undefined) {
    return { ok: false, problem: say(language, "argument.unexpected", { extra: argumentText.slice(extra.start).trim().slice(0, 80) }) };
  }
  // Sound because `values` holds exactly one entry per descriptor, each produced by that descriptor's reader.
  return { ok: true, values: values as ParsedArguments<Arguments> };
}
