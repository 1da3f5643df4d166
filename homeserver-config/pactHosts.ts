// Names without DNS: when the neighborhood file names a hosts file, BlockShare keeps one managed block
// in it mapping each pact block's host name to its mesh address (the rest of the file is untouched).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { hostOf } from "./communityCa.ts";
import type { LoadedNeighborhood } from "./loadNeighborhood.ts";

const begin = "# BEGIN BlockShare neighbor pact (managed: edit with `blockshare neighbor`)";
const end = "# END BlockShare neighbor pact";

export function pactHostsBlock(neighborhood: LoadedNeighborhood): string {
  const lines = neighborhood.neighbors.map((neighbor) => `${neighbor.address}\t${hostOf(neighbor.server_name)}`);
  return [begin, ...lines, end].join("\n");
}

/** Replaces (or appends) the managed block; a no-op without `hosts_file` or for host-name addresses. */
export function writePactHosts(neighborhood: LoadedNeighborhood): void {
  const file = neighborhood.hosts_file;
  if (file === undefined) return;
  const current = existsSync(file) ? readFileSync(file, "utf8") : "";
  const pattern = new RegExp(`${escapePattern(begin)}[\\s\\S]*?${escapePattern(end)}\\n?`);
  const block = `${pactHostsBlock(neighborhood)}\n`;
  const next = pattern.test(current) ? current.replace(pattern, block) : `${current}${current === "" || current.endsWith("\n") ? "" : "\n"}${block}`;
  if (next === current) return;
  // In place, not by rename: /etc/hosts is often a bind mount (containers, `ip netns exec`).
  writeFileSync(file, next);
}

function escapePattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\`]/g, "\\$&");
}
