// Decides whether a line of text is addressed to the bot, and splits it into name and argument text.
// In rooms only "!name …" counts; in a DM with the bot the "!" may be left out.

import { commandPrefix } from "./defineCommand.ts";

export interface CommandLine {
  /** Lowercased, without the prefix. */
  name: string;
  /** Whether the neighbor typed the "!" (an unprefixed DM line gets a gentler hint when unknown). */
  prefixed: boolean;
  argumentText: string;
}

// "!!!" or "!?" in a conversation is punctuation, not a command.
const commandWord = /^[a-z][a-z0-9-]*$/i;

export function readCommandLine(text: string, isDirect: boolean): CommandLine | undefined {
  const trimmed = text.trim();
  const prefixed = trimmed.startsWith(commandPrefix);
  if (!prefixed && !isDirect) return undefined;
  const withoutPrefix = prefixed ? trimmed.slice(commandPrefix.length) : trimmed;
  const nameEnd = withoutPrefix.search(/\s/u);
  const word = nameEnd === -1 ? withoutPrefix : withoutPrefix.slice(0, nameEnd);
  if (word === "" || (prefixed && !commandWord.test(word))) return undefined;
  return {
    name: word.toLowerCase(),
    prefixed,
    argumentText: nameEnd === -1 ? "" : withoutPrefix.slice(nameEnd).trim(),
  };
}
