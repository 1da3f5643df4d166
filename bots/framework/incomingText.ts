// Finds the text a neighbor typed in a message event, or nothing when the event is not for bots:
// notices (the bots' own convention), edits, and non-text messages (images, emotes…) are ignored.

import type { MatrixEvent } from "./contract.ts";

function objectField(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

const namedEntities: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decodeEntity(entity: string): string {
  const name = entity.slice(1, -1).toLowerCase();
  if (name.startsWith("#x")) return safeCodePoint(Number.parseInt(name.slice(2), 16), entity);
  if (name.startsWith("#")) return safeCodePoint(Number.parseInt(name.slice(1), 10), entity);
  return namedEntities[name] ?? entity;
}

function safeCodePoint(codePoint: number, fallback: string): string {
  return Number.isInteger(codePoint) && codePoint >= 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : fallback;
}

function decodeUserId(href: string): string {
  try {
    return decodeURIComponent(href);
  } catch {
    return href;
  }
}

const htmlPieces = /(<a\s[^>]*>)([\s\S]*?)<\/a>|<br\s*\/?>|<\/(?:p|li|div)>|<[^>]*>|&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,6});/gi;
const pillHref = /href\s*=\s*["']https:\/\/matrix\.to\/#\/(@[^"'?]+)/i;

/**
 * Element's composer puts a mention's display name in `body` and the user ID only in the pill of
 * `formatted_body`; commands need the ID. This is not an HTML sanitizer: the result is only read as
 * command text, and everything echoed back is escaped again.
 */
export function textWithPillsAsUserIds(formattedBody: string): string {
  return formattedBody.replace(htmlPieces, (piece: string, anchorOpen: string | undefined, anchorInner: string | undefined) => {
    if (anchorOpen !== undefined) {
      const userId = pillHref.exec(decodeEntities(anchorOpen))?.[1];
      return userId !== undefined ? decodeUserId(userId) : textWithPillsAsUserIds(anchorInner ?? "");
    }
    if (piece.startsWith("&")) return decodeEntity(piece);
    return /^<(br|\/p|\/li|\/div)/i.test(piece) ? "\n" : "";
  });
}

function decodeEntities(html: string): string {
  return html.replace(/&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,6});/gi, decodeEntity);
}

/** Older clients quote the message being replied to at the top of `body` ("> <@a:b> text"). */
function withoutReplyFallback(body: string): string {
  const lines = body.split("\n");
  let index = 0;
  while (index < lines.length && (lines[index] ?? "").startsWith(">")) index += 1;
  if (index === 0) return body;
  if (lines[index] === "") index += 1;
  return lines.slice(index).join("\n");
}

export function readIncomingText(event: MatrixEvent): string | undefined {
  if (event.type !== "m.room.message") return undefined;
  const { content } = event;
  if (content.msgtype !== "m.text") return undefined;
  const relation = content["m.relates_to"];
  if (objectField(relation, "rel_type") === "m.replace") return undefined;
  if (typeof content.body !== "string") return undefined;
  const isReply = objectField(relation, "m.in_reply_to") !== undefined;
  const formatted = content.formatted_body;
  if (content.format === "org.matrix.custom.html" && typeof formatted === "string" && pillHref.test(formatted)) {
    const withoutQuote = isReply ? formatted.replace(/<mx-reply>[\s\S]*?<\/mx-reply>/gi, "") : formatted;
    return textWithPillsAsUserIds(withoutQuote);
  }
  return isReply ? withoutReplyFallback(content.body) : content.body;
}
