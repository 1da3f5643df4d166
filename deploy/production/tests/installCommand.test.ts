// `deploy/blockshare install --root DIR`: the whole production install written under DIR, run as the
// volunteer would run it (the real CLI). A first install, a re-run that changes nothing, an upgrade that
// says what changed and keeps secrets, and an Element tarball with the wrong checksum refused.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const cli = join(import.meta.dirname, "..", "..", "src", "cli.ts");
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

function install(root: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [cli, "install", "--root", root, "--config", join(root, "etc", "blockshare", "neighborhood.yaml"), ...args], {
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: result.status, out: result.stdout, err: result.stderr };
}

/** A tarball shaped like an Element Web release (element-vX/ with index.html and a version file). */
function fakeElementRelease(dir: string, version: string): string {
  const stage = join(dir, `element-v${version}`);
  mkdirSync(join(stage, "bundles"), { recursive: true });
  writeFileSync(join(stage, "index.html"), `<!doctype html><title>Element ${version}</title>`);
  writeFileSync(join(stage, "version"), `${version}\n`);
  writeFileSync(join(stage, "config.sample.json"), "{}\n");
  writeFileSync(join(stage, "bundles", "app.js"), "console.log('element');\n");
  const tarball = join(dir, `element-v${version}.tar.gz`);
  assert.equal(spawnSync("tar", ["-czf", tarball, "-C", dir, `element-v${version}`]).status, 0);
  return tarball;
}

describe("install --root: a production box's files, and upgrades that say what changed", () => {
  let dir: string;
  let root: string;
  let tarball: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "blockshare-install-"));
    root = join(dir, "root");
    tarball = fakeElementRelease(dir, "1.11.200");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const element = () => ["--element-tarball", tarball, "--element-sha256", sha256(tarball)];
  const secretsDir = () => join(root, "var", "lib", "blockshare", "secrets");
  const secretDigests = () => Object.fromEntries(readdirSync(secretsDir()).map((name) => [name, sha256(join(secretsDir(), name))]));

  test("a first install needs a server name, and says so", () => {
    const result = install(root, ...element());
    assert.equal(result.status, 1);
    assert.match(result.err, /--server-name/);
  });

  test("the first install writes the neighborhood file, Synapse's config, Element with our config, units, nginx site and compose file", () => {
    const result = install(root, "--server-name", "maple.example", "--name", "Maple Block", ...element());
    assert.equal(result.status, 0, result.err);
    const neighborhood = readFileSync(join(root, "etc", "blockshare", "neighborhood.yaml"), "utf8");
    assert.match(neighborhood, /engine: postgresql/);
    const data = join(root, "var", "lib", "blockshare");
    assert.match(readFileSync(join(data, "synapse", "homeserver.yaml"), "utf8"), /name: psycopg2/);
    assert.ok(existsSync(join(data, "synapse", "signing.key")));
    const config = JSON.parse(readFileSync(join(data, "element-web", "config.json"), "utf8")) as {
      default_server_config: Record<string, { server_name?: string }>;
    };
    assert.equal(config.default_server_config["m.homeserver"]!.server_name, "maple.example");
    assert.ok(existsSync(join(data, "element-web", "index.html")));
    for (const unit of [
      "blockshare-synapse.service",
      "blockshare-appservices.service",
      "blockshare-mesh-monitor.service",
      "blockshare-synapse-restart.path",
      "blockshare.target",
    ]) {
      assert.ok(existsSync(join(root, "etc", "systemd", "system", unit)), unit);
    }
    const site = readFileSync(join(root, "etc", "nginx", "sites-available", "blockshare.conf"), "utf8");
    assert.match(site, /server_name maple\.example;/);
    assert.ok(site.includes(`root ${join(data, "element-web")};`), "nginx serves the installed Element");
    assert.ok(site.includes("ssl_certificate /etc/blockshare/tls/blockshare.crt;"));
    assert.ok(existsSync(join(root, "etc", "blockshare", "tls", "blockshare.key")));
    assert.match(readFileSync(join(root, "etc", "blockshare", "prometheus.yml"), "utf8"), /\/_synapse\/metrics/);
    assert.ok(JSON.parse(readFileSync(join(root, "etc", "blockshare", "grafana-dashboard.json"), "utf8")).panels.length > 0);
    assert.match(result.out, /first install: BlockShare .*Synapse 1\.\d+\.\d+.*Element Web 1\.11\.200/);
  });

  test("running it again changes nothing and keeps every secret", () => {
    const secrets = secretDigests();
    const result = install(root, ...element());
    assert.equal(result.status, 0, result.err);
    assert.match(result.out, /versions unchanged/);
    assert.doesNotMatch(result.out, /^\s+(new|changed)\s/m);
    assert.deepEqual(secretDigests(), secrets);
  });

  test("an upgrade (a new Element release, a changed neighborhood file, a new Synapse pin) says what changed and keeps secrets", () => {
    const secrets = secretDigests();
    const record = join(root, "var", "lib", "blockshare", "installed.json");
    const installed = JSON.parse(readFileSync(record, "utf8")) as Record<string, string>;
    // As if the last install had run an older Synapse pin.
    writeFileSync(record, JSON.stringify({ ...installed, synapse: "1.150.0" }));
    const file = join(root, "etc", "blockshare", "neighborhood.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace('name: "Maple Block"', 'name: "Maple Street"'));
    const newer = fakeElementRelease(dir, "1.11.201");
    const result = install(root, "--element-tarball", newer, "--element-sha256", sha256(newer));
    assert.equal(result.status, 0, result.err);
    assert.match(result.out, /Synapse 1\.150\.0 → 1\.\d+\.\d+/);
    assert.match(result.out, /Element Web 1\.11\.200 → 1\.11\.201/);
    assert.match(result.out, /changed\s+\/etc\/systemd\/system\/blockshare-synapse\.service/, "the unit's description names the block");
    assert.deepEqual(secretDigests(), secrets);
  });

  test("an Element tarball whose checksum does not match is refused and the installed release stays", () => {
    const data = join(root, "var", "lib", "blockshare");
    const before = readFileSync(join(data, "element-web", "index.html"), "utf8");
    const other = fakeElementRelease(dir, "6.6.6");
    const result = install(root, "--element-tarball", other, "--element-sha256", sha256(tarball));
    assert.equal(result.status, 1);
    assert.match(result.err, /checksum|SHA-256/i);
    assert.equal(readFileSync(join(data, "element-web", "index.html"), "utf8"), before);
  });
});
