// Installs Element Web from a release tarball into the web root that nginx and the element server
// serve, with our config.json. Order matters: the checksum is verified before anything is unpacked,
// everything happens in a staging folder beside the web root, and only a complete release with its
// config is renamed into place; the release it replaces is kept as `<webroot>.previous`. Any failure
// leaves the current install as it was.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { copyLocalTarball, downloadTarball, type ObtainedTarball } from "./tarballDownload.ts";
import { checkReleaseEntries, extractArchive, listArchive } from "./releaseArchive.ts";

export interface InstallElementOptions {
  /** A release tarball already on this box (offline installs). Takes precedence over `url`. */
  tarball?: string;
  /** Where to download the tarball from (https). */
  url?: string;
  /** The tarball's expected SHA-256, hex. Always required. */
  sha256: string;
  /** The directory that is served (see elementWebRoot), e.g. DATA_DIR/element-web. */
  webroot: string;
  /** Element's config.json (deploy/src/elementConfig.ts's elementConfig). */
  config: Record<string, unknown>;
  /** Files written beside config.json, by name (the block's embedded pages, deploy/src/elementPages.ts). */
  pages?: Record<string, string>;
  /** Stops a download in progress (`run` stopping); nothing is installed then. */
  signal?: AbortSignal;
  /** Progress and outcome lines; stderr by default. */
  log?: (line: string) => void;
  maxBytes?: number;
  idleTimeoutMs?: number;
}

export type InstallOutcome = "installed" | "unchanged" | "config-updated";

export interface InstallElementResult {
  outcome: InstallOutcome;
  version: string;
  webroot: string;
  /** The release that was replaced, kept for rollback (rollbackElement). */
  previous?: string;
}

/** Written into each installed release: what it is, so a re-run with the same checksum is a no-op. */
export const RELEASE_MARKER = ".blockshare-release.json";

interface ReleaseMarker {
  version: string;
  sha256: string;
  source: string;
  installedAt: string;
}

const stderrLog = (line: string) => process.stderr.write(`${line}\n`);

