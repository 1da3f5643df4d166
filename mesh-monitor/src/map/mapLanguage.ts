// Which language the map speaks to a request, as the box's join page chooses (deploy/src/joinPage/
// pageLanguage.ts): a neighbor's explicit choice (`?lang=es`, the links at the top of the map) wins;
// else the browser's Accept-Language over the languages with catalogs (express's negotiation); else English.
import type { Request } from "express";
import { mapLanguages, mapSourceLanguage, type MapLanguage } from "./mapWords.ts";

/** "ES", "es-MX", "es_419" → "es" when the map speaks it. */
export function readMapLanguage(typed: string, languages: readonly MapLanguage[] = mapLanguages): MapLanguage | undefined {
  const code = typed.trim().toLowerCase().split(/[-_]/)[0] ?? "";
  return languages.includes(code) ? code : undefined;
}

export function mapPageLanguage(request: Request, languages: readonly MapLanguage[] = mapLanguages): MapLanguage {
  const chosen = typeof request.query.lang === "string" ? readMapLanguage(request.query.lang, languages) : undefined;
  if (chosen) return chosen;
  // Without the header, acceptsLanguages() answers the first one offered: English.
  return request.acceptsLanguages(...languages) || mapSourceLanguage;
}
