// The map in a real headless Chromium (Debian's), from the real server and monitor over a simulated
// mesh: a screenshot must show the three link colours, the offline marker and the gateway, and the
// page must have made no request outside the monitor (it has to work with the uplink down).
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { PNG } from "pngjs";
import { chromium, type Browser } from "playwright-core";
import { MeshMonitor } from "../src/monitor.ts";
import { parseRulesConfig } from "../src/rules/config.ts";
import { startMonitorServer, type RunningServer } from "../src/server/httpServer.ts";
import { mapColors } from "../src/map/mapPage.ts";
import { SimulatedMesh } from "../src/simulation/simulatedMesh.ts";
import { MeshMetrics } from "../src/metrics/meshMetrics.ts";

const chromiumPath = "/usr/bin/chromium";

function rgb(hex: string): [number, number, number] {
  return [Number.parseInt(hex.slice(1, 3), 16), Number.parseInt(hex.slice(3, 5), 16), Number.parseInt(hex.slice(5, 7), 16)];
}

function countPixels(png: PNG, hex: string, tolerance = 3): number {
  const [r, g, b] = rgb(hex);
  let count = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if (Math.abs(png.data[i]! - r) <= tolerance && Math.abs(png.data[i + 1]! - g) <= tolerance && Math.abs(png.data[i + 2]! - b) <= tolerance) count++;
  }
  return count;
}

describe("the mesh map in headless Chromium", { skip: existsSync(chromiumPath) ? false : `no ${chromiumPath} (apt-get install chromium)` }, () => {
  let server: RunningServer;
  let monitor: MeshMonitor;
  let browser: Browser;
  let now = Date.now();

  before(async () => {
    const clock = () => now;
    // Library ↔ corner store is degraded from the start; the garden shed goes offline after 5 s.
    const simulation = new SimulatedMesh({ degradeAfterSeconds: 0, degradeForSeconds: 1e9, downAfterSeconds: 5, downForSeconds: 1e9 }, clock);
    monitor = new MeshMonitor({ sources: [simulation], rules: parseRulesConfig({ linkDegraded: { enterForSeconds: 0 } }), clock });
    const metrics = new MeshMetrics();
    server = await startMonitorServer({ monitor, metrics });
    await monitor.runCycle();
    now += 10_000;
    await monitor.runCycle();
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--force-color-profile=srgb"],
    });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("shows good, fair and poor links in green/amber/red, the offline node marked, the gateway, a legend and the alerts", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    await page.goto(`${server.url}/`);
    await page.waitForSelector("body[data-ready=true]", { timeout: 10_000 });
    const shot = await page.screenshot({ type: "png" });
    if (process.env.BLOCKSHARE_MAP_SCREENSHOT) writeFileSync(process.env.BLOCKSHARE_MAP_SCREENSHOT, shot);
    const png = PNG.sync.read(shot);
    // Each link colour must cover a visible stretch of line, not a stray anti-aliased pixel.
    for (const level of ["good", "fair", "poor"] as const) {
      assert.ok(countPixels(png, mapColors[level]) > 150, `a ${level} link (${mapColors[level]}) is drawn: ${countPixels(png, mapColors[level])} px`);
    }
    assert.ok(countPixels(png, mapColors.offline) > 150, `the offline node (${mapColors.offline}) is drawn`);
    assert.ok(countPixels(png, mapColors.offlineRing) > 40, "the offline ring is drawn");
    assert.ok(countPixels(png, mapColors.gateway) > 200, "the gateway is drawn");

    const offlineLabel = await page.locator("g.node.down text.node-state").textContent();
    assert.match(offlineLabel ?? "", /offline/);
    assert.equal(await page.locator("g.node.gateway").count(), 1);
    assert.equal(await page.locator("line.link.lost").count(), 2, "the garden shed's two links are drawn as lost");
    assert.match((await page.locator("#uplink").textContent()) ?? "", /Internet: up/);
    assert.equal(await page.locator(".legend li").count(), 8);
    const alerts = await page.locator("#alerts li").allTextContents();
    assert.ok(
      alerts.some((text) => /Garden shed is down/.test(text)),
      `recent alerts list the node down: ${alerts.join(" | ")}`,
    );
    assert.ok(
      alerts.some((text) => /(Library ↔ Corner store|Corner store ↔ Library) is weak/.test(text)),
      "and the weak link",
    );
    const outside = requests.filter((url) => !url.startsWith(server.url));
    assert.deepEqual(outside, [], "no request leaves the monitor (no CDN, no fonts)");
    await page.close();
  });

  it("keeps showing the last map when the monitor stops answering", async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    await page.goto(`${server.url}/`);
    await page.waitForSelector("body[data-ready=true]");
    await page.route("**/api/state", (route) => route.abort());
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 5500)));
    assert.match((await page.locator("#stale").textContent()) ?? "", /unreachable/);
    assert.equal(await page.locator("g.node").count(), 7, "the nodes are still on the map");
    await page.close();
  });
});
