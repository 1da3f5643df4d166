// What a translated catalog must keep from the English one: every key and no other, each message valid
// ICU, the same placeholders (a translation that drops {neighbor} would lose a mention) and the same tags,
// from the few tags speak.ts maps to markup. catalogs.test.ts runs it on every catalog.
import {
  isLiteralElement,
  isPluralElement,
  isPoundElement,
  isSelectElement,
  isTagElement,
  parse,
  type MessageFormatElement,
} from "@formatjs/icu-messageformat-parser";

/** The tags speak.ts turns into markup; anything else in a message would be printed as text. */
export const messageTags: readonly string[] = ["b", "i", "code"];

interface MessageShape {
  placeholders: Set<string>;
  tags: Set<string>;
}

function collect(elements: readonly MessageFormatElement[], shape: MessageShape): MessageShape {
  for (const element of elements) {
    if (isLiteralElement(element) || isPoundElement(element)) continue;
    if (isTagElement(element)) {
      shape.tags.add(element.value);
      collect(element.children, shape);
      continue;
    }
    shape.placeholders.add(element.value);
    if (isPluralElement(element) || isSelectElement(element)) {
      for (const option of Object.values(element.options)) collect(option.value, shape);
    }
  }
  return shape;
}

function shapeOf(message: string): MessageShape | string {
  try {
    return collect(parse(message), { placeholders: new Set(), tags: new Set() });
  } catch (error) {
    return (error as Error).message;
  }
}

const listed = (names: Iterable<string>) => [...names].sort().join(", ") || "none";
const same = (a: Set<string>, b: Set<string>) => a.size === b.size && [...a].every((name) => b.has(name));

/** Problems of `catalog` (named `language`) against the source catalog, one line each; empty when it is complete. */
export function catalogProblems(source: Readonly<Record<string, string>>, catalog: Readonly<Record<string, unknown>>, language: string): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(source)) if (!Object.hasOwn(catalog, key)) problems.push(`${language}: "${key}" is missing`);
  for (const [key, message] of Object.entries(catalog)) {
    if (!Object.hasOwn(source, key)) {
      problems.push(`${language}: "${key}" is not in the English catalog (a typo, or a key that was removed)`);
      continue;
    }
    if (typeof message !== "string") {
      problems.push(`${language}: "${key}" must be a string`);
      continue;
    }
    const shape = shapeOf(message);
    const sourceShape = shapeOf(source[key]!);
    if (typeof shape === "string") {
      problems.push(`${language}: "${key}" is not valid ICU MessageFormat (${shape})`);
      continue;
    }
    if (typeof sourceShape === "string") continue; // reported when the source itself is checked
    if (!same(shape.placeholders, sourceShape.placeholders)) {
      problems.push(`${language}: "${key}" has placeholders ${listed(shape.placeholders)}; English has ${listed(sourceShape.placeholders)}`);
    }
    const unknownTags = [...shape.tags].filter((tag) => !messageTags.includes(tag));
    if (unknownTags.length > 0) problems.push(`${language}: "${key}" uses <${unknownTags.join(">, <")}> (tags: ${messageTags.join(", ")})`);
    else if (!same(shape.tags, sourceShape.tags))
      problems.push(`${language}: "${key}" has tags ${listed(shape.tags)}; English has ${listed(sourceShape.tags)}`);
  }
  return problems;
}
