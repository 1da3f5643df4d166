// The poll a command is about, as its number: "3" or "#3", the way the bot's messages name polls.

import type { CommandArgument } from "../framework/commandArguments.ts";
import { words } from "../framework/speak.ts";

export function pollNumber<Name extends string>(name: Name): CommandArgument<Name, number> {
  return {
    name,
    accepts: words("polls.argument.poll"),
    isOptional: false,
    takesRest: false,
    read(input) {
      const match = /^#?(\d{1,9})$/.exec(input.tokens[0]?.value ?? "");
      return match === null ? { ok: false } : { ok: true, value: Number(match[1]), consumed: 1 };
    },
  };
}
