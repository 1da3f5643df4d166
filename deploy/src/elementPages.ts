// The block's own pages inside Element Web (config.json's `embedded_pages`): the welcome page a visitor
// sees before signing in, and Home, shown when a neighbor is signed in with no room open. Element fetches
// each page and puts its HTML into its own document (EmbeddedPage.tsx: no iframe), so a page is a fragment:
// no <html>, no script, nothing fetched from elsewhere (the box works with the uplink down), colors taken
// from Element's theme (light or dark). Element replaces `_t("…")` and `$word` placeholders in the text,
// so the pages contain neither. Also the page `run` shows on the Element port when there is no release.
// Words from the catalogs (web.json, "element."): the Element port answers in the browser's language
// (Accept-Language: Element's fetch of a page is the neighbor's browser's); the files the installer writes
// for nginx are in the block's language.
import type { Language, MessageKey } from "../../bots/framework/languages.ts";
import type { MessageValues } from "../../bots/framework/speak.ts";
import { anchor, markup, pageWords } from "./joinPage/pageLanguage.ts";
import { NEIGHBORHOOD_ROOMS, SPACE, type RoomPlan } from "./neighborhoodRooms.ts";
import { JOIN_PATH } from "./joinLink.ts";

/** File names beside Element's index.html (the release ships its own welcome.html: ours must not clash). */
export const WELCOME_PAGE = "blockshare-welcome.html";
export const HOME_PAGE = "blockshare-home.html";

export interface BlockPagesInput {
  name: string;
  server_name: string;
  /** The block's language: the pages' when no request asks for one (the installer's files). */
  language?: Language;
}

/** What each room is for, in a few plain words (the room topics say who can see it). */
const ROOM_PURPOSE: Record<string, MessageKey> = {
  lobby: "element.home.lobby",
  sharing: "element.home.sharing",
  governance: "element.home.governance",
  "mesh-alerts": "element.home.meshAlerts",
  exchange: "element.home.exchange",
};

const escapeText = (text: string) =>
  text.replace(/[&<>"'$]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", $: "&#36;" })[c] ?? c);

/** A catalog message as HTML, with `$` escaped too: Element would take "$word" for one of its placeholders. */
function wordsIn(language: Language) {
  const words = pageWords(language);
  return (key: MessageKey, values?: MessageValues) => words.html(key, values).replaceAll("$", "&#36;");
}

/** Element's own link to a room by its alias: it opens inside this Element, with no matrix.to in between. */
export function roomLink(alias: string, serverName: string): string {
  return `#/room/#${alias}:${serverName}`;
}

/** The block's rooms neighbors see, in the space's order. */
function listedRooms(): RoomPlan[] {
  return NEIGHBORHOOD_ROOMS.filter((room) => room.inSpace);
}

// Scoped to the page's own class: the page sits inside Element's document. Colors inherit Element's theme;
// links and buttons are big enough for a thumb (44 px) and keep a visible focus ring.
const STYLE = `<style>
.blockshare_page { max-width: 36rem; margin: 0 auto; padding: 1.5rem 1rem; line-height: 1.5; font-size: 1rem; color: inherit; }
.blockshare_page h1 { font-size: 1.6rem; margin: 0 0 0.5rem; }
.blockshare_page h2 { font-size: 1.2rem; margin: 1.5rem 0 0.5rem; }
.blockshare_page ul { list-style: none; padding: 0; margin: 0; }
.blockshare_page li { margin: 0.5rem 0; }
.blockshare_page a { color: inherit; text-decoration: underline; }
.blockshare_page a:focus-visible { outline: 3px solid currentColor; outline-offset: 2px; }
.blockshare_page .blockshare_button { display: inline-block; min-height: 44px; box-sizing: border-box; padding: 0.6rem 1.2rem; margin: 0.25rem 0.5rem 0.25rem 0; border: 2px solid currentColor; border-radius: 0.5rem; font-weight: bold; text-decoration: none; }
.blockshare_page .blockshare_room { display: block; min-height: 44px; padding: 0.4rem 0; }
.blockshare_page .blockshare_room strong { display: block; font-size: 1.05rem; }
</style>`;

