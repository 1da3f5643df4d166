// Splits a command's argument text into words, keeping "quoted phrases" together.
// Phones often turn " into curly quotes, so “these” and „these“ count too.

export interface ArgumentToken {
  /** The word, or the phrase without its quotes. */
  value: string;
  quoted: boolean;
  /** Offset of the token (its opening quote, if any) in the argument text: lets `rest` keep the original spacing. */
  start: number;
}

const openingQuotes = new Set(['"', "“", "„"]);
const closingQuotes = new Set(['"', "”", "“"]);
const whitespace = /\s/u;

/** No escapes inside quotes; an unclosed quote runs to the end, which is the forgiving reading. */
export function tokenizeArguments(text: string): ArgumentToken[] {
  const tokens: ArgumentToken[] = [];
  let index = 0;
  while (index < text.length) {
    const character = text[index] ?? "";
    if (whitespace.test(character)) {
      index += 1;
      continue;
    }
    const start = index;
    if (openingQuotes.has(character)) {
      index += 1;
      let value = "";
      while (index < text.length && !closingQuotes.has(text[index] ?? "")) {
        value += text[index];
        index += 1;
      }
      index += 1; // past the closing quote
      tokens.push({ value, quoted: true, start });
      continue;
    }
    let value = "";
    while (index < text.length && !whitespace.test(text[index] ?? "")) {
      value += text[index];
      index += 1;
    }
    tokens.push({ value, quoted: false, start });
  }
  return tokens;
}
