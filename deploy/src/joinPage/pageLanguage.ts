// The language a web page of the box speaks to this request, and its words from the catalogs
// (bots/messages/<lang>/web.json). A neighbor's explicit choice (`?lang=es`: the links at the top of the
// join page, the page's own script) wins; else the browser's Accept-Language over the languages with
// catalogs; else English. Element's embedded pages are fetched by the neighbor's browser, so the header
// is theirs there too.
import type { Request, Response } from "express";
import type { RichText } from "../../../bots/framework/contract.ts";
import { readLanguage, sourceLanguage, supportedLanguages, type Language, type MessageKey } from "../../../bots/framework/languages.ts";
import { say, type MessageValues } from "../../../bots/framework/speak.ts";
import { escapeHtml } from "../../../bots/framework/richText.ts";

export function pageLanguage(request: Request): Language {
  const chosen = typeof request.query.lang === "string" ? readLanguage(request.query.lang) : undefined;
  if (chosen) return chosen;
  // Without the header, accepts() answers the first one offered: English.
  return request.acceptsLanguages(...supportedLanguages) || sourceLanguage;
}

/** The answer depends on the header: caches must keep one copy per language. */
export function languageHeaders(response: Response, language: Language): void {
  response.vary("Accept-Language").set("Content-Language", language);
}

/** The words of one page in one language: HTML (escaped text, the catalog's <b>/<i>/<code>) or plain text. */
export interface PageWords {
  readonly language: Language;
  html(key: MessageKey, values?: MessageValues): string;
  text(key: MessageKey, values?: MessageValues): string;
}

export function pageWords(language: Language, timeZone = "UTC"): PageWords {
  return {
    language,
    html: (key, values) => say(language, key, values, timeZone).html,
    text: (key, values) => say(language, key, values, timeZone).text,
  };
}

/**
 * Markup a page puts inside a message (a relative link, an element its script fills): richText's `link`
 * takes only absolute http(s) URLs, and these point into the same page or box.
 */
export function markup(html: string, text = ""): RichText {
  return { html, text };
}

export function anchor(href: string, label: string, attributes = ""): RichText {
  return markup(`<a href="${escapeHtml(href)}"${attributes}>${escapeHtml(label)}</a>`, label);
}
