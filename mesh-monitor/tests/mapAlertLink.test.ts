// The link an alert message carries (`<map>/#alert=<fingerprint>`), opened in Debian's Chromium: the
// map must pick that alert out in its list and highlight its link or node, even after the monitor was
// restarted (the recent alerts survive it); and a simulated mesh says so on the map and in each alert.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { PNG } from "pngjs";
import { chromium, type Browser } from "playwright-core";
import { MeshMonitor } from "../src/monitor.ts";
import { parseRulesConfig } from "../src/rules/config.ts";
import { startMonitorServer, type RunningServer } from "../src/server/httpServer.ts";
import { mapColors } from "../src/map/mapPage.ts";
import { SimulatedMesh } from "../src/simulation/simulatedMesh.ts";
import { MeshMetrics } from "../src/metrics/meshMetrics.ts";
import type { ApiState } from "../src/server/apiState.ts";

const chromiumPath = "/usr/bin/chromium";

function countPixels(png: PNG, hex: string, tolerance = 3): number {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  let count = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if (Math.abs(png.data[i]! - r) <= tolerance && Math.abs(png.data[i + 1]! - g) <= tolerance && Math.abs(png.data[i + 2]! - b) <= tolerance) count++;
  }
  return count;
}

describe("an alert's link on the map", { skip: existsSync(chromiumPath) ? false : `no ${chromiumPath} (apt-get install chromium)` }, () => {
  const dir = mkdtempSync(join(tmpdir(), "blockshare-map-alert-"));
  const stateFile = join(dir, "rule-state.json");
  const rules = parseRulesConfig({ linkDegraded: { enterForSeconds: 0 } });
  let now = Date.now() - 180_000;
  const clock = () => now;
  let server: RunningServer | undefined;
  let monitor: MeshMonitor | undefined;
  let browser: Browser;
  let linkAlert: string;
  let nodeAlert: string;

  /** A monitor over the simulated mesh (library ↔ corner store weak from the start, the garden shed
   * offline after 5 s) with its state in `dir`, as `run` starts it. */
  async function startMonitor(): Promise<void> {
    const simulation = new SimulatedMesh({ degradeAfterSeconds: 0, degradeForSeconds: 1e9, downAfterSeconds: 5, downForSeconds: 1e9 }, clock);
    monitor = new MeshMonitor({ sources: [simulation], rules, clock, stateFile, recentAlertsFile: join(dir, "recent-alerts.json") });
    server = await startMonitorServer({ monitor, metrics: new MeshMetrics(), title: "Test Block mesh" });
  }

  async function state(): Promise<ApiState> {
    return (await (await fetch(`${server!.url}/api/state`)).json()) as ApiState;
  }

  before(async () => {
    await startMonitor();
    await monitor!.runCycle();
    now += 70_000;
    await monitor!.runCycle();
    const recent = (await state()).alerts.recent;
    linkAlert = recent.find((alert) => alert.labels.alertname === "MeshLinkDegraded")?.fingerprint ?? "";
    nodeAlert = recent.find((alert) => alert.labels.alertname === "MeshNodeDown")?.fingerprint ?? "";
    assert.ok(linkAlert !== "" && nodeAlert !== "", `the weak link and the offline node fired: ${recent.map((alert) => alert.labels.alertname).join(", ")}`);
    // A restart of the monitor between the alert and the neighbor opening its link.
    await monitor!.stop();
    await server!.close();
    await startMonitor();
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--force-color-profile=srgb"],
    });
  });

  after(async () => {
    await browser?.close();
    await monitor?.stop();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the recent alerts across a restart of the monitor", async () => {
    const recent = (await state()).alerts.recent;
    assert.deepEqual(
      recent.map((alert) => alert.fingerprint).sort(),
      [linkAlert, nodeAlert].sort(),
      "both alerts are still listed after the restart, before any new collection",
    );
    // The first collection after the restart: both still firing (the saved rule state), nothing new.
    now += 10_000;
    const cycle = await monitor!.runCycle();
    assert.deepEqual(cycle.transitions, []);
    assert.equal((await state()).alerts.recent.length, 2);
  });

  it("opening #alert=<id> of a link alert picks the alert out and highlights its link", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server!.url}/#alert=${linkAlert}`);
    await page.waitForSelector("body[data-ready=true]", { timeout: 10_000 });
    const selected = page.locator("#alerts li.selected");
    assert.equal(await selected.count(), 1, "one alert in the list is picked out");
    assert.match((await selected.textContent()) ?? "", /Corner store ↔ Library|Library ↔ Corner store/);
    assert.equal(await selected.getAttribute("aria-current"), "true");
    const highlighted = page.locator("#map .highlighted");
    assert.equal(await highlighted.count(), 1, "exactly one thing on the map is highlighted");
    assert.equal(await highlighted.getAttribute("data-link"), "corner-store--library", "the weak link is the highlighted one");
    const shot = await page.screenshot({ type: "png" });
    if (process.env.BLOCKSHARE_MAP_ALERT_SCREENSHOT) writeFileSync(process.env.BLOCKSHARE_MAP_ALERT_SCREENSHOT, shot);
    assert.ok(countPixels(PNG.sync.read(shot), mapColors.highlight) > 300, "the highlight is visible on the map");
    await page.close();
  });

  it("opening #alert=<id> of a node alert highlights that node, and following another link moves the highlight", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server!.url}/#alert=${nodeAlert}`);
    await page.waitForSelector("body[data-ready=true]", { timeout: 10_000 });
    assert.match((await page.locator("#alerts li.selected").textContent()) ?? "", /Garden shed is down/);
    assert.equal(await page.locator("#map .highlighted").getAttribute("data-node"), "garden-shed");
    await page.goto(`${server!.url}/#alert=${linkAlert}`);
    await page.waitForSelector("#map .highlighted[data-link]", { timeout: 5_000 });
    assert.equal(await page.locator("#map .highlighted").count(), 1);
    await page.goto(`${server!.url}/#alert=0000000000000000`);
    await page.waitForSelector("body[data-ready=true]", { timeout: 10_000 });
    assert.match((await page.locator("#alert-note").textContent()) ?? "", /no longer in the recent alerts/);
    await page.close();
  });

  it("says plainly that the mesh and its alerts are simulated", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server!.url}/`);
    await page.waitForSelector("body[data-ready=true]", { timeout: 10_000 });
    assert.match((await page.locator("#simulation").textContent()) ?? "", /simulated mesh.*not real routers/i);
    assert.ok(await page.locator("#simulation").isVisible());
    const alerts = await page.locator("#alerts li").allTextContents();
    assert.ok(alerts.length >= 2 && alerts.every((text) => /^Simulation: /.test(text)), `every alert says it is a simulation: ${alerts.join(" | ")}`);
    const api = await state();
    assert.ok(api.alerts.recent.every((alert) => alert.labels.simulated === "true" && /simulated/i.test(alert.annotations.description)));
    await page.close();
  });
});
