// setup.sh reuses the installed npm packages while the lock file's content is unchanged: a fresh
// checkout gives package-lock.json a new mtime, and comparing mtimes re-ran `npm ci` (minutes on a Pi)
// on every start.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const setup = join(import.meta.dirname, "..", "setup.sh");

/** Runs setup.sh's ensure_npm_packages against `root`, with an `npm` that records each call. */
function ensureNpmPackages(root: string): void {
  const script = `
    set -euo pipefail
    BLOCKSHARE_SETUP_FUNCTIONS_ONLY=1 source "${setup}" >/dev/null
    root="${root}"
    npm() { echo "npm $*" >> "${root}/npm-calls"; rm -rf "${root}/node_modules"; mkdir -p "${root}/node_modules"; }
    ensure_npm_packages
  `;
  execFileSync("bash", ["-c", script], { stdio: ["ignore", "ignore", "pipe"] });
}

const npmCalls = (root: string) => (existsSync(join(root, "npm-calls")) ? readFileSync(join(root, "npm-calls"), "utf8").trim().split("\n").length : 0);

test("npm ci runs once for a lock file, not again when only its mtime changes, and again when its content does", () => {
  const root = mkdtempSync(join(tmpdir(), "blockshare-setup-"));
  const lock = join(root, "package-lock.json");
  writeFileSync(lock, JSON.stringify({ name: "blockshare", lockfileVersion: 3, packages: { "node_modules/yaml": { version: "2.9.1" } } }));
  mkdirSync(join(root, "node_modules"));

  ensureNpmPackages(root);
  assert.equal(npmCalls(root), 1, "the first start installs the packages");

  // A fresh checkout or `git checkout`: same content, newer mtime than the stamp.
  const later = new Date(Date.now() + 3_600_000);
  utimesSync(lock, later, later);
  ensureNpmPackages(root);
  assert.equal(npmCalls(root), 1, "an unchanged lock file reuses the installed packages");

  writeFileSync(lock, JSON.stringify({ name: "blockshare", lockfileVersion: 3, packages: { "node_modules/yaml": { version: "2.9.2" } } }));
  ensureNpmPackages(root);
  assert.equal(npmCalls(root), 2, "a changed lock file installs again");
});