function roomList(serverName: string, say: ReturnType<typeof wordsIn>): string {
  const items = [SPACE, ...listedRooms()].map((room) => {
    const key = room.role === "space" ? "element.home.space" : ROOM_PURPOSE[room.alias];
    const purpose = key ? say(key) : escapeText(room.topic);
    // Room names stay as Element shows them (the rooms' own names); what each is for is in the page's language.
    return `<li><a class="blockshare_room" href="${escapeText(roomLink(room.alias, serverName))}"><strong>${escapeText(room.name)}</strong>${purpose}</a></li>`;
  });
  return `<ul>\n${items.join("\n")}\n</ul>`;
}

/** Before signing in: whose chat this is, how to join, how to sign in. */
export function welcomePage(block: BlockPagesInput, language: Language = block.language ?? "en"): string {
  const name = escapeText(block.name);
  const say = wordsIn(language);
  return `${STYLE}
<div class="blockshare_page" lang="${language}">
<h1>${name}</h1>
<p>${say("element.welcome.about", { block: block.name })}</p>
<h2>${say("element.welcome.newHere")}</h2>
<p>${say("element.welcome.howToJoin")}</p>
<p><a class="blockshare_button" href="${JOIN_PATH}">${say("element.howToJoin")}</a></p>
<h2>${say("element.welcome.neighbor")}</h2>
<p><a class="blockshare_button" href="#/login">${say("element.welcome.signIn")}</a></p>
</div>
`;
}

/** Signed in, no room open: the block's space and rooms, and how to bring in a neighbor. */
export function homePage(block: BlockPagesInput, language: Language = block.language ?? "en"): string {
  const say = wordsIn(language);
  const howJoiningWorks = anchor(JOIN_PATH, pageWords(language).text("element.home.howJoiningWorks"));
  return `${STYLE}
<div class="blockshare_page" lang="${language}">
<h1>${say("element.home.title", { block: block.name })}</h1>
<p>${say("element.home.pickRoom")}</p>
${roomList(block.server_name, say)}
<h2>${say("element.home.bringNeighbor")}</h2>
<p>${say("element.home.joining", { howJoiningWorks })}</p>
</div>
`;
}

/** The Element port's front page while the box has no Element Web release: the way in without one. */
export function noElementPage(
  block: BlockPagesInput & { public_url: string; element_web_release?: unknown },
  language: Language = block.language ?? "en",
): string {
  const name = escapeText(block.name);
  const say = wordsIn(language);
  const server = markup(`<code>${escapeText(block.public_url)}</code>`, block.public_url);
  return `<!doctype html>
<html lang="${language}">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${name}</title>
${STYLE}
<body class="blockshare_page">
<h1>${say("element.noElement.title", { block: block.name })}</h1>
<p>${say("element.noElement.signIn", { server })}</p>
<p><a class="blockshare_button" href="${JOIN_PATH}">${say("element.howToJoin")}</a></p>
<p>${escapeText(howToGetElement(block, language))}</p>
</body>
</html>
`;
}

/**
 * What the no-Element page and `run` say about getting a release, given the neighborhood file (`run`'s
 * log is the operator's: English). The settings' names and the release's address stay as they are written.
 */
export function howToGetElement(neighborhood: { element_web_release?: unknown }, language: Language = "en"): string {
  const words = pageWords(language);
  const bring = words.text("element.noElement.bring", {
    tarball: "element-vX.Y.Z.tar.gz",
    releases: "github.com/element-hq/element-web/releases",
    dirSetting: "element_web_dir",
  });
  return neighborhood.element_web_release
    ? words.text("element.noElement.downloading", { releaseSetting: "element_web_release", bring })
    : words.text("element.noElement.notNamed", { releaseSetting: "element_web_release { url, sha256 }", bring });
}

/** The pages as files beside config.json in an installed release (nginx serves them from there). */
export function elementPageFiles(block: BlockPagesInput): Record<string, string> {
  return { [WELCOME_PAGE]: welcomePage(block), [HOME_PAGE]: homePage(block) };
}
