// The map's languages: its catalogs agree with English (keys, valid ICU, placeholders; the browser's
// messages only plain placeholders), a request gets its language from ?lang= or Accept-Language, and in
// Debian's Chromium a Spanish browser reads the map in the Spanish catalog's words, its times by Intl.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { isLiteralElement, isTagElement, parse, type MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import { chromium, type Browser } from "playwright-core";
import { readMapLanguage } from "../src/map/mapLanguage.ts";
import { renderMapPage } from "../src/map/mapPage.ts";
import {
  browserMarker,
  browserMessageKeys,
  browserMessages,
  mapLanguages,
  mapSay,
  mapSourceLanguage,
  markerCharacter,
  placeholdersOf,
  readMapCatalog,
} from "../src/map/mapWords.ts";
import { MeshMetrics } from "../src/metrics/meshMetrics.ts";
import { MeshMonitor } from "../src/monitor.ts";
import { parseRulesConfig } from "../src/rules/config.ts";
import { startMonitorServer, type RunningServer } from "../src/server/httpServer.ts";
import { SimulatedMesh } from "../src/simulation/simulatedMesh.ts";

/** Every placeholder name in a message, nested ones (inside a plural or select) too. */
function allPlaceholders(elements: readonly MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const element of elements) {
    if (!isLiteralElement(element) && !isTagElement(element) && "value" in element) into.add(element.value);
    if ("options" in element) for (const option of Object.values(element.options)) allPlaceholders(option.value, into);
  }
  return into;
}

/** What a translated map catalog must keep from English; one line per problem. */
function mapCatalogProblems(source: Record<string, string>, catalog: Record<string, unknown>, language: string): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(source)) if (!Object.hasOwn(catalog, key)) problems.push(`${language}: "${key}" is missing`);
  for (const [key, message] of Object.entries(catalog)) {
    if (!Object.hasOwn(source, key)) {
      problems.push(`${language}: "${key}" is not in the English catalog`);
      continue;
    }
    if (typeof message !== "string") {
      problems.push(`${language}: "${key}" must be a string`);
      continue;
    }
    let elements: MessageFormatElement[];
    try {
      elements = parse(message);
    } catch (error) {
      problems.push(`${language}: "${key}" is not valid ICU MessageFormat (${(error as Error).message})`);
      continue;
    }
    const mine = [...allPlaceholders(elements)].sort().join(", ");
    const english = [...allPlaceholders(parse(source[key]!))].sort().join(", ");
    if (mine !== english) problems.push(`${language}: "${key}" has placeholders ${mine || "none"}; English has ${english || "none"}`);
    if ((browserMessageKeys as readonly string[]).includes(key) && placeholdersOf(elements).some((placeholder) => !placeholder.plain))
      problems.push(`${language}: "${key}" is said in the browser, which fills only plain {name} placeholders`);
  }
  return problems;
}

const english = readMapCatalog(mapSourceLanguage) as Record<string, string>;

describe("the map's catalogs", () => {
  it("English and Spanish, and every catalog agrees with English", () => {
    assert.deepEqual(mapLanguages.slice(0, 1), ["en"]);
    assert.ok(mapLanguages.includes("es"));
    for (const language of mapLanguages) assert.deepEqual(mapCatalogProblems(english, readMapCatalog(language), language), [], `the ${language} map catalog`);
  });

  it("the check fails on a planted missing key, stray key, lost placeholder, broken message and a plural in the browser", () => {
    const planted = { ...readMapCatalog("es") };
    delete planted["map.stale"];
    planted["map.stael"] = "el monitor no responde";
    planted["map.updated"] = "actualizado hace poco";
    planted["map.resolved"] = "Resuelto: {summary";
    planted["map.summary"] = "{up, plural, one {# nodo activo} other {# nodos activos}} · sin conexión: {down} · enlaces: {links}";
    assert.deepEqual(mapCatalogProblems(english, planted, "es").sort(), [
      'es: "map.resolved" is not valid ICU MessageFormat (EXPECT_ARGUMENT_CLOSING_BRACE)',
      'es: "map.stael" is not in the English catalog',
      'es: "map.stale" is missing',
      'es: "map.summary" is said in the browser, which fills only plain {name} placeholders',
      'es: "map.updated" has placeholders none; English has ago',
    ]);
  });

  it("the browser's messages carry a marker for each placeholder and nothing else of ICU", () => {
    const spanish = browserMessages("es");
    assert.equal(spanish["map.updated"], mapSay("es", "map.updated", { ago: browserMarker("ago") }));
    for (const key of browserMessageKeys) {
      // Markers split the message: even pieces are text, odd ones placeholder names (as the page's `say` reads it).
      const filled = spanish[key]!.split(markerCharacter)
        .map((piece, index) => (index % 2 === 0 ? piece : `[${piece}]`))
        .join("");
      const names = placeholdersOf(parse(english[key]!)).map((placeholder) => placeholder.name);
      assert.equal(filled, mapSay("es", key, Object.fromEntries(names.map((name) => [name, `[${name}]`]))), key);
    }
  });
});