export async function installElement(options: InstallElementOptions): Promise<InstallElementResult> {
  const log = options.log ?? stderrLog;
  const expected = normalizeSha256(options.sha256);
  const { webroot } = options;
  const configText = `${JSON.stringify(options.config, null, 2)}\n`;
  const files: Record<string, string> = { ...options.pages, "config.json": configText };
  for (const name of Object.keys(files)) {
    if (!/^[\w.-]+\.(json|html)$/.test(name) || name === "index.html")
      throw new Error(`cannot write "${name}" into the Element Web release: a page is a plain .html or .json file name, not index.html`);
  }

  const installed = readMarker(webroot);
  if (installed?.sha256 === expected && existsSync(join(webroot, "index.html"))) {
    const changed = Object.entries(files).filter(([name, text]) => !existsSync(join(webroot, name)) || readFileSync(join(webroot, name), "utf8") !== text);
    if (changed.length === 0) {
      log(`Element Web ${installed.version} is already installed at ${webroot}; nothing to do.`);
      return { outcome: "unchanged", version: installed.version, webroot };
    }
    for (const [name, text] of changed) writeAtomically(join(webroot, name), text);
    log(`Element Web ${installed.version} is already installed at ${webroot}; ${changed.map(([name]) => name).join(", ")} updated.`);
    return { outcome: "config-updated", version: installed.version, webroot };
  }
  if (options.tarball === undefined && options.url === undefined) {
    throw new Error("no Element Web tarball given: pass a local release tarball (offline installs) or a download URL");
  }

  mkdirSync(dirname(webroot), { recursive: true });
  // Beside the web root, so the final rename stays on one filesystem (and no /tmp is needed).
  const staging = mkdtempSync(join(dirname(webroot), `.${basename(webroot)}-staging-`));
  try {
    const obtained: ObtainedTarball =
      options.tarball !== undefined
        ? await copyLocalTarball(options.tarball, join(staging, "release.tar.gz"))
        : await downloadTarball(options.url!, join(staging, "release.tar.gz"), {
            log,
            ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
            ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
            ...(options.signal === undefined ? {} : { signal: options.signal }),
          });
    const source = options.tarball ?? options.url!;
    if (obtained.sha256 !== expected) {
      throw new Error(
        `Element Web tarball checksum mismatch for ${source}: expected sha256 ${expected}, got ${obtained.sha256}. ` +
          `Nothing was installed${installed ? `; Element Web ${installed.version} at ${webroot} is untouched` : ""}.`,
      );
    }
    const { topDir, problems } = checkReleaseEntries(listArchive(obtained.path));
    if (problems.length > 0 || topDir === undefined) {
      throw new Error(`refusing ${source}: it is not shaped like an Element Web release: ${problems.join("; ")}. Nothing was installed.`);
    }
    const unpacked = join(staging, "unpacked");
    mkdirSync(unpacked);
    extractArchive(obtained.path, unpacked);
    const release = join(unpacked, topDir);
    if (!existsSync(join(release, "index.html"))) {
      throw new Error(`refusing ${source}: ${topDir}/index.html is missing, so it is not an Element Web release. Nothing was installed.`);
    }
    const version = releaseVersion(release, topDir);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(release, name), text);
    const marker: ReleaseMarker = { version, sha256: expected, source, installedAt: new Date().toISOString() };
    writeFileSync(join(release, RELEASE_MARKER), `${JSON.stringify(marker, null, 2)}\n`);

    const previous = swapIntoPlace(release, webroot);
    log(`Element Web ${version} installed at ${webroot}${previous ? ` (the one it replaced is kept at ${previous})` : ""}.`);
    return { outcome: "installed", version, webroot, ...(previous ? { previous } : {}) };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Puts the previous release back (`<webroot>.previous` ↔ `<webroot>`); the swapped-out one becomes `.previous`. */
export function rollbackElement(webroot: string, log: (line: string) => void = stderrLog): string {
  const previous = previousOf(webroot);
  const marker = readMarker(previous);
  if (!existsSync(join(previous, "index.html"))) throw new Error(`there is no previous Element Web release at ${previous} to go back to`);
  const aside = `${webroot}.rollback-${process.pid}`;
  if (existsSync(webroot)) renameSync(webroot, aside);
  renameSync(previous, webroot);
  if (existsSync(aside)) renameSync(aside, previous);
  const version = marker?.version ?? "(unknown version)";
  log(`Element Web ${version} is back at ${webroot}.`);
  return version;
}

const previousOf = (webroot: string) => `${webroot}.previous`;

/** Current → .previous, staged → current. The gap between the two renames is microseconds; if the
 * second fails the current release is put back. */
function swapIntoPlace(release: string, webroot: string): string | undefined {
  const previous = previousOf(webroot);
  if (!existsSync(webroot)) {
    renameSync(release, webroot);
    return undefined;
  }
  rmSync(previous, { recursive: true, force: true });
  renameSync(webroot, previous);
  try {
    renameSync(release, webroot);
  } catch (error) {
    renameSync(previous, webroot);
    throw error;
  }
  return previous;
}

function readMarker(dir: string): ReleaseMarker | undefined {
  try {
    const marker = JSON.parse(readFileSync(join(dir, RELEASE_MARKER), "utf8")) as ReleaseMarker;
    return typeof marker.sha256 === "string" && typeof marker.version === "string" ? marker : undefined;
  } catch {
    return undefined;
  }
}

/** The release's own `version` file (written by Element's packaging), else the folder's name. */
function releaseVersion(release: string, topDir: string): string {
  try {
    const text = readFileSync(join(release, "version"), "utf8").trim();
    if (/^[\w.+-]{1,64}$/.test(text)) return text;
  } catch {
    // older or hand-made tarballs: fall through
  }
  return topDir.replace(/^element-v?/, "");
}

function writeAtomically(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

export function normalizeSha256(sha256: string): string {
  const hex = sha256.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`"${sha256}" is not a SHA-256 checksum; expected 64 hexadecimal digits`);
  return hex;
}
