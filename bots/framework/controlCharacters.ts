// Neighbors' text ends up in replies, listings and logs: control characters (and the bidi
// overrides that can make text display differently from what it says) are removed from it.

const controlCharacters = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu;

export function removeControlCharacters(text: string): string {
  return text.replace(controlCharacters, "");
}

/** For free text that may span lines (a description): keeps "\n", drops every other control character. */
export function removeControlCharactersKeepingNewlines(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(controlCharacters, (character) => (character === "\n" ? "\n" : ""));
}
