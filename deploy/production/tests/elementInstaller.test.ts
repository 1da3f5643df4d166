// The Element Web installer against tarballs built here, shaped like Element's own release tarballs
// (element-vX/index.html, config.sample.json, version, bundles/…): the right checksum installs with our
// config.json, a wrong one or a hostile archive is refused with the install left as it was, a re-run is
// a no-op, an upgrade keeps the previous release for rollback, downloads come from a loopback HTTP
// server (never the internet), and `run`'s element server serves what was installed.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { writeLoopbackNeighborhood } from "../../../test/harness/testNeighborhood.ts";
import { loadNeighborhood, type LoadedNeighborhood } from "../../../homeserver-config/loadNeighborhood.ts";
import { elementConfig } from "../../src/elementConfig.ts";
import { startElementServer } from "../../src/elementServer.ts";
import { installElement, rollbackElement, RELEASE_MARKER } from "../element/installElement.ts";
import { elementWebRoot } from "../element/elementWebRoot.ts";
import { PINNED_ELEMENT_RELEASE } from "../element/elementRelease.ts";
import { buildRelease, type BuiltTarball } from "./testElementRelease.ts";

describe("Element Web installer", () => {
  let dir: string;
  let neighborhood: LoadedNeighborhood;
  let webroot: string;
  let config: Record<string, unknown>;
  let release1: BuiltTarball;
  let release2: BuiltTarball;
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "blockshare-element-"));
    neighborhood = loadNeighborhood(await writeLoopbackNeighborhood(dir, "Element Block", "element.localhost"));
    webroot = elementWebRoot(neighborhood.dataDir);
    config = elementConfig(neighborhood);
    release1 = buildRelease(dir, "1.11.990");
    release2 = buildRelease(dir, "1.11.991");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const leftovers = () => readdirSync(dirname(webroot)).filter((name) => name.includes("staging"));

  test("the pin is a real-looking release: GitHub's URL for that version and a 64-digit checksum", () => {
    assert.match(PINNED_ELEMENT_RELEASE.version, /^\d+\.\d+\.\d+$/);
    assert.equal(
      PINNED_ELEMENT_RELEASE.url,
      `https://github.com/element-hq/element-web/releases/download/v${PINNED_ELEMENT_RELEASE.version}/element-v${PINNED_ELEMENT_RELEASE.version}.tar.gz`,
    );
    assert.match(PINNED_ELEMENT_RELEASE.sha256, /^[0-9a-f]{64}$/);
  });

  test("a tarball with the right checksum is installed with our config.json", async () => {
    const result = await installElement({ tarball: release1.path, sha256: release1.sha256, webroot, config, log });
    assert.equal(result.outcome, "installed");
    assert.equal(result.version, "1.11.990");
    assert.match(readFileSync(join(webroot, "index.html"), "utf8"), /Element 1\.11\.990/);
    assert.equal(readFileSync(join(webroot, "bundles", "0123abcd", "bundle.js"), "utf8"), 'console.log("element 1.11.990");');
    assert.ok(existsSync(join(webroot, "config.sample.json")));
    const installedConfig = JSON.parse(readFileSync(join(webroot, "config.json"), "utf8")) as { default_server_config: Record<string, { base_url: string }> };
    assert.deepEqual(installedConfig, config);
    assert.equal(installedConfig.default_server_config["m.homeserver"]?.base_url, neighborhood.public_url);
    assert.deepEqual(leftovers(), [], "no staging folder left behind");
  });

  test("running it again with the same release is a no-op and says so; a changed config is rewritten", async () => {
    lines.length = 0;
    const again = await installElement({ tarball: release1.path, sha256: release1.sha256, webroot, config, log });
    assert.equal(again.outcome, "unchanged");
    assert.match(lines.join("\n"), /already installed.*nothing to do/);
    assert.ok(!existsSync(`${webroot}.previous`), "a no-op keeps no previous copy");

    const changed = { ...config, brand: "Renamed Block · BlockShare" };
    // No tarball at all: the installed release already matches, so an offline re-run needs none.
    const updated = await installElement({ sha256: release1.sha256, webroot, config: changed, log });
    assert.equal(updated.outcome, "config-updated");
    assert.equal(JSON.parse(readFileSync(join(webroot, "config.json"), "utf8")).brand, "Renamed Block · BlockShare");
    await installElement({ sha256: release1.sha256, webroot, config, log });
  });

  test("the block's pages are written beside config.json; a changed page alone is rewritten on a re-run", async () => {
    lines.length = 0;
    const pages = { "blockshare-home.html": "<p>Home of Element Block</p>\n", "blockshare-welcome.html": "<p>Welcome</p>\n" };
    const first = await installElement({ sha256: release1.sha256, webroot, config, pages, log });
    assert.equal(first.outcome, "config-updated");
    assert.equal(readFileSync(join(webroot, "blockshare-home.html"), "utf8"), pages["blockshare-home.html"]);
    assert.equal((await installElement({ sha256: release1.sha256, webroot, config, pages, log })).outcome, "unchanged");
    const renamed = { ...pages, "blockshare-home.html": "<p>Home of Renamed Block</p>\n" };
    assert.equal((await installElement({ sha256: release1.sha256, webroot, config, pages: renamed, log })).outcome, "config-updated");
    assert.match(lines.at(-1)!, /blockshare-home\.html updated/);
    assert.equal(readFileSync(join(webroot, "blockshare-home.html"), "utf8"), renamed["blockshare-home.html"]);
    await assert.rejects(
      installElement({ sha256: release1.sha256, webroot, config, pages: { "../escape.html": "x" }, log }),
      /cannot write "\.\.\/escape\.html"/,
    );
    await assert.rejects(installElement({ sha256: release1.sha256, webroot, config, pages: { "index.html": "x" }, log }), /not index\.html/);
    assert.match(readFileSync(join(webroot, "index.html"), "utf8"), /Element 1\.11\.990/);
  });

  test("a wrong checksum is refused before unpacking, saying expected and actual, and the install is untouched", async () => {
    const before = readFileSync(join(webroot, "index.html"), "utf8");
    const wrong = "0".repeat(64);
    await assert.rejects(installElement({ tarball: release2.path, sha256: wrong, webroot, config, log }), (error: Error) => {
      assert.match(error.message, /checksum mismatch/);
      assert.ok(error.message.includes(`expected sha256 ${wrong}`), error.message);
      assert.ok(error.message.includes(`got ${release2.sha256}`), error.message);
      assert.match(error.message, /Element Web 1\.11\.990 .* is untouched/);
      return true;
    });
    assert.equal(readFileSync(join(webroot, "index.html"), "utf8"), before);
    assert.equal(JSON.parse(readFileSync(join(webroot, RELEASE_MARKER), "utf8")).version, "1.11.990");
    assert.deepEqual(leftovers(), []);
  });

  test("bad input gets a clear error: a malformed checksum, no source, a missing file", async () => {
    await assert.rejects(
      installElement({ tarball: release2.path, sha256: "abc", webroot, config, log }),
      /"abc" is not a SHA-256 checksum; expected 64 hexadecimal digits/,
    );
    await assert.rejects(installElement({ sha256: release2.sha256, webroot, config, log }), /pass a local release tarball .* or a download URL/);
    await assert.rejects(
      installElement({ tarball: join(dir, "nope.tar.gz"), sha256: release2.sha256, webroot, config, log }),
      /cannot read the tarball .*nope\.tar\.gz/,
    );
    assert.deepEqual(leftovers(), []);
  });

  test("archives that could write outside the release are refused: ../ entries, absolute paths, symlinks", async () => {
    const before = readFileSync(join(webroot, "index.html"), "utf8");
    const outsideDir = join(dir, "outside");
    mkdirSync(outsideDir);
    writeFileSync(join(outsideDir, "escape.txt"), "escaped");
    const hostile: [string, BuiltTarball, RegExp][] = [
      ["../ entry", buildRelease(dir, "1.11.992", (work) => [relative(work, join(outsideDir, "escape.txt"))]), /climbs out with "\.\."/],
      ["absolute path", buildRelease(dir, "1.11.993", () => [join(outsideDir, "escape.txt")]), /is an absolute path/],
      [
        "symlink",
        buildRelease(dir, "1.11.994", (work) => {
          symlinkSync("/etc", join(work, "element-v1.11.994", "etc"));
          return [];
        }),
        /is a symbolic link, not a file or directory/,
      ],
    ];
    // tar -P stores "../outside/escape.txt" and "/…/escape.txt" as given; the file itself goes away, so
    // finding it again afterwards would mean the installer wrote it.
    rmSync(join(outsideDir, "escape.txt"));
    for (const [what, tarball, message] of hostile) {
      const listing = spawnSync("tar", ["-tzf", tarball.path], { encoding: "utf8" }).stdout;
      assert.ok(what !== "../ entry" || listing.includes("../"), `the test tarball really has a ../ entry:\n${listing}`);
      await assert.rejects(installElement({ tarball: tarball.path, sha256: tarball.sha256, webroot, config, log }), (error: Error) => {
        assert.match(error.message, message, `${what}: ${error.message}`);
        assert.match(error.message, /Nothing was installed/);
        return true;
      });
    }
    assert.ok(!existsSync(join(outsideDir, "escape.txt")), "nothing was written outside");
    assert.equal(readFileSync(join(webroot, "index.html"), "utf8"), before);
    assert.deepEqual(leftovers(), []);
  });

  test("a new release replaces the old one, which is kept as .previous and can be rolled back", async () => {
    const result = await installElement({ tarball: release2.path, sha256: release2.sha256, webroot, config, log });
    assert.equal(result.outcome, "installed");
    assert.equal(result.previous, `${webroot}.previous`);
    assert.match(readFileSync(join(webroot, "index.html"), "utf8"), /Element 1\.11\.991/);
    assert.match(readFileSync(join(`${webroot}.previous`, "index.html"), "utf8"), /Element 1\.11\.990/);
    assert.deepEqual(JSON.parse(readFileSync(join(webroot, "config.json"), "utf8")), config);

    assert.equal(rollbackElement(webroot, log), "1.11.990");
    assert.match(readFileSync(join(webroot, "index.html"), "utf8"), /Element 1\.11\.990/);
    assert.match(readFileSync(join(`${webroot}.previous`, "index.html"), "utf8"), /Element 1\.11\.991/);
  });

  describe("downloads from a loopback HTTP server", () => {
    let server: Server;
    let base: string;
    const served = new Map<string, Buffer>();
    let downloadRoot: string;

    before(async () => {
      served.set("/v1.11.991/element-v1.11.991.tar.gz", readFileSync(release2.path));
      server = createServer((request, response) => {
        const body = served.get(request.url ?? "");
        if (body === undefined) return void response.writeHead(404).end("not found");
        // Two writes, so the client really streams.
        response.writeHead(200, { "content-type": "application/gzip", "content-length": body.length });
        response.write(body.subarray(0, body.length >> 1));
        // /stall… sends half and then nothing, like an uplink that went down mid-download.
        if (!request.url?.startsWith("/stall")) setTimeout(() => response.end(body.subarray(body.length >> 1)), 20);
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      downloadRoot = join(dir, "downloaded", "element-web");
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    test("a served tarball with the right checksum is downloaded with progress and installed", async () => {
      lines.length = 0;
      const url = `${base}/v1.11.991/element-v1.11.991.tar.gz`;
      const result = await installElement({ url, sha256: release2.sha256, webroot: downloadRoot, config, log });
      assert.equal(result.outcome, "installed");
      assert.match(readFileSync(join(downloadRoot, "index.html"), "utf8"), /Element 1\.11\.991/);
      assert.deepEqual(JSON.parse(readFileSync(join(downloadRoot, "config.json"), "utf8")), config);
      const output = lines.join("\n");
      assert.ok(output.includes(`Downloading ${url}`), output);
      assert.match(output, /of 0\.0 MB \(100%\), done/);
    });

    test("a download whose checksum differs is refused and the install stays", async () => {
      // An "upgrade" to release 1 whose server sends other bytes.
      served.set("/tampered.tar.gz", readFileSync(release2.path));
      await assert.rejects(
        installElement({ url: `${base}/tampered.tar.gz`, sha256: release1.sha256, webroot: downloadRoot, config, log }),
        new RegExp(`checksum mismatch .*expected sha256 ${release1.sha256}, got ${release2.sha256}`),
      );
      assert.match(readFileSync(join(downloadRoot, "index.html"), "utf8"), /Element 1\.11\.991/);
    });

    test("a download stopped from outside (run stopping) installs nothing and leaves no staging folder", async () => {
      served.set("/stall.tar.gz", readFileSync(release1.path));
      const target = join(dir, "stopped", "element-web");
      const stop = new AbortController();
      setTimeout(() => stop.abort(new Error("the block is stopping")), 300);
      await assert.rejects(
        installElement({ url: `${base}/stall.tar.gz`, sha256: release1.sha256, webroot: target, config, log, signal: stop.signal }),
        /stopped \(the block is stopping\)/,
      );
      assert.ok(!existsSync(target));
      assert.deepEqual(readdirSync(dirname(target)), []);
    });

    test("an HTTP error and a plain-http URL off this machine are refused with what is accepted", async () => {
      await assert.rejects(
        installElement({ url: `${base}/missing.tar.gz`, sha256: release1.sha256, webroot: join(dir, "x", "element-web"), config, log }),
        /could not download .*missing\.tar\.gz: HTTP 404/,
      );
      // Refused before any connection is attempted.
      await assert.rejects(
        installElement({ url: "http://element.example/element.tar.gz", sha256: release1.sha256, webroot: join(dir, "x", "element-web"), config, log }),
        /only https:\/\/ URLs \(or http:\/\/ on this machine\) are accepted/,
      );
      assert.ok(!existsSync(join(dir, "x", "element-web")));
    });
  });

  test("run's element server serves the installed release, with the generated config", async () => {
    const server = await startElementServer(neighborhood);
    try {
      const page = await fetch(`${server.url}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<title>Element 1\.11\.990<\/title>/);
      const bundle = await fetch(`${server.url}/bundles/0123abcd/bundle.js`);
      assert.equal(await bundle.text(), 'console.log("element 1.11.990");');
      const served = (await (await fetch(`${server.url}/config.json`)).json()) as Record<string, unknown>;
      assert.deepEqual(served, JSON.parse(JSON.stringify(config)));
      assert.equal((await fetch(`${server.url}/${RELEASE_MARKER}`)).status, 404, "the marker is not served");
    } finally {
      await server.stop();
    }
  });
});
