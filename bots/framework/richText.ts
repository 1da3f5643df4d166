// Builds replies as HTML and plain text at once, so the two forms never drift apart.
// Every string is treated as text and escaped; markup only comes from the element functions
// below, so a neighbor's words can never inject HTML.

import type { RichText } from "./contract.ts";

/** A piece of a message: text (escaped), an already built RichText, or a list of pieces. */
export type Inline = string | number | RichText | readonly Inline[];

const htmlEscapes: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => htmlEscapes[character] ?? character);
}

function toRichText(piece: Inline): RichText {
  if (typeof piece === "string" || typeof piece === "number") {
    const text = String(piece);
    return { html: escapeHtml(text), text };
  }
  if (isPieceList(piece)) {
    const parts = piece.map(toRichText);
    return { html: parts.map((part) => part.html).join(""), text: parts.map((part) => part.text).join("") };
  }
  return piece;
}

// Array.isArray does not narrow readonly arrays, hence this guard.
function isPieceList(piece: Inline): piece is readonly Inline[] {
  return Array.isArray(piece);
}

/** Concatenates pieces; strings are escaped. */
export function rich(...pieces: Inline[]): RichText {
  return toRichText(pieces);
}

/**
 * Template form: literal parts and interpolations are both treated as text,
 * so `richTemplate\`Hi ${name}\`` is safe whatever `name` holds.
 */
export function richTemplate(literals: TemplateStringsArray, ...values: Inline[]): RichText {
  const pieces: Inline[] = [];
  literals.forEach((literal, index) => {
    pieces.push(literal);
    if (index < values.length) pieces.push(values[index] ?? "");
  });
  return toRichText(pieces);
}

function wrap(tag: string, pieces: readonly Inline[], textBefore = "", textAfter = ""): RichText {
  const inner = toRichText(pieces);
  return { html: `<${tag}>${inner.html}</${tag}>`, text: `${textBefore}${inner.text}${textAfter}` };
}

export function bold(...pieces: Inline[]): RichText {
  return wrap("strong", pieces);
}

export function italic(...pieces: Inline[]): RichText {
  return wrap("em", pieces);
}

/** Inline code; the plain-text form keeps backticks, as neighbors would type it. */
export function code(text: string): RichText {
  return wrap("code", [text], "`", "`");
}

export function paragraph(...pieces: Inline[]): RichText {
  return wrap("p", pieces, "", "\n\n");
}

/** A whole reply: like `rich`, without the trailing blank lines paragraphs leave in the text form. */
export function message(...pieces: Inline[]): RichText {
  const built = toRichText(pieces);
  return { html: built.html, text: built.text.trimEnd() };
}

export function heading(...pieces: Inline[]): RichText {
  return wrap("h4", pieces, "", "\n");
}

export function bulletList(items: readonly Inline[]): RichText {
  const rendered = items.map(toRichText);
  return {
    html: `<ul>${rendered.map((item) => `<li>${item.html}</li>`).join("")}</ul>`,
    // A list is a block: a blank line separates it from what follows, as after a paragraph.
    text: `${rendered.map((item) => `• ${item.text}\n`).join("")}\n`,
  };
}

/** Pieces on separate lines (<br> in HTML). */
export function lines(...pieces: Inline[]): RichText {
  const rendered = pieces.map(toRichText);
  return {
    html: rendered.map((line) => line.html).join("<br>"),
    text: rendered.map((line) => line.text).join("\n"),
  };
}

/** Only http(s) links: a javascript: or data: URL from config or a neighbor must not become a link. */
export function link(href: string, ...pieces: Inline[]): RichText {
  const label = pieces.length > 0 ? toRichText(pieces) : toRichText(href);
  if (!/^https?:\/\//i.test(href)) return label;
  const text = label.text === href ? href : `${label.text} (${href})`;
  return { html: `<a href="${escapeHtml(href)}">${label.html}</a>`, text };
}

/**
 * A user "pill": Element renders a matrix.to link to a user as a mention.
 * The plain-text fallback carries the full Matrix ID so it stays unambiguous.
 */
export function mention(userId: string, displayName?: string): RichText {
  const label = displayName !== undefined && displayName !== "" ? displayName : userId;
  return {
    html: `<a href="https://matrix.to/#/${escapeHtml(userId)}">${escapeHtml(label)}</a>`,
    text: label === userId ? userId : `${label} (${userId})`,
  };
}

export function joinPieces(pieces: readonly Inline[], separator: Inline): RichText {
  const joined: Inline[] = [];
  pieces.forEach((piece, index) => {
    if (index > 0) joined.push(separator);
    joined.push(piece);
  });
  return toRichText(joined);
}
