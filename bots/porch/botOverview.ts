// The words of the Lobby's overview of the bots: a line per bot saying what it does, in which room, and
// how to get its own help there.

import type { RichText } from "../framework/contract.ts";
import { bold, bulletList, code, escapeHtml, joinPieces, mention, paragraph, rich } from "../framework/richText.ts";
import type { BotListing, BotRoom } from "./botDirectory.ts";

/**
 * A room as Element shows a link to it (a pill), and its plain name in the text form. Room ids carry no
 * server name from room version 12 on, so the link says which server to ask (`via`).
 */
function roomLink(room: BotRoom, serverName: string): RichText {
  const href = `https://matrix.to/#/${room.roomId}?via=${encodeURIComponent(serverName)}`;
  return { html: `<a href="${escapeHtml(href)}">${escapeHtml(room.name)}</a>`, text: room.name };
}

function whereToFind(bot: BotListing, serverName: string): RichText {
  if (bot.rooms.length === 0) return rich(" Write to ", mention(bot.userId, bot.displayName), " directly and send ", code("help"), ".");
  return rich(" In ", joinPieces(bot.rooms.map((room) => roomLink(room, serverName)), ", "), ": send ", code("!help"), " there.");
}

export function botOverview(bots: readonly BotListing[], serverName: string): RichText | undefined {
  if (bots.length === 0) return undefined;
  // rich, not message: the porch's own command list follows, after the paragraph break.
  return rich(
    paragraph("Each bot helps in its own room:"),
    bulletList(bots.map((bot) => rich(bold(bot.displayName), " — ", bot.summary, whereToFind(bot, serverName)))),
    paragraph("You can also write to any bot directly and send ", code("help"), "."),
    paragraph("What I answer here:"),
  );
}
