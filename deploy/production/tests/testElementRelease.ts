// Element Web release tarballs built for tests, shaped like Element's own (element-vX/index.html,
// config.sample.json, version, bundles/…), with their SHA-256: served from loopback or a file, never
// downloaded from the internet.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface BuiltTarball {
  path: string;
  sha256: string;
}

/** A release tarball like Element's scripts/package.sh makes: one folder element-vX with the app in it. */
export function buildRelease(dir: string, version: string, extra: (root: string) => string[] = () => []): BuiltTarball {
  const work = mkdtempSync(join(dir, "build-"));
  const top = `element-v${version}`;
  const root = join(work, top);
  mkdirSync(join(root, "bundles", "0123abcd"), { recursive: true });
  writeFileSync(join(root, "index.html"), `<!doctype html><title>Element ${version}</title><script src="bundles/0123abcd/bundle.js"></script>`);
  writeFileSync(
    join(root, "config.sample.json"),
    JSON.stringify({ default_server_config: { "m.homeserver": { base_url: "https://matrix-client.matrix.org" } } }),
  );
  writeFileSync(join(root, "version"), `${version}\n`);
  writeFileSync(join(root, "bundles", "0123abcd", "bundle.js"), `console.log("element ${version}");`);
  const path = join(dir, `${top}-${Math.random().toString(36).slice(2)}.tar.gz`);
  const result = spawnSync("tar", ["-czPf", path, "-C", work, top, ...extra(work)], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  return { path, sha256: createHash("sha256").update(readFileSync(path)).digest("hex") };
}
