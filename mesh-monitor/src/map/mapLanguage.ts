// Which language the map speaks to a request, as the box's join page chooses (deploy/src/joinPage/
// pageLanguage.ts): a neighbor's explicit choice (`?lang=es`, the links at the top of the map) wins;
// else the browser's Accept-Language, best weight first, over the languages with catalogs; else English.
// node:http has no negotiation of its own and the monitor imports nothing outside its folder, hence this.
import { mapLanguages, mapSourceLanguage, type MapLanguage } from "./mapWords.ts";

/** "ES", "es-MX", "es_419" → "es" when the map speaks it. */
export function readMapLanguage(typed: string, languages: readonly MapLanguage[] = mapLanguages): MapLanguage | undefined {
  const code = typed.trim().toLowerCase().split(/[-_]/)[0] ?? "";
  return languages.includes(code) ? code : undefined;
}

/** The languages an Accept-Language header asks for, best first (q=0 means "not this one"). */
export function acceptedLanguages(header: string): string[] {
  return header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...parameters] = part.split(";").map((piece) => piece.trim());
      const q = parameters.find((parameter) => /^q=/i.test(parameter));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { tag, weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.tag !== "" && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((entry) => entry.tag);
}

export function mapPageLanguage(url: URL, acceptLanguage: string | undefined, languages: readonly MapLanguage[] = mapLanguages): MapLanguage {
  const chosen = url.searchParams.get("lang");
  const explicit = chosen === null ? undefined : readMapLanguage(chosen, languages);
  if (explicit) return explicit;
  for (const tag of acceptedLanguages(acceptLanguage ?? "")) {
    if (tag === "*") return mapSourceLanguage;
    const language = readMapLanguage(tag, languages);
    if (language) return language;
  }
  return mapSourceLanguage;
}
