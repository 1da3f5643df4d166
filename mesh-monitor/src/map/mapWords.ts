// The map's words: the monitor's own message catalogs (mesh-monitor/messages/<lang>/map.json, ICU
// MessageFormat said by intl-messageformat). They live here rather than with the bots' because the
// monitor imports nothing from any other folder (README): it runs on its own, even on another machine.
// English is the source: its file is imported, so its keys are the type of every key; the other
// languages are the folders beside it (tests/mapWords.test.ts checks their keys and placeholders).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isArgumentElement, isLiteralElement, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { IntlMessageFormat } from "intl-messageformat";
import english from "../../messages/en/map.json" with { type: "json" };

export type MapMessageKey = keyof typeof english;
export type MapLanguage = string;

export const mapSourceLanguage: MapLanguage = "en";

const messagesDir = join(import.meta.dirname, "..", "..", "messages");

/** A language's catalog as it is on disk (what the catalog test checks). */
export function readMapCatalog(language: MapLanguage): Record<string, unknown> {
  return JSON.parse(readFileSync(join(messagesDir, language, "map.json"), "utf8")) as Record<string, unknown>;
}

/** Every language with a folder, English first. */
export const mapLanguages: readonly MapLanguage[] = [
  mapSourceLanguage,
  ...readdirSync(messagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== mapSourceLanguage)
    .map((entry) => entry.name)
    .sort(),
];

// A key a translation lacks is said in English rather than failing the page (the test catches it first).
const catalogs: ReadonlyMap<MapLanguage, Readonly<Record<MapMessageKey, string>>> = new Map(
  mapLanguages.map((language) => [
    language,
    language === mapSourceLanguage ? english : { ...english, ...(readMapCatalog(language) as Partial<typeof english>) },
  ]),
);

function formatter(language: MapLanguage, key: MapMessageKey): IntlMessageFormat {
  const catalog = catalogs.get(language) ?? english;
  return new IntlMessageFormat(catalog[key], language);
}

/** The message `key` in `language` as plain text (the page escapes it or sets it as textContent). */
export function mapSay(language: MapLanguage, key: MapMessageKey, values: Record<string, string | number> = {}): string {
  return String(formatter(language, key).format(values));
}

/**
 * The messages the page's script says with values it learns in the browser (names, counts, "3 minutes
 * ago"). The browser has no ICU formatter, so these may only hold plain `{name}` placeholders, which it
 * fills with text it formatted by Intl (the test checks this): intl-messageformat says the rest here,
 * each placeholder left as a marker the script replaces.
 */
export const browserMessageKeys = [
  "map.waiting",
  "map.link.title",
  "map.link.lost",
  "map.node.offline",
  "map.node.silent",
  "map.node.title",
  "map.gateway.title",
  "map.status.up",
  "map.status.down",
  "map.status.agent-silent",
  "map.status.unknown",
  "map.uplink.up",
  "map.uplink.down",
  "map.uplink.unknown",
  "map.noAlerts",
  "map.resolved",
  "map.alertGone",
  "map.summary",
  "map.updated",
  "map.stale",
] as const satisfies readonly MapMessageKey[];

/** Around each placeholder's name in a browser message: a character no catalog or name holds. */
export const markerCharacter = "\u0001";
/** Where the script puts a value: `\u0001name\u0001`, so the message split at the marker has the names at odd places. */
export const browserMarker = (name: string): string => `${markerCharacter}${name}${markerCharacter}`;

/** The names of a message's placeholders and whether each is a plain `{name}` (the browser can fill only those). */
export function placeholdersOf(elements: readonly MessageFormatElement[]): { name: string; plain: boolean }[] {
  return elements
    .filter((element) => !isLiteralElement(element))
    .map((element) => ({ name: "value" in element ? String(element.value) : "#", plain: isArgumentElement(element) }));
}

/** The browser's messages in `language`: key → text with a marker for each placeholder. */
export function browserMessages(language: MapLanguage): Record<string, string> {
  return Object.fromEntries(
    browserMessageKeys.map((key) => {
      const format = formatter(language, key);
      const markers = Object.fromEntries(placeholdersOf(format.getAst()).map(({ name }) => [name, browserMarker(name)]));
      return [key, String(format.format(markers))];
    }),
  );
}

/** A language's name in itself ("Español"), for the links that switch the page's language. */
export const mapLanguageName = (language: MapLanguage): string => mapSay(language, "language.name");
