// Debian's Chromium, driven by playwright-core, as a neighbor's phone: a phone viewport, and optionally
// the community CA trusted the way a phone trusts a user-installed CA (in the browser's own NSS database,
// under a HOME of its own: nothing outside the test's folder is touched). Names can be mapped to loopback
// ports (Chromium's --host-resolver-rules), so a page on https://chat.maple.localhost/ is what the browser
// sees while nginx listens on a free port: no real DNS, and the certificate is checked for the real name.
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { chromium, type Browser } from "playwright-core";

const run = promisify(execFile);
export const chromiumPath = "/usr/bin/chromium";

/** A phone in portrait (a common size), touch and all. */
export const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const chromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];

/** Why the phone tests cannot run here (a skip reason), or false when they can. zbarimg too when asked. */
export function phoneChromiumMissing(options: { zbarimg?: boolean } = {}): string | false {
  if (!existsSync(chromiumPath)) return `no ${chromiumPath} (apt-get install chromium)`;
  if (spawnSync("certutil", ["-H"]).error) return "no certutil (apt-get install libnss3-tools)";
  if (options.zbarimg && spawnSync("zbarimg", ["--version"]).error) return "no zbarimg (apt-get install zbar-tools)";
  return false;
}

export interface PhoneChromiumOptions {
  /** A CA certificate (PEM file) the browser trusts for websites, as a phone that installed it. */
  trustCaFile?: string;
  /** A folder of the test's own, for the browser's HOME (its NSS database); needed with trustCaFile. */
  home?: string;
  /** "host:port" → "127.0.0.1:port": where the browser connects for a name and port, keeping the URL as written. */
  connectTo?: Record<string, string>;
}

export async function launchPhoneChromium(options: PhoneChromiumOptions = {}): Promise<Browser> {
  const rules = Object.entries(options.connectTo ?? {}).map(([from, to]) => `MAP ${from} ${to}`);
  const args = [...chromiumArgs, ...(rules.length > 0 ? [`--host-resolver-rules=${rules.join(",")}`] : [])];
  if (options.trustCaFile === undefined) return chromium.launch({ executablePath: chromiumPath, args });
  if (options.home === undefined) throw new Error("launchPhoneChromium: trustCaFile needs a home folder for the NSS database");
  const nssFolder = join(options.home, ".pki", "nssdb");
  mkdirSync(nssFolder, { recursive: true });
  const nssdb = `sql:${nssFolder}`;
  await run("certutil", ["-N", "-d", nssdb, "--empty-password"]);
  await run("certutil", ["-A", "-d", nssdb, "-t", "C,,", "-n", "blockshare-ca", "-i", options.trustCaFile]);
  return chromium.launch({ executablePath: chromiumPath, args, env: { ...process.env, HOME: options.home } });
}
