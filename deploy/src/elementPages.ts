// The block's own pages inside Element Web (config.json's `embedded_pages`): the welcome page a visitor
// sees before signing in, and Home, shown when a neighbor is signed in with no room open. Element fetches
// each page and puts its HTML into its own document (EmbeddedPage.tsx: no iframe), so a page is a fragment:
// no <html>, no script, nothing fetched from elsewhere (the box works with the uplink down), colors taken
// from Element's theme (light or dark). Element replaces `_t("…")` and `$word` placeholders in the text,
// so the pages contain neither. Also the page `run` shows on the Element port when there is no release.
import { NEIGHBORHOOD_ROOMS, SPACE, type RoomPlan } from "./neighborhoodRooms.ts";
import { JOIN_PATH } from "./joinLink.ts";

/** File names beside Element's index.html (the release ships its own welcome.html: ours must not clash). */
export const WELCOME_PAGE = "blockshare-welcome.html";
export const HOME_PAGE = "blockshare-home.html";

export interface BlockPagesInput {
  name: string;
  server_name: string;
}

/** What each room is for, in a few plain words (the room topics say who can see it). */
const ROOM_PURPOSE: Record<string, string> = {
  lobby: "Say hello and ask anything. Type !help to see what the bots can do.",
  sharing: "The sharing board: give away, lend and ask for things.",
  governance: "Proposals and polls: decide things together.",
  "mesh-alerts": "What is up and down on the block's wifi mesh.",
  exchange: "Meet neighbors from the blocks we are linked with.",
};

const escape = (text: string) =>
  text.replace(/[&<>"'$]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", $: "&#36;" })[c] ?? c);

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

function roomList(serverName: string): string {
  const items = [SPACE, ...listedRooms()].map((room) => {
    const purpose = room.role === "space" ? "All of the block's rooms in one place." : (ROOM_PURPOSE[room.alias] ?? room.topic);
    return `<li><a class="blockshare_room" href="${escape(roomLink(room.alias, serverName))}"><strong>${escape(room.name)}</strong>${escape(purpose)}</a></li>`;
  });
  return `<ul>\n${items.join("\n")}\n</ul>`;
}

/** Before signing in: whose chat this is, how to join, how to sign in. */
export function welcomePage(block: BlockPagesInput): string {
  const name = escape(block.name);
  return `${STYLE}
<div class="blockshare_page" lang="en">
<h1>${name}</h1>
<p>This is the chat of ${name}, on the block's own box. It keeps working when the internet is down.</p>
<h2>New here?</h2>
<p>Ask a neighbor or the box's operator for a join link or a flyer with a QR code. Open it on your phone or computer to make your account.</p>
<p><a class="blockshare_button" href="${JOIN_PATH}">How to join</a></p>
<h2>Already a neighbor?</h2>
<p><a class="blockshare_button" href="#/login">Sign in</a></p>
</div>
`;
}

/** Signed in, no room open: the block's space and rooms, and how to bring in a neighbor. */
export function homePage(block: BlockPagesInput): string {
  const name = escape(block.name);
  return `${STYLE}
<div class="blockshare_page" lang="en">
<h1>Welcome to ${name}</h1>
<p>Everything here stays on the block's own box. Pick a room to start:</p>
${roomList(block.server_name)}
<h2>Bring a neighbor</h2>
<p>Neighbors join with a join link or flyer from the box's operator. <a href="${JOIN_PATH}">How joining works</a>.</p>
</div>
`;
}

/** The Element port's front page while the box has no Element Web release: the way in without one. */
export function noElementPage(block: BlockPagesInput & { public_url: string }, howToGetElement: string): string {
  const name = escape(block.name);
  return `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${name}</title>
${STYLE}
<body class="blockshare_page">
<h1>${name} chat</h1>
<p>Use any Element app (web, desktop or phone) and sign in with this server: <code>${escape(block.public_url)}</code></p>
<p><a class="blockshare_button" href="${JOIN_PATH}">How to join</a></p>
<p>${escape(howToGetElement)}</p>
</body>
</html>
`;
}

/** The pages as files beside config.json in an installed release (nginx serves them from there). */
export function elementPageFiles(block: BlockPagesInput): Record<string, string> {
  return { [WELCOME_PAGE]: welcomePage(block), [HOME_PAGE]: homePage(block) };
}
