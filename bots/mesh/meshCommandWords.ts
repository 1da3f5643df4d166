// The words a neighbor types for `!mesh` and its subcommands, per language: English always works, and a
// language's own words are aliases (data, read by meshCommand.ts and meshSubcommands.ts). Usage lines
// show a neighbor the words of their language.

import type { Command } from "../framework/defineCommand.ts";
import type { Language } from "../framework/languages.ts";

export const subcommandNames = ["status", "node", "adopt", "unadopt", "silence", "unsilence"] as const;
export type SubcommandName = (typeof subcommandNames)[number];

type TypedWords = Readonly<Record<"mesh" | SubcommandName, string>>;

const typedWords: Readonly<Record<Language, TypedWords>> = {
  en: { mesh: "mesh", status: "status", node: "node", adopt: "adopt", unadopt: "unadopt", silence: "silence", unsilence: "unsilence" },
  es: { mesh: "red", status: "estado", node: "nodo", adopt: "adoptar", unadopt: "dejar", silence: "silenciar", unsilence: "reactivar" },
};

/** The other languages' words for one command ("red" for "mesh"): its aliases. */
export function aliasesOf(name: "mesh" | SubcommandName): string[] {
  return [...new Set(Object.values(typedWords).map((words) => words[name]))].filter((word) => word !== name);
}

/** "!red silenciar <nodo> <durante> [motivo…]" for a Spanish speaker; English words otherwise. */
export function subcommandUsage(command: Command, language: Language): string {
  const words = typedWords[language] ?? typedWords.en!;
  const name = command.name as SubcommandName;
  const placeholders = command.usageIn(language).slice(1 + command.name.length);
  return `!${words.mesh} ${words[name] ?? command.name}${placeholders}`;
}
