// The neighborhood file a first run writes, with values that work on this box; the operator can edit it.
import { hostname, networkInterfaces } from "node:os";
import { existsSync, writeFileSync } from "node:fs";
import { PINNED_ELEMENT_RELEASE } from "../production/element/elementRelease.ts";

/** The first non-loopback IPv4 address: what other devices on the mesh can reach. */
function meshAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    const found = addresses?.find((address) => address.family === "IPv4" && !address.internal);
    if (found) return found.address;
  }
  return "127.0.0.1";
}

export function defaultServerName(): string {
  const name = hostname()
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, "-")
    .replace(/^-+|-+$/g, "");
  return name || "blockshare";
}

/** Writes the file only when it does not exist yet; returns whether it wrote it. */
export function writeDefaultNeighborhood(file: string, serverName = defaultServerName()): boolean {
  if (existsSync(file)) return false;
  const text = `# This block's BlockShare settings. Change them before inviting neighbors:
# server_name becomes part of everyone's user ID; once the block has accounts BlockShare refuses to
# change it (to start over under another name, move data_dir away first).
name: Our Block
server_name: ${serverName}
# The address neighbors put in Element (any Element app works).
public_url: http://${meshAddress()}:8008
bind_address: 0.0.0.0
ports:
  client: 8008
  appservice: 9009
  element: 8080
  synapse_metrics: 9000
data_dir: ./data
operator: admin
# The bots' language in public rooms and for neighbors who have not chosen one (each can, with !language): en or es.
language: en
# Dates and times in the bots' messages are in this time zone (an IANA name, e.g. America/New_York).
time_zone: ${Intl.DateTimeFormat().resolvedOptions().timeZone}
# Element Web for neighbors with a laptop, served on ports.element. Each start, \`run\` downloads this
# release in the background into data_dir/element-web unless it is there already, and refuses it if
# the checksum differs. It never tries anything else. Without internet: bring a release tarball, unpack
# it and set element_web_dir to its folder (that wins), or remove these lines.
element_web_release:
  url: ${PINNED_ELEMENT_RELEASE.url}
  sha256: ${PINNED_ELEMENT_RELEASE.sha256}
# element_web_dir: /path/to/element-web
neighbors: []
`;
  writeFileSync(file, text, { mode: 0o644, flag: "wx" });
  return true;
}
