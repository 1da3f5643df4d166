// The languages the bots speak, one message catalog each (bots/messages/<code>.json, ICU MessageFormat).
// English is the source: its keys are the type every other catalog must match (a missing key fails the
// typecheck; catalogs.test.ts also checks placeholders and tags). Adding a language: a catalog file
// and a line below.
import en from "../messages/en.json" with { type: "json" };
import es from "../messages/es.json" with { type: "json" };

export type MessageKey = keyof typeof en;
export type Catalog = Readonly<Record<MessageKey, string>>;

export const catalogs = { en, es } satisfies Readonly<Record<string, Catalog>>;

/** A language code the bots speak (BCP 47 primary tag, as a neighbor types it after !language). */
export type Language = keyof typeof catalogs;

export const sourceLanguage: Language = "en";

export const supportedLanguages = Object.keys(catalogs) as Language[];

export function isLanguage(code: string): code is Language {
  return Object.hasOwn(catalogs, code);
}

/** What a neighbor typed ("ES", "es-MX", " español ") as a language we speak, if it is one. */
export function readLanguage(typed: string): Language | undefined {
  const wanted = typed.trim().toLowerCase();
  const code = wanted.split(/[-_]/)[0] ?? "";
  if (isLanguage(code)) return code;
  // A language's own name works too ("español", "english").
  return supportedLanguages.find((language) => catalogs[language]["language.name"].toLowerCase() === wanted);
}
