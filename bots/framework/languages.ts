// The languages the bots speak: one folder of message catalogs each (bots/messages/<code>/*.json, ICU
// MessageFormat), a file per bot. English is the source: its files are imported here, so their keys are
// the type of every message key. The other languages are read from their folders when the bots start:
// adding one is a folder of translated files (catalogs.test.ts checks every key, placeholder and tag).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import framework from "../messages/en/framework.json" with { type: "json" };
import mesh from "../messages/en/mesh.json" with { type: "json" };
import polls from "../messages/en/polls.json" with { type: "json" };
import porch from "../messages/en/porch.json" with { type: "json" };
import share from "../messages/en/share.json" with { type: "json" };
// The box's web pages (join page, Element's welcome and Home pages) and the flyer: deploy/ says them.
import web from "../messages/en/web.json" with { type: "json" };

const english = { ...framework, ...mesh, ...polls, ...porch, ...share, ...web };

export type MessageKey = keyof typeof english;
export type Catalog = Readonly<Record<MessageKey, string>>;

/** A language code the bots speak (BCP 47 primary tag, as a neighbor types it after !language). */
export type Language = string;

export const sourceLanguage: Language = "en";

const messagesDir = join(import.meta.dirname, "..", "messages");

/** A language's catalog files as they are on disk, merged: what catalogs.test.ts checks. */
export function readCatalogFolder(language: Language): Record<string, unknown> {
  const dir = join(messagesDir, language);
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort();
  return Object.assign({}, ...files.map((name) => JSON.parse(readFileSync(join(dir, name), "utf8")) as Record<string, unknown>));
}

/** Every language with a folder, English first. */
export const supportedLanguages: readonly Language[] = [
  sourceLanguage,
  ...readdirSync(messagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== sourceLanguage)
    .map((entry) => entry.name)
    .sort(),
];

// A key a translation lacks is said in English rather than failing a reply (the test catches it first).
const catalogs: ReadonlyMap<Language, Catalog> = new Map(
  supportedLanguages.map((language) => [
    language,
    language === sourceLanguage ? english : { ...english, ...(readCatalogFolder(language) as Partial<Catalog>) },
  ]),
);

/** The catalog of a language the bots speak (English for any other code). */
export function catalogFor(language: Language): Catalog {
  return catalogs.get(language) ?? english;
}

/** A language's name in itself: "Español". */
export function languageName(language: Language): string {
  return catalogFor(language)["language.name"];
}

export function isLanguage(code: string): code is Language {
  return catalogs.has(code);
}

/** What a neighbor typed ("ES", "es-MX", " español ") as a language we speak, if it is one. */
export function readLanguage(typed: string): Language | undefined {
  const wanted = typed.trim().toLowerCase();
  const code = wanted.split(/[-_]/)[0] ?? "";
  if (isLanguage(code)) return code;
  // A language's own name works too ("español", "english").
  return supportedLanguages.find((language) => languageName(language).toLowerCase() === wanted);
}
