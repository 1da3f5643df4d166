// `run` puts Element Web in place by itself: element_web_release names a tarball served on loopback
// (built here in a release's layout, with its sha256). A wrong checksum is refused with a clear message
// and nothing is served from it; with the right one, run's Element port serves the release with the
// block's config.json and pages, without a restart and without the block waiting for the download.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildRelease, type BuiltTarball } from "../deploy/production/tests/testElementRelease.ts";
import { killAll, processesOf, startRun, writeBlockFile, type RunProcess } from "./harness/runProcess.ts";

describe("run installs Element Web from element_web_release", () => {
  const dir = mkdtempSync(join(tmpdir(), "blockshare-run-element-"));
  let release: BuiltTarball;
  let server: Server;
  let url: string;
  let requests = 0;
  let run: RunProcess | undefined;

  before(async () => {
    release = buildRelease(dir, "1.11.990");
    const body = readFileSync(release.path);
    server = createServer((request, response) => {
      requests++;
      if (request.url !== "/element-v1.11.990.tar.gz") return void response.writeHead(404).end();
      response.writeHead(200, { "content-type": "application/gzip", "content-length": body.length }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/element-v1.11.990.tar.gz`;
  });

  const stopRun = async () => {
    if (!run) return;
    if (run.child.exitCode === null && run.child.signalCode === null) process.kill(run.child.pid!, "SIGTERM");
    await Promise.race([run.exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    killAll(processesOf(dir));
    run = undefined;
  };
  after(async () => {
    await stopRun();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  test("a wrong checksum is refused, saying expected and actual, and the Element port serves nothing from it", async () => {
    const wrong = "0".repeat(64);
    const { file, ports } = await writeBlockFile(dir, "elementrun.localhost", { element_web_release: { url, sha256: wrong } });
    run = startRun(file);
    await run.waitFor(/is running\./);
    const refused = await run.waitFor(/Element Web was not installed: (.*)/, 60_000);
    assert.match(refused[1]!, new RegExp(`checksum mismatch for ${url.replace(/[.?]/g, "\\$&")}: expected sha256 ${wrong}, got ${release.sha256}`));
    assert.match(run.output(), /unpack an Element Web release tarball .* and set element_web_dir/);
    assert.equal(requests, 1, "one attempt, no retries");
    assert.ok(!existsSync(join(dir, "data", "element-web")), "nothing installed");
    const front = await (await fetch(`http://127.0.0.1:${ports.element}/`)).text();
    assert.doesNotMatch(front, /Element 1\.11\.990/);
    assert.match(front, /does not serve Element Web yet/);
    assert.equal((await fetch(`http://127.0.0.1:${ports.element}/bundles/0123abcd/bundle.js`)).status, 404);
    await stopRun();
  });

  test("the right checksum: downloaded, unpacked, and served by run's Element port with the block's config and pages", async () => {
    requests = 0;
    const { file, ports } = await writeBlockFile(dir, "elementrun.localhost", { element_web_release: { url, sha256: release.sha256 } });
    run = startRun(file);
    const elementUrl = `http://127.0.0.1:${ports.element}`;
    await run.waitFor(/is running\./);
    assert.match(run.output(), new RegExp(`Element Web:  ${elementUrl}/ once downloaded`));
    await run.waitFor(new RegExp(`Element Web 1\\.11\\.990 is installed and served at ${elementUrl}/`), 60_000);
    assert.equal(requests, 1);
    assert.match(await (await fetch(`${elementUrl}/`)).text(), /<title>Element 1\.11\.990<\/title>/);
    assert.equal(await (await fetch(`${elementUrl}/bundles/0123abcd/bundle.js`)).text(), 'console.log("element 1.11.990");');
    const config = (await (await fetch(`${elementUrl}/config.json`)).json()) as { brand: string; embedded_pages: { home_url: string } };
    assert.equal(config.brand, "Run Block · BlockShare");
    assert.match(
      await (await fetch(new URL(config.embedded_pages.home_url, `${elementUrl}/`))).text(),
      /Welcome to Run Block.*#\/room\/#lobby:elementrun\.localhost/s,
    );
    // The installed copy (what nginx would serve) carries the same config and pages.
    const installed = join(dir, "data", "element-web");
    assert.equal(JSON.parse(readFileSync(join(installed, "config.json"), "utf8")).brand, "Run Block · BlockShare");
    assert.match(readFileSync(join(installed, config.embedded_pages.home_url), "utf8"), /Welcome to Run Block/);
    await stopRun();
  });
});
