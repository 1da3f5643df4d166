// The words of the Lobby's overview of the bots: a line per bot saying what it does, in which room, and
// how to get its own help there.

import type { RichText } from "../framework/contract.ts";
import type { Language } from "../framework/languages.ts";
import { bold, bulletList, escapeHtml, mention, paragraph, rich } from "../framework/richText.ts";
import { listOf, say, sayPhrase } from "../framework/speak.ts";
import type { BotListing, BotRoom } from "./botDirectory.ts";

/**
 * A room as Element shows a link to it (a pill), and its plain name in the text form. Room ids carry no
 * server name from room version 12 on, so the link says which server to ask (`via`).
 */
function roomLink(room: BotRoom, serverName: string): RichText {
  const href = `https://matrix.to/#/${room.roomId}?via=${encodeURIComponent(serverName)}`;
  return { html: `<a href="${escapeHtml(href)}">${escapeHtml(room.name)}</a>`, text: room.name };
}

function whereToFind(bot: BotListing, serverName: string, language: Language): RichText {
  if (bot.rooms.length === 0) return say(language, "porch.overview.direct", { bot: mention(bot.userId, sayPhrase(language, bot.name).text) });
  return say(language, "porch.overview.inRooms", {
    rooms: listOf(
      language,
      bot.rooms.map((room) => roomLink(room, serverName)),
    ),
  });
}

export function botOverview(bots: readonly BotListing[], serverName: string, language: Language): RichText | undefined {
  if (bots.length === 0) return undefined;
  // rich, not message: the porch's own command list follows, after the paragraph break.
  return rich(
    paragraph(say(language, "porch.overview.intro")),
    bulletList(
      bots.map((bot) => rich(bold(sayPhrase(language, bot.name)), " — ", sayPhrase(language, bot.summary), " ", whereToFind(bot, serverName, language))),
    ),
    paragraph(say(language, "porch.overview.anyBot")),
    paragraph(say(language, "porch.overview.mine")),
  );
}
