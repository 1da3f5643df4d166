// Reads what a neighbor typed after !offer, !ask or !lend into a listing draft, or says precisely
// what could not be read and what is accepted. Pure: the clock comes in as `now`.

import { categoryByTag, defaultCategory, lifetimeOf } from "./categories.ts";
import { findDate } from "./dates.ts";
import type { Visibility } from "./listing.ts";

export interface ListingDraft {
  title: string;
  description?: string;
  quantity?: string;
  category: string;
  area: string;
  /** Undefined when the neighbor did not say: the community default applies. */
  visibility?: Visibility;
  firstCome: boolean;
  expiresAt: number;
}

/** What could not be read in a listing's text; chat/shareWords.ts says it with what is accepted. */
export type DraftProblem =
  | { kind: "unknown-tags"; tags: string[] }
  | { kind: "unreadable-date"; phrase: string }
  | { kind: "past-date" }
  | { kind: "too-far" }
  | { kind: "street-address" }
  | { kind: "no-title" }
  | { kind: "title-too-long"; max: number }
  | { kind: "description-too-long"; max: number }
  | { kind: "quantity"; phrase: string; max: number };

export type DraftReading = { ok: true; draft: ListingDraft } | { ok: false; problem: DraftProblem };

export const maxTitleLength = 120;
export const maxDescriptionLength = 600;
export const maxQuantity = 9999;
const maxLifetimeMs = 90 * 24 * 60 * 60 * 1000;
export const defaultArea = "this block";

type TagEffect = (draft: { category?: string; visibility?: Visibility; firstCome: boolean }) => void;

const flagTags: Readonly<Record<string, TagEffect>> = {
  shared: (draft) => void (draft.visibility = "shared"),
  pact: (draft) => void (draft.visibility = "shared"),
  block: (draft) => void (draft.visibility = "block"),
  "first-come": (draft) => void (draft.firstCome = true),
  firstcome: (draft) => void (draft.firstCome = true),
  // Spanish
  compartida: (draft) => void (draft.visibility = "shared"),
  compartido: (draft) => void (draft.visibility = "shared"),
  pacto: (draft) => void (draft.visibility = "shared"),
  cuadra: (draft) => void (draft.visibility = "block"),
  primero: (draft) => void (draft.firstCome = true),
};

const tagPattern = /(^|\s)#(\p{L}[\p{L}\p{N}-]*)(?![\p{L}\p{N}-])/gu;
const firstComeWords = /\b(first[- ]come(?:[, ]+first[- ]served)?|al primero que (?:lo|la) pida|primero que llegue)(?![\p{L}\p{N}])/iu;
// "pickup: lobby", "pick up at my building", "entrega: portería" — up to the end of the clause.
const pickupClause = /(?<![\p{L}\p{N}])(?:pick[- ]?up|collect|entrega|retiro|recoger)(?:\s+(?:at|from|in|en))?\s*:?\s+([^,;#\n]+)/iu;
const knownAreas =
  /(?<![\p{L}\p{N}])(?:in|at|from|en)\s+((?:my|our|the)\s+(?:building|house|lobby|porch|garden|courtyard)|this block|the corner|(?:mi|nuestro|nuestra|el|la)\s+(?:edificio|casa|portería|porteria|entrada|jardín|jardin|patio)|esta cuadra|la esquina)(?![\p{L}\p{N}])/iu;
const streetAddress =
  /\b\d+\s+[a-z]+\s+(street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd)\b|(?<![\p{L}\p{N}])(?:calle|avenida|av\.|pasaje)\s+[\p{L} ]+?\s\d+/iu;
const wordNumbers: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  dozen: 12,
};
const leadingQuantity =
  /^(-?\d+(?:[.,]\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|dozen)\s*(lbs?|pounds?|kg|kilos?|g|grams?|bags?|boxes?|jars?|bunch(?:es)?|pieces?|pairs?|sets?|loaves|loaf|bottles?|cans?|dozen|x|kilos?|bolsas?|cajas?|frascos?|pares|par|docenas?|latas?|botellas?)?\b/iu;

function cutOut(text: string, start: number, end: number): string {
  return `${text.slice(0, start)} ${text.slice(end)}`;
}

function readQuantity(title: string): { quantity?: string } | { problem: DraftProblem } {
  const match = leadingQuantity.exec(title);
  if (match === null) return {};
  const word = (match[1] ?? "").toLowerCase();
  const amount = wordNumbers[word] ?? Number(word.replace(",", "."));
  if (!Number.isFinite(amount) || amount <= 0 || amount > maxQuantity) {
    return { problem: { kind: "quantity", phrase: match[0].trim(), max: maxQuantity } };
  }
  return /^\d/.test(word) || match[2] !== undefined ? { quantity: match[0].trim() } : {};
}

export function readListingText(input: string, now: number): DraftReading {
  const flags: { category?: string; visibility?: Visibility; firstCome: boolean } = { firstCome: false };
  const unknownTags: string[] = [];
  let text = input.replace(tagPattern, (_whole, space: string, tag: string) => {
    const lower = tag.toLowerCase();
    const category = categoryByTag(lower);
    const flag = flagTags[lower];
    if (category !== undefined) flags.category = category.name;
    else if (flag !== undefined) flag(flags);
    else unknownTags.push(`#${tag}`);
    return space;
  });
  if (unknownTags.length > 0) return { ok: false, problem: { kind: "unknown-tags", tags: unknownTags } };
  const firstCome = firstComeWords.exec(text);
  if (firstCome !== null) {
    flags.firstCome = true;
    text = cutOut(text, firstCome.index, firstCome.index + firstCome[0].length);
  }

  const date = findDate(text, now);
  if (date.kind === "unreadable") return { ok: false, problem: { kind: "unreadable-date", phrase: date.phrase } };
  let expiresAt = now + lifetimeOf(flags.category ?? defaultCategory);
  if (date.kind === "found") {
    if (date.date.at <= now) return { ok: false, problem: { kind: "past-date" } };
    if (date.date.at - now > maxLifetimeMs) return { ok: false, problem: { kind: "too-far" } };
    expiresAt = date.date.at;
    text = cutOut(text, date.date.start, date.date.end);
  }

  let area = defaultArea;
  const pickup = pickupClause.exec(text) ?? knownAreas.exec(text);
  if (pickup !== null) {
    area = (pickup[1] ?? "").trim().replace(/\s+/gu, " ");
    text = cutOut(text, pickup.index, pickup.index + pickup[0].length);
  }
  if (streetAddress.test(area) || streetAddress.test(text)) {
    return { ok: false, problem: { kind: "street-address" } };
  }

  const [head = "", ...more] = text.split(/\n| \| | -- /u);
  const title = head
    .replace(/\s+/gu, " ")
    .replace(/[\s,;:.-]+$/u, "")
    .trim();
  const description = more.join("\n").trim();
  if (title === "") return { ok: false, problem: { kind: "no-title" } };
  if (title.length > maxTitleLength) return { ok: false, problem: { kind: "title-too-long", max: maxTitleLength } };
  if (description.length > maxDescriptionLength) return { ok: false, problem: { kind: "description-too-long", max: maxDescriptionLength } };
  const quantity = readQuantity(title);
  if ("problem" in quantity) return { ok: false, problem: quantity.problem };

  return {
    ok: true,
    draft: {
      title,
      ...(description === "" ? {} : { description }),
      ...quantity,
      category: flags.category ?? defaultCategory,
      area,
      ...(flags.visibility === undefined ? {} : { visibility: flags.visibility }),
      firstCome: flags.firstCome,
      expiresAt,
    },
  };
}