describe("the map's title", () => {
  it("is the configured title as written, else named after the block in the page's language, else the catalog's", () => {
    const titleOf = (html: string) => /<title>(.*)<\/title>/.exec(html)?.[1];
    for (const language of mapLanguages) {
      assert.equal(titleOf(renderMapPage({ language, blockName: "Maple Street" })), mapSay(language, "map.titleOf", { block: "Maple Street" }));
      assert.equal(titleOf(renderMapPage({ language })), mapSay(language, "map.title"));
      assert.equal(titleOf(renderMapPage({ language, title: "Our <mesh>", blockName: "Maple Street" })), "Our &lt;mesh&gt;");
    }
    assert.notEqual(
      titleOf(renderMapPage({ language: "es", blockName: "Maple Street" })),
      titleOf(renderMapPage({ language: "en", blockName: "Maple Street" })),
    );
  });
});

describe("the map's language for a request", () => {
  let server: RunningServer;
  before(async () => {
    server = await startMonitorServer({
      monitor: new MeshMonitor({ sources: [new SimulatedMesh()], rules: parseRulesConfig({}) }),
      metrics: new MeshMetrics(),
    });
  });
  after(async () => {
    await server?.close();
  });

  const languageOf = async (query: string, acceptLanguage?: string): Promise<string | null> => {
    const response = await fetch(`${server.url}/${query}`, { headers: acceptLanguage === undefined ? {} : { "accept-language": acceptLanguage } });
    await response.body?.cancel();
    return response.headers.get("content-language");
  };

  it("?lang= wins, then Accept-Language by weight, then English", async () => {
    assert.equal(await languageOf("?lang=es", "en-US,en;q=0.9"), "es");
    assert.equal(await languageOf("?lang=ES-mx"), "es");
    assert.equal(await languageOf("?lang=zh", "es-MX,es;q=0.9,en;q=0.8"), "es", "a language the map does not speak is ignored");
    assert.equal(await languageOf("", "fr-FR, en;q=0.5, es;q=0.8"), "es");
    assert.equal(await languageOf("", "es;q=0, en"), "en", "q=0 refuses a language");
    assert.equal(await languageOf("", "de, *;q=0.1"), "en");
    assert.equal(await languageOf("", "es-419"), "es", "a regional variant reads as its language");
    assert.equal(await languageOf(""), "en");
    assert.equal(readMapLanguage("es_419"), "es");
    assert.equal(readMapLanguage("zh"), undefined);
  });
});

const chromiumPath = "/usr/bin/chromium";

/** The values that make `template` (a browser message, with markers) read as `text`; undefined when it cannot. */
function readAs(template: string, text: string): Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = template
    .split(markerCharacter)
    .map((piece, index) => {
      if (index % 2 === 0) return piece.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(piece);
      return "(.+?)";
    })
    .join("");
  const match = new RegExp(`^${pattern}$`, "s").exec(text);
  return match ? Object.fromEntries(names.map((name, index) => [name, match[index + 1]!])) : undefined;
}

/** Whether `text` is how Intl says "n seconds/minutes/hours ago" in `language` for some n the test can produce. */
function isRelativeTime(language: string, text: string): boolean {
  const format = new Intl.RelativeTimeFormat(language, { numeric: "auto" });
  for (const unit of ["second", "minute", "hour"] as const) for (let n = 0; n <= 90; n++) if (format.format(-n, unit) === text) return true;
  return false;
}

