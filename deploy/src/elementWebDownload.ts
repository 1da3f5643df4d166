// `run` puts Element Web in place the way `install` does (installElement: checksum verified before
// anything is unpacked) when the neighborhood file names a release in element_web_release. One attempt
// per start, in the background: the block never waits for it, a stop (Ctrl-C) aborts it, and it gives up
// after a bounded time. Decide (what to do) is pure; the attempt acts; the caller speaks the outcome.
import type { LoadedNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { elementWebRoot, servedElementDir } from "../production/element/elementWebRoot.ts";
import { installElement } from "../production/element/installElement.ts";
import { elementConfig } from "./elementConfig.ts";
import { elementPageFiles } from "./elementPages.ts";
import { howToGetElement } from "./elementWebApp.ts";

export type ElementWebPlan =
  | { kind: "own-dir"; dir: string }
  | { kind: "none"; why: string }
  | { kind: "install"; url: string; sha256: string; webroot: string };

/** What `run` does about Element Web for this file (pure, apart from looking at the disk through servedElementDir). */
export function planElementWeb(neighborhood: LoadedNeighborhood): ElementWebPlan {
  if (neighborhood.element_web_dir) return { kind: "own-dir", dir: neighborhood.element_web_dir };
  const release = neighborhood.element_web_release;
  if (!release) {
    const installed = servedElementDir(neighborhood);
    return installed ? { kind: "own-dir", dir: installed } : { kind: "none", why: howToGetElement(neighborhood) };
  }
  // Also when a release is installed: installElement keeps it if its checksum matches (no download) and
  // refreshes config.json and the pages, which follow the file (the block's name, its server).
  return { kind: "install", url: release.url, sha256: release.sha256, webroot: elementWebRoot(neighborhood.dataDir) };
}

/** Set by the test suite (deploy/blockshare test, test/harness/runProcess.ts): `run` downloads from this
 * machine only, so a first-run file naming GitHub never makes a test reach the internet. */
export const LOOPBACK_ONLY = "BLOCKSHARE_LOOPBACK_ONLY";

export function isLoopbackUrl(url: string): boolean {
  try {
    return /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

export type ElementWebOutcome = { ok: true; line: string } | { ok: false; line: string };

export interface DownloadLimits {
  /** The whole attempt, download and unpacking (a release is ~40 MB; a slow mesh uplink may take minutes). */
  totalMs: number;
  /** No byte for this long: the uplink is down. */
  idleMs: number;
}

export const DEFAULT_DOWNLOAD_LIMITS: DownloadLimits = { totalMs: 10 * 60_000, idleMs: 30_000 };

/** One attempt. Resolves (never rejects) with the line to say; `stop` aborts it with nothing installed. */
export async function ensureElementWeb(
  neighborhood: LoadedNeighborhood,
  elementUrl: string,
  stop: AbortSignal,
  log: (line: string) => void,
  limits: DownloadLimits = DEFAULT_DOWNLOAD_LIMITS,
): Promise<ElementWebOutcome | undefined> {
  const plan = planElementWeb(neighborhood);
  if (plan.kind !== "install") return undefined;
  if (process.env[LOOPBACK_ONLY] === "1" && !isLoopbackUrl(plan.url)) {
    return { ok: false, line: `Element Web was not downloaded from ${plan.url}: ${LOOPBACK_ONLY}=1 allows this machine only (the test suite sets it).` };
  }
  try {
    const result = await installElement({
      url: plan.url,
      sha256: plan.sha256,
      webroot: plan.webroot,
      config: elementConfig(neighborhood),
      pages: elementPageFiles(neighborhood),
      log,
      idleTimeoutMs: limits.idleMs,
      signal: AbortSignal.any([stop, AbortSignal.timeout(limits.totalMs)]),
    });
    return { ok: true, line: `Element Web ${result.version} is ${result.outcome === "installed" ? "installed and " : ""}served at ${elementUrl}/` };
  } catch (error) {
    if (stop.aborted) return undefined;
    return { ok: false, line: `Element Web was not installed: ${(error as Error).message}\n${howToGetElement(neighborhood)}` };
  }
}
