// Element Web as the block's own: config.json's embedded pages and settings, the welcome and Home pages
// (what a new neighbor reads: the block's name, how to join, its rooms as Element links; nothing from
// element.io, nothing fetched from elsewhere), the Element port serving them and a release that appears
// while it runs, what `run` plans for Element Web from the neighborhood file, and the first-run file.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { chromium, type Browser } from "playwright-core";
import { loadNeighborhood, NeighborhoodFileError, type LoadedNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { elementConfig } from "../src/elementConfig.ts";
import { elementPageFiles, HOME_PAGE, homePage, noElementPage, roomLink, WELCOME_PAGE, welcomePage } from "../src/elementPages.ts";
import { sayPlain } from "../../bots/framework/speak.ts";
import { escapeHtml } from "../../bots/framework/richText.ts";
import { startElementServer } from "../src/elementServer.ts";
import { ensureElementWeb, LOOPBACK_ONLY, planElementWeb } from "../src/elementWebDownload.ts";
import { writeDefaultNeighborhood } from "../src/defaultNeighborhood.ts";
import { NEIGHBORHOOD_ROOMS } from "../src/neighborhoodRooms.ts";
import { elementWebRoot } from "../production/element/elementWebRoot.ts";
import { PINNED_ELEMENT_RELEASE } from "../production/element/elementRelease.ts";
import { freePort } from "../../test/harness/freePort.ts";

const dir = mkdtempSync(join(tmpdir(), "blockshare-element-pages-"));
after(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;
async function neighborhoodWith(settings: Record<string, unknown> = {}): Promise<LoadedNeighborhood> {
  const home = join(dir, `block-${++count}`);
  mkdirSync(home);
  const file = join(home, "neighborhood.yaml");
  const client = await freePort();
  writeFileSync(
    file,
    stringify({
      name: "Maple Street",
      server_name: "maple.mesh",
      public_url: `http://127.0.0.1:${client}`,
      bind_address: "127.0.0.1",
      ports: { client, appservice: await freePort(), element: await freePort(), synapse_metrics: await freePort() },
      ...settings,
    }),
  );
  return loadNeighborhood(file);
}

/** What a page may not contain: anything fetched from elsewhere, element.io, scripts, Element's placeholders. */
function assertSelfContained(html: string): void {
  assert.doesNotMatch(html, /https?:\/\//, "no absolute URL: nothing leaves the mesh");
  assert.doesNotMatch(html, /element\.io|matrix\.to/i);
  assert.doesNotMatch(html, /<script|<iframe|<img|\bsrc=|@import|url\(/i);
  assert.doesNotMatch(html, /_t\(['"]|\$/, "Element would replace _t(…) and $placeholders in the text");
}

describe("config.json", () => {
  test("points Element at the block's own welcome and Home pages, beside index.html", async () => {
    const config = elementConfig(await neighborhoodWith());
    assert.deepEqual(config.embedded_pages, { welcome_url: WELCOME_PAGE, home_url: HOME_PAGE });
    assert.doesNotMatch(JSON.stringify(config), /element\.io|matrix\.org/);
  });

  test("Home lists the block's rooms, and calls are off (voip and widgets)", async () => {
    const defaults = elementConfig(await neighborhoodWith()).setting_defaults as Record<string, unknown>;
    assert.equal(defaults["Spaces.allRoomsInHome"], true);
    assert.equal(defaults["UIFeature.voip"], false);
    assert.equal(defaults["UIFeature.widgets"], false);
  });
});

describe("the welcome page", () => {
  const page = welcomePage({ name: "Maple Street", server_name: "maple.mesh" });

  test("names the block and says how to join and how to sign in", () => {
    assert.match(page, /<h1>Maple Street<\/h1>/);
    assert.match(page, /<a class="blockshare_button" href="\/join">How to join<\/a>/);
    assert.match(page, /<a class="blockshare_button" href="#\/login">Sign in<\/a>/);
    assert.match(page, /internet is down/);
    assert.doesNotMatch(page, /Welcome to Element/);
    assertSelfContained(page);
  });

  test("a block name is text, never markup or an Element placeholder", () => {
    const hostile = welcomePage({ name: `<b>Elm</b> & "Oak" $logoUrl _t("Sign in")`, server_name: "elm.mesh" });
    assert.match(hostile, /&lt;b&gt;Elm&lt;\/b&gt; &amp; &quot;Oak&quot; &#36;logoUrl _t\(&quot;Sign in&quot;\)/);
    assertSelfContained(hostile);
  });
});

describe("the Home page", () => {
  const page = homePage({ name: "Maple Street", server_name: "maple.mesh:8448" });

  test("links the space and each of the block's rooms inside Element, with what it is for", () => {
    assert.match(page, /Welcome to Maple Street/);
    assert.match(page, /href="#\/room\/#neighborhood:maple\.mesh:8448"><strong>Our neighborhood<\/strong>/);
    for (const [alias, name, purpose] of [
      ["lobby", "Lobby", /Say hello/],
      ["sharing", "Sharing", /sharing board/],
      ["governance", "Governance", /Proposals and polls/],
      ["mesh-alerts", "Mesh alerts", /wifi mesh/],
    ] as const) {
      const link = new RegExp(`<a class="blockshare_room" href="${roomLink(alias, "maple.mesh:8448")}"><strong>${name}</strong>([^<]*)</a>`).exec(page);
      assert.ok(link, `${name} is linked:\n${page}`);
      assert.match(link[1]!, purpose);
    }
    assert.doesNotMatch(page, /board-sync/, "the bots' sync room is not for neighbors");
    assert.match(page, /href="\/join"/);
    assert.doesNotMatch(page, /voice and video calls/i);
    assertSelfContained(page);
  });

  test("every room neighbors see in the space is on it", () => {
    for (const room of NEIGHBORHOOD_ROOMS.filter((room) => room.inSpace)) assert.ok(page.includes(`#/room/#${room.alias}:maple.mesh:8448`), room.alias);
  });
});

describe("the pages in Spanish", () => {
  // What a catalog message reads as in the page: its text, escaped (the Spanish messages have no markup).
  const es = (key: Parameters<typeof sayPlain>[1], values?: Parameters<typeof sayPlain>[2]) => escapeHtml(sayPlain("es", key, values));

  test("the welcome page in Spanish: its words from the catalog, the same links, still self-contained", () => {
    const page = welcomePage({ name: "Calle Arce", server_name: "arce.mesh" }, "es");
    assert.match(page, /<div class="blockshare_page" lang="es">/);
    for (const key of ["element.welcome.newHere", "element.welcome.howToJoin", "element.welcome.neighbor"] as const) assert.ok(page.includes(es(key)), key);
    assert.ok(page.includes(es("element.welcome.about", { block: "Calle Arce" })));
    assert.ok(page.includes(`<a class="blockshare_button" href="/join">${es("element.howToJoin")}</a>`));
    assert.ok(page.includes(`<a class="blockshare_button" href="#/login">${es("element.welcome.signIn")}</a>`));
    assert.doesNotMatch(page, /How to join|Sign in|New here/);
    assertSelfContained(page);
  });

  test("Home in Spanish: each room keeps its name, with what it is for in Spanish", () => {
    const page = homePage({ name: "Calle Arce", server_name: "arce.mesh" }, "es");
    assert.ok(page.includes(`<h1>${es("element.home.title", { block: "Calle Arce" })}</h1>`));
    assert.ok(page.includes(`<strong>Lobby</strong>${es("element.home.lobby")}</a>`));
    assert.ok(page.includes(`<strong>Sharing</strong>${es("element.home.sharing")}</a>`));
    assert.ok(page.includes(`<a href="/join">${es("element.home.howJoiningWorks")}</a>`));
    assertSelfContained(page);
  });

  test("the block's language is the pages' default: the installer's files for a Spanish-speaking block", () => {
    const files = elementPageFiles({ name: "Calle Arce", server_name: "arce.mesh", language: "es" });
    assert.match(files[WELCOME_PAGE]!, /lang="es"/);
    assert.match(files[HOME_PAGE]!, /lang="es"/);
    assert.match(welcomePage({ name: "Maple", server_name: "maple.mesh" }), /lang="en"/);
  });

  test("the no-Element page in Spanish, the setting names as written", () => {
    const page = noElementPage({ name: "Calle Arce", server_name: "arce.mesh", public_url: "http://10.0.0.5:8008" }, "es");
    assert.match(page, /<html lang="es">/);
    assert.ok(page.includes(`<h1>${es("element.noElement.title", { block: "Calle Arce" })}</h1>`));
    assert.match(page, /<code>http:\/\/10\.0\.0\.5:8008<\/code>/);
    assert.match(page, /element_web_release \{ url, sha256 \}.*element_web_dir/);
    assert.doesNotMatch(page, /does not serve Element Web yet/);
  });
});

describe("the Element port", () => {
  let neighborhood: LoadedNeighborhood;
  let server: Awaited<ReturnType<typeof startElementServer>>;
  before(async () => {
    neighborhood = await neighborhoodWith({ name: "Birch Court" });
    server = await startElementServer(neighborhood);
  });
  after(() => server.stop());

  test("serves the pages config.json names, for this block", async () => {
    const config = (await (await fetch(`${server.url}/config.json`)).json()) as { embedded_pages: Record<string, string> };
    for (const [url, heading] of [
      [config.embedded_pages.welcome_url, "<h1>Birch Court</h1>"],
      [config.embedded_pages.home_url, "<h1>Welcome to Birch Court</h1>"],
    ] as const) {
      const response = await fetch(new URL(url!, `${server.url}/`));
      assert.equal(response.status, 200, url);
      assert.match(response.headers.get("content-type") ?? "", /text\/html/);
      assert.ok((await response.text()).includes(heading), url);
    }
  });

  test("says how to get Element Web while there is none, then serves a release put in place meanwhile", async () => {
    const front = await (await fetch(`${server.url}/`)).text();
    assert.match(front, /sign in with this server: <code>http:\/\/127\.0\.0\.1:\d+<\/code>/);
    assert.match(front, /element_web_release \{ url, sha256 \}/);
    assert.match(front, /set element_web_dir/);
    assert.match(front, /<meta name="viewport"/);
    const frontEs = await (await fetch(`${server.url}/`, { headers: { "accept-language": "es-ES" } })).text();
    assert.match(frontEs, /<html lang="es">/);
    assert.ok(frontEs.includes(escapeHtml(sayPlain("es", "element.howToJoin"))), "the front page in the browser's language");

    const release = elementWebRoot(neighborhood.dataDir);
    mkdirSync(release, { recursive: true });
    writeFileSync(join(release, "index.html"), "<!doctype html><title>Element here</title>");
    writeFileSync(join(release, "config.json"), "{}");
    assert.match(await (await fetch(`${server.url}/`)).text(), /<title>Element here<\/title>/, "served without a restart");
    assert.equal(
      ((await (await fetch(`${server.url}/config.json`)).json()) as { brand: string }).brand,
      "Birch Court · BlockShare",
      "config.json stays the generated one",
    );
    assert.match(await (await fetch(`${server.url}/${HOME_PAGE}`)).text(), /Welcome to Birch Court/);
  });

  test("each page follows the browser's Accept-Language (Element's fetch sends it), English otherwise, ?lang= chooses", async () => {
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}/${path}`, { headers });
    const spanish = await get(WELCOME_PAGE, { "accept-language": "es-MX,es;q=0.9,en;q=0.5" });
    assert.equal(spanish.headers.get("content-language"), "es");
    assert.match(spanish.headers.get("vary") ?? "", /Accept-Language/);
    assert.ok((await spanish.text()).includes(escapeHtml(sayPlain("es", "element.welcome.newHere"))));
    const home = await (await get(HOME_PAGE, { "accept-language": "es" })).text();
    assert.ok(home.includes(escapeHtml(sayPlain("es", "element.home.title", { block: "Birch Court" }))));
    for (const header of [{}, { "accept-language": "fr-FR,de;q=0.8" }, { "accept-language": "en-US,es;q=0.5" }] as Record<string, string>[]) {
      assert.match(await (await get(WELCOME_PAGE, header)).text(), /lang="en"[\s\S]*New here\?/, JSON.stringify(header));
    }
    assert.match(await (await get(`${WELCOME_PAGE}?lang=es`, { "accept-language": "en" })).text(), /lang="es"/);
  });
});

const chromiumPath = "/usr/bin/chromium";

describe("the pages on a small phone", { skip: existsSync(chromiumPath) ? false : `no ${chromiumPath} (apt-get install chromium)` }, () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startElementServer>>;
  before(async () => {
    server = await startElementServer(await neighborhoodWith({ name: "Cedar Lane" }));
    browser = await chromium.launch({ executablePath: chromiumPath, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  // Element fetches an embedded page and sets it as a div's innerHTML (EmbeddedPage.tsx); so does this.
  for (const [what, path] of [
    ["the front page without Element Web", undefined],
    ["the welcome page, inlined as Element does", WELCOME_PAGE],
    ["Home, inlined as Element does", HOME_PAGE],
  ] as const) {
    test(`${what}: no sideways scrolling, thumb-sized links, reachable by keyboard, nothing fetched elsewhere`, async () => {
      const context = await browser.newContext({ viewport: { width: 320, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
      try {
        const page = await context.newPage();
        const requests: string[] = [];
        page.on("request", (request) => requests.push(request.url()));
        await page.goto(`${server.url}/`);
        if (path) {
          // A string: this file is type-checked without the DOM library.
          await page.evaluate(
            `fetch("/${path}").then((response) => response.text()).then((html) => { document.body.innerHTML = '<div class="mx_HomePage_body">' + html + "</div>"; })`,
          );
        }
        const layout = (await page.evaluate(`({
          width: document.documentElement.scrollWidth,
          targets: [...document.querySelectorAll(".blockshare_button, .blockshare_room")].map((element) => ({ text: element.textContent.trim(), height: element.getBoundingClientRect().height })),
        })`)) as { width: number; targets: { text: string; height: number }[] };
        assert.ok(layout.width <= 320, `fits 320 px: ${layout.width}`);
        assert.ok(layout.targets.length > 0);
        for (const target of layout.targets) {
          assert.ok(target.text.length > 0, "every link says where it goes");
          assert.ok(target.height >= 44, `"${target.text}" is ${target.height} px tall`);
        }
        await page.keyboard.press("Tab");
        assert.equal(await page.evaluate("document.activeElement.tagName"), "A", "Tab reaches the first link");
        assert.deepEqual(
          requests.filter((url) => !url.startsWith(`${server.url}/`)),
          [],
          "nothing requested from elsewhere",
        );
      } finally {
        await context.close();
      }
    });
  }
});

describe("what run does about Element Web", () => {
  test("nothing to download without element_web_release: it says how to get a release", async () => {
    const plan = planElementWeb(await neighborhoodWith());
    assert.equal(plan.kind, "none");
    assert.match(plan.kind === "none" ? plan.why : "", /element_web_release \{ url, sha256 \}.*element_web_dir/);
  });

  test("element_web_release is installed into data_dir/element-web; element_web_dir wins", async () => {
    const release = { url: "http://127.0.0.1:9/element-v1.2.3.tar.gz", sha256: "a".repeat(64) };
    const withRelease = await neighborhoodWith({ element_web_release: release });
    assert.deepEqual(planElementWeb(withRelease), { kind: "install", url: release.url, sha256: release.sha256, webroot: elementWebRoot(withRelease.dataDir) });
    assert.deepEqual(planElementWeb(await neighborhoodWith({ element_web_release: release, element_web_dir: "/srv/element" })), {
      kind: "own-dir",
      dir: "/srv/element",
    });
  });

  test("under test (BLOCKSHARE_LOOPBACK_ONLY=1) a release off this machine is not downloaded, and run says why", async () => {
    const before = process.env[LOOPBACK_ONLY];
    process.env[LOOPBACK_ONLY] = "1";
    try {
      const neighborhood = await neighborhoodWith({ element_web_release: { url: PINNED_ELEMENT_RELEASE.url, sha256: PINNED_ELEMENT_RELEASE.sha256 } });
      const outcome = await ensureElementWeb(neighborhood, "http://127.0.0.1:1", new AbortController().signal, () =>
        assert.fail("nothing to log: no download"),
      );
      assert.deepEqual(outcome, {
        ok: false,
        line: `Element Web was not downloaded from ${PINNED_ELEMENT_RELEASE.url}: BLOCKSHARE_LOOPBACK_ONLY=1 allows this machine only (the test suite sets it).`,
      });
    } finally {
      if (before === undefined) delete process.env[LOOPBACK_ONLY];
      else process.env[LOOPBACK_ONLY] = before;
    }
  });

  test("a bad element_web_release is refused with the key and what is allowed", async () => {
    await assert.rejects(neighborhoodWith({ element_web_release: { url: "ftp://x/e.tar.gz", sha256: "abc" } }), (error: Error) => {
      assert.ok(error instanceof NeighborhoodFileError);
      const problems = error.problems.join("\n");
      assert.match(problems, /element_web_release\.url/);
      assert.match(problems, /element_web_release\.sha256.*64 hexadecimal digits/);
      return true;
    });
  });

  test("the first run's file names the pinned release, and pages are files for the installer", () => {
    const file = join(dir, "first-run.yaml");
    writeDefaultNeighborhood(file, "first.mesh");
    const neighborhood = loadNeighborhood(file);
    assert.deepEqual(neighborhood.element_web_release, { url: PINNED_ELEMENT_RELEASE.url, sha256: PINNED_ELEMENT_RELEASE.sha256 });
    assert.match(readFileSync(file, "utf8"), /# Element Web for neighbors/);
    assert.deepEqual(Object.keys(elementPageFiles(neighborhood)).sort(), [HOME_PAGE, WELCOME_PAGE].sort());
  });
});
