// Words from the message catalogs: an ICU message (plurals, selects, numbers, dates) formatted in a
// language, as RichText. A message's literal text is escaped like any string; markup comes only from
// its tags (<b>, <i>, <code>), mapped to richText's builders, so a catalog cannot inject HTML and a
// translator moves emphasis with the words.
import { IntlMessageFormat } from "intl-messageformat";
import { isArgumentElement, isLiteralElement, isTagElement, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import type { BotContext, RichText } from "./contract.ts";
import { catalogFor, type Language, type MessageKey } from "./languages.ts";
import { bold, code, italic, rich, type Inline } from "./richText.ts";
import { durationIn } from "./durations.ts";

/**
 * A placeholder's value: text or RichText (a mention, a link) as it is, a number or date formatted by the
 * message, or words that depend on the language (a duration: `(language) => durationIn(language, ms)`).
 */
export type MessageValue = Inline | Date | ((language: Language) => Inline);
export type MessageValues = Readonly<Record<string, MessageValue>>;

type Chunk = string | RichText;
const plain = (chunks: readonly Chunk[]) => chunks.map((chunk) => (typeof chunk === "string" ? chunk : chunk.text)).join("");
const tags = {
  b: (chunks: Chunk[]) => bold(...chunks),
  i: (chunks: Chunk[]) => italic(...chunks),
  code: (chunks: Chunk[]) => code(plain(chunks)),
};

/** A message made ready to say: placeholders' values in, RichText out. */
type Render = (values: MessageValues, language: Language) => RichText;
/** language → time zone → key → render: nested, so a reply's lookup builds no string. */
const renders = new Map<Language, Map<string, Map<MessageKey, Render>>>();

/** ICU's date and time styles (`{when, date, long}`), each in the block's time zone. */
function zonedFormats(timeZone: string) {
  const zoned = (styles: Record<string, Intl.DateTimeFormatOptions>) =>
    Object.fromEntries(Object.entries(styles).map(([style, options]) => [style, { ...options, timeZone }]));
  return {
    date: zoned({
      short: { month: "numeric", day: "numeric", year: "2-digit" },
      medium: { month: "short", day: "numeric", year: "numeric" },
      long: { month: "long", day: "numeric", year: "numeric" },
      full: { weekday: "long", month: "long", day: "numeric", year: "numeric" },
      weekday: { weekday: "long", month: "long", day: "numeric" },
    }),
    time: zoned({ short: { hour: "numeric", minute: "numeric" }, medium: { hour: "numeric", minute: "numeric", second: "numeric" } }),
  };
}

/** A lone RichText or a list of pieces becomes one value the formatter passes through untouched. */
function asValue(value: MessageValue, language: Language): string | number | Date | RichText {
  if (typeof value === "function") return asValue(value(language), language);
  if (typeof value === "string" || typeof value === "number" || value instanceof Date) return value;
  return rich(value);
}

type Piece = (values: MessageValues, language: Language) => Chunk;

/**
 * Most messages are text, placeholders and tags: they become a template (the pieces in order, as a
 * hand-written `message(...)` would build them), so the catalogs cost the bots next to nothing. Plurals,
 * selects, numbers and dates need ICU's rules: undefined, and intl-messageformat says them.
 */
function templateOf(elements: readonly MessageFormatElement[]): Piece[] | undefined {
  const pieces: Piece[] = [];
  for (const element of elements) {
    if (isLiteralElement(element)) {
      const text = element.value;
      pieces.push(() => text);
    } else if (isArgumentElement(element)) {
      const name = element.value;
      pieces.push((values, language) => {
        const value = values[name];
        if (value === undefined) throw new Error(`the message needs a value for {${name}}`);
        const given = asValue(value, language);
        return given instanceof Date || typeof given === "number" ? String(given) : given;
      });
    } else if (isTagElement(element)) {
      const inner = templateOf(element.children);
      const tag = tags[element.value as keyof typeof tags];
      if (inner === undefined || tag === undefined) return undefined;
      pieces.push((values, language) => tag(inner.map((piece) => piece(values, language))));
    } else {
      return undefined;
    }
  }
  return pieces;
}

function renderFor(language: Language, key: MessageKey, timeZone: string): Render {
  let zones = renders.get(language);
  if (!zones) renders.set(language, (zones = new Map()));
  let keys = zones.get(timeZone);
  if (!keys) zones.set(timeZone, (keys = new Map()));
  let render = keys.get(key);
  if (render) return render;
  const format = new IntlMessageFormat(catalogFor(language)[key], language, zonedFormats(timeZone));
  const template = templateOf(format.getAst());
  if (template === undefined) {
    render = (values, speaking) => {
      const prepared: Record<string, unknown> = { ...tags };
      for (const name in values) prepared[name] = asValue(values[name]!, speaking);
      return rich(format.format<Chunk>(prepared as never) as Inline);
    };
  } else if (template.every((piece) => piece.length === 0)) {
    // Nothing to fill in: the same words every time.
    const fixed = rich(template.map((piece) => piece({}, language)));
    render = () => fixed;
  } else {
    render = (values, speaking) => rich(template.map((piece) => piece(values, speaking)));
  }
  keys.set(key, render);
  return render;
}

/**
 * The message `key` in `language`, with its placeholders filled; dates and times (`{when, date, long}`,
 * `{when, time, short}`, and the extra date style `weekday`) in `timeZone` (a bot passes the block's:
 * use a Speaker).
 */
export function say(language: Language, key: MessageKey, values: MessageValues = {}, timeZone = "UTC"): RichText {
  return renderFor(language, key, timeZone)(values, language);
}

/** The message as plain text (for invite reasons, room names and other places without markup). */
export function sayPlain(language: Language, key: MessageKey, values: MessageValues = {}): string {
  return say(language, key, values).text;
}

/**
 * An argument's name as a neighbor reads it in usage lines, help and problems ("<qué>" for `what`): the
 * catalog's `argument.name.<name>`, else the name itself (tests/argumentNames.test.ts checks every
 * command the bots define has one).
 */
export function argumentLabel(language: Language, name: string): string {
  const key = `argument.name.${name}`;
  return Object.hasOwn(catalogFor(language), key) ? say(language, key as MessageKey).text : name;
}

/** A list in the language's own words ("a, b and c" / "a, b y c"), keeping each item's markup. */
export function listOf(language: Language, items: readonly Inline[]): RichText {
  const pieces = items.map((item) => rich(item));
  const placeholders = pieces.map((_, index) => `\u0000${index}\u0000`);
  const joined = new Intl.ListFormat(language, { type: "conjunction" }).formatToParts(placeholders);
  return rich(joined.map((part) => (part.type === "element" ? pieces[Number(part.value.slice(1, -1))]! : part.value)));
}

/** A catalog message not yet put in a language: what a command's summary or a bot's about line holds. */
export interface MessageRef {
  readonly key: MessageKey;
  readonly values?: MessageValues;
}

/** Words for a neighbor: a catalog message, or (not yet in the catalogs) an English string said as it is. */
export type Phrase = string | MessageRef;

export function words(key: MessageKey, values?: MessageValues): MessageRef {
  return values === undefined ? { key } : { key, values };
}

export function sayPhrase(language: Language, phrase: Phrase): RichText {
  return typeof phrase === "string" ? rich(phrase) : say(language, phrase.key, phrase.values);
}

/** Says messages to one person (or, without one, to the block) in their language and the block's time zone. */
export interface Speaker {
  readonly language: Language;
  say(key: MessageKey, values?: MessageValues): RichText;
  plain(key: MessageKey, values?: MessageValues): string;
  phrase(phrase: Phrase): RichText;
  list(items: readonly Inline[]): RichText;
  /** "1 hora y 30 minutos": the two largest units, in the language. */
  duration(milliseconds: number): string;
}

export function speaker(language: Language, timeZone: string): Speaker {
  return {
    language,
    say: (key, values) => say(language, key, values, timeZone),
    plain: (key, values) => say(language, key, values, timeZone).text,
    phrase: (phrase) => (typeof phrase === "string" ? rich(phrase) : say(language, phrase.key, phrase.values, timeZone)),
    list: (items) => listOf(language, items),
    duration: (milliseconds) => durationIn(language, milliseconds),
  };
}

/**
 * A Speaker for `userId` (a reply, a DM, a reminder: their chosen language), or for the block (a post in
 * a room everyone reads: the block's language) when no one is named.
 */
export function speakerFor(context: Pick<BotContext, "community" | "neighborhood">, userId?: string): Speaker {
  const language = userId === undefined ? context.community.blockLanguage() : context.community.languageOf(userId);
  return speaker(language, context.neighborhood.timeZone);
}
