// SHA256SUMS for a directory tree, in the `sha256sum` format (so `sha256sum -c` can check it by hand),
// and its verification: every listed file must match and no unlisted file may be present.
import { createHash } from "node:crypto";
import { createReadStream, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

export const MANIFEST_NAME = "SHA256SUMS";

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}

/** Every regular file under `root`, as paths relative to it with forward slashes, sorted. */
export function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(relative(root, path).split(sep).join("/"));
    }
  };
  walk(root);
  return files.sort();
}

export async function writeManifest(root: string): Promise<number> {
  const files = listFiles(root).filter((file) => file !== MANIFEST_NAME);
  const lines: string[] = [];
  for (const file of files) lines.push(`${await sha256File(join(root, file))}  ${file}`);
  writeFileSync(join(root, MANIFEST_NAME), lines.join("\n") + "\n");
  return files.length;
}

/** Problems found, empty when the tree matches its manifest exactly. */
export async function verifyManifest(root: string): Promise<string[]> {
  let text: string;
  try {
    text = readFileSync(join(root, MANIFEST_NAME), "utf8");
  } catch {
    return [`${MANIFEST_NAME} is missing: this is not a BlockShare backup, or it is damaged`];
  }
  const expected = new Map<string, string>();
  for (const line of text.split("\n").filter(Boolean)) {
    const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (!match) return [`${MANIFEST_NAME} has a malformed line: ${line.slice(0, 80)}`];
    expected.set(match[2]!, match[1]!);
  }
  const problems: string[] = [];
  const present = new Set(listFiles(root).filter((file) => file !== MANIFEST_NAME));
  for (const [file, sum] of expected) {
    if (!present.has(file)) problems.push(`${file} is listed but missing`);
    else if ((await sha256File(join(root, file))) !== sum) problems.push(`${file} does not match its checksum`);
  }
  for (const file of present) if (!expected.has(file)) problems.push(`${file} is not in the manifest`);
  return problems;
}
