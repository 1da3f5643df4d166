// Reads and unpacks an Element Web release tarball with the system `tar`, after checking every entry:
// plain files and directories only, all under one top-level folder (element-vX.Y.Z/), no absolute
// paths and no `..`. A release never needs more, and anything else could write outside the target.
import { spawnSync } from "node:child_process";

export interface ArchiveEntry {
  name: string;
  /** The first letter of `tar -tv`'s mode column: "-" file, "d" directory, "l" symlink, "h" hard link… */
  type: string;
}

/** The problems with a release's entry list (empty when it is fine), and its top-level folder. */
export function checkReleaseEntries(entries: readonly ArchiveEntry[]): { topDir: string | undefined; problems: string[] } {
  const problems: string[] = [];
  const tops = new Set<string>();
  for (const entry of entries) {
    const name = entry.name.replace(/^(\.\/)+/, "");
    if (entry.name.startsWith("/")) problems.push(`"${entry.name}" is an absolute path`);
    if (name.split("/").includes("..")) problems.push(`"${entry.name}" climbs out with ".."`);
    if (entry.type !== "-" && entry.type !== "d") problems.push(`"${entry.name}" is ${KIND[entry.type] ?? `of type "${entry.type}"`}, not a file or directory`);
    const top = name.split("/")[0];
    if (top) tops.add(top);
    if (entry.type === "-" && !name.includes("/")) problems.push(`"${entry.name}" lies outside the release folder`);
  }
  if (entries.length === 0) problems.push("the archive is empty");
  if (tops.size > 1) problems.push(`expected one top-level folder (element-vX.Y.Z/), found ${[...tops].slice(0, 5).join(", ")}`);
  return { topDir: tops.size === 1 ? [...tops][0] : undefined, problems: problems.slice(0, 10) };
}

const KIND: Record<string, string> = { l: "a symbolic link", h: "a hard link", c: "a character device", b: "a block device", p: "a FIFO", s: "a socket" };

function runTar(args: string[], what: string): string {
  const result = spawnSync("tar", args, { encoding: "utf8", env: { ...process.env, LC_ALL: "C" }, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`cannot run tar (${result.error.message}); install it: apt-get install tar`);
  if (result.status !== 0) throw new Error(`${what} failed: ${result.stderr.trim() || `tar exited ${result.status}`}`);
  return result.stdout;
}

/** The archive's entries, by name and type (two listings: names alone are unambiguous, `-v` gives types). */
export function listArchive(tarball: string): ArchiveEntry[] {
  const what = `reading ${tarball} (expected a .tar.gz Element Web release)`;
  const names = runTar(["--list", "--gzip", "--file", tarball], what).split("\n").filter(Boolean);
  const types = runTar(["--list", "--verbose", "--gzip", "--file", tarball], what)
    .split("\n")
    .filter(Boolean)
    .map((line) => line[0]!);
  if (names.length !== types.length) throw new Error(`${what}: the listings disagree (${names.length} names, ${types.length} entries); refusing it`);
  return names.map((name, index) => ({ name, type: types[index]! }));
}

/** Unpacks into `directory` (which must exist), as the current user, with the current umask. */
export function extractArchive(tarball: string, directory: string): void {
  runTar(
    ["--extract", "--gzip", "--file", tarball, "--directory", directory, "--no-same-owner", "--no-same-permissions", "--warning=no-timestamp"],
    `unpacking ${tarball}`,
  );
}