describe("the map in Spanish, in headless Chromium", { skip: existsSync(chromiumPath) ? false : `no ${chromiumPath} (apt-get install chromium)` }, () => {
  let server: RunningServer;
  let browser: Browser;
  let now = Date.now();

  before(async () => {
    const clock = () => now;
    // The garden shed goes offline after 5 s: the map has an offline node and lost links to say.
    const simulation = new SimulatedMesh({ degradeAfterSeconds: 0, degradeForSeconds: 1e9, downAfterSeconds: 5, downForSeconds: 1e9 }, clock);
    const monitor = new MeshMonitor({ sources: [simulation], rules: parseRulesConfig({ linkDegraded: { enterForSeconds: 0 } }), clock });
    server = await startMonitorServer({ monitor, metrics: new MeshMetrics() });
    await monitor.runCycle();
    now += 10_000;
    await monitor.runCycle();
    browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("the server answers Accept-Language: es in Spanish, says so, and varies on the header; ?lang=en overrides it", async () => {
    const spanish = await fetch(`${server.url}/`, { headers: { "accept-language": "es-MX,es;q=0.9,en;q=0.5" } });
    assert.equal(spanish.headers.get("content-language"), "es");
    assert.match(spanish.headers.get("vary") ?? "", /accept-language/i);
    const html = await spanish.text();
    assert.match(html, /<html lang="es">/);
    assert.ok(html.includes(`<title>${mapSay("es", "map.title")}</title>`));
    const english = await fetch(`${server.url}/?lang=en`, { headers: { "accept-language": "es" } });
    assert.equal(english.headers.get("content-language"), "en");
    assert.ok((await english.text()).includes(`<title>${mapSay("en", "map.title")}</title>`));
  });

  it("a Spanish browser reads the map's words from the Spanish catalog, its counts and times by Intl in Spanish", async () => {
    const context = await browser.newContext({
      locale: "es-ES",
      extraHTTPHeaders: { "accept-language": "es-ES,es;q=0.9" },
      viewport: { width: 1280, height: 800 },
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForSelector("body[data-ready=true]", { timeout: 10_000 });
    const words = browserMessages("es");
    const textOf = async (selector: string) => ((await page.locator(selector).first().textContent()) ?? "").trim();

    // Said on the server: the title, the headings, the legend, the band, the language links.
    assert.equal(await textOf("h1"), mapSay("es", "map.title"));
    assert.equal(await textOf("aside h2"), mapSay("es", "map.recentAlerts"));
    const legendKeys = ["good", "fair", "poor", "lost", "node", "gateway", "offline", "silent"] as const;
    assert.deepEqual(
      (await page.locator(".legend li").allTextContents()).map((text) => text.trim()),
      legendKeys.map((key) => mapSay("es", `map.legend.${key}`)),
    );
    assert.equal(await textOf("#simulation"), mapSay("es", "map.simulation"));
    assert.equal(await page.locator("svg#map").getAttribute("aria-label"), mapSay("es", "map.mapLabel"));
    assert.equal(await textOf("#languages b"), "Español");
    assert.equal(await page.locator("#languages a").getAttribute("href"), "?lang=en");

    // Said in the browser from the catalog's messages.
    assert.equal(await textOf("#uplink"), words["map.uplink.up"]);
    const summary = readAs(words["map.summary"]!, await textOf("#summary"));
    assert.deepEqual(summary, { up: "6", down: "1", links: "7" }, `the summary reads as the Spanish catalog's: ${await textOf("#summary")}`);
    const offline = readAs(words["map.node.offline"]!, await textOf("g.node.down text.node-state"));
    assert.ok(
      offline && isRelativeTime("es", offline.ago!),
      `"offline · …" in Spanish with Intl's relative time: ${await textOf("g.node.down text.node-state")}`,
    );
    const updated = readAs(words["map.updated"]!, await textOf("#updated"));
    assert.ok(updated && isRelativeTime("es", updated.ago!), `updated …: ${await textOf("#updated")}`);
    const nodeTitle = readAs(words["map.node.title"]!, await textOf("g.node.down > title"));
    assert.equal(nodeTitle?.status, mapSay("es", "map.status.down"), "the offline node's tooltip names its state in Spanish");
    const gatewayTitle = readAs(words["map.gateway.title"]!, await textOf("g.node.gateway > title"));
    assert.equal(gatewayTitle?.status, mapSay("es", "map.status.up"));
    const lostLink = readAs(words["map.link.title"]!, await textOf("line.link.lost > title"));
    assert.equal(lostLink?.quality, mapSay("es", "map.link.lost"));
    const goodLink = readAs(words["map.link.title"]!, await textOf("line.link.good > title"));
    assert.match(goodLink?.quality ?? "", /^\d+\u00a0%$/, `Spanish percent by Intl ("80 %"): ${goodLink?.quality}`);
    // Each alert's time has its date and time in Spanish (Intl in the page's language) as its tooltip.
    const at = await page.locator("#alerts time").first().getAttribute("datetime");
    const shown = await page.locator("#alerts time").first().getAttribute("title");
    const expected = await page.evaluate((iso) => new Intl.DateTimeFormat("es", { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso ?? "")), at);
    assert.equal(shown, expected);
    assert.notEqual(
      shown,
      await page.evaluate((iso) => new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso ?? "")), at),
    );

    // Following the English link switches the words.
    await page.click("#languages a");
    await page.waitForSelector("html[lang=en] body[data-ready=true]", { timeout: 10_000 });
    assert.equal(await textOf("#uplink"), browserMessages("en")["map.uplink.up"]);
    await context.close();
  });
});
