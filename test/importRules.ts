// Each top-level folder's import rule, as its README states it, checked over the source files. A rule is
// data: which folders a file in this folder may import from (npm packages and Node built-ins always).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

export interface ImportRule {
  folder: string;
  /** Top-level folders this folder's files may import from (their own always). */
  mayImport: readonly string[];
  /** Files this folder may import for types only (`import type`), e.g. the bots' contract. */
  typesFrom?: readonly string[];
  /** Where the README says it. */
  readme: string;
}

export const importRules: readonly ImportRule[] = [
  { folder: "common", mayImport: [], readme: "common/README.md: Node built-ins and npm packages only" },
  { folder: "homeserver-config", mayImport: ["common"], readme: "homeserver-config/README.md: common/, npm packages and Node built-ins only" },
  { folder: "bots", mayImport: ["common"], readme: "bots/README.md: only files inside bots/ and common/" },
  {
    folder: "appservices",
    mayImport: ["common"],
    typesFrom: ["bots/framework/contract.ts"],
    readme: "appservices/README.md: common/, bots/framework/contract.ts (types only) and the npm dependencies",
  },
  { folder: "mesh-monitor", mayImport: ["common"], readme: "mesh-monitor/README.md: imports nothing from the bots nor any other folder but common/" },
];

export interface ImportStatement {
  specifier: string;
  typeOnly: boolean;
  line: number;
}

/** The static and dynamic imports and re-exports of a TypeScript file. */
export function importsOf(source: string): ImportStatement[] {
  const found: ImportStatement[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/gm;
  for (const match of source.matchAll(pattern)) {
    const specifier = match[3] ?? match[4];
    if (specifier === undefined) continue;
    const line = source.slice(0, match.index).split("\n").length + (match[0].match(/^\s*/)?.[0].split("\n").length ?? 1) - 1;
    found.push({ specifier, typeOnly: match[2] !== undefined, line });
  }
  return found;
}

/** Every folder's tests may also use the shared harness that starts real parts (test/harness/). */
const isTest = (file: string) => file.endsWith(".test.ts");
const isHarness = (target: string) => target.startsWith("test/harness/");

/** Problems of one file (path relative to the project root), one line each. */
export function importViolations(file: string, source: string, rules: readonly ImportRule[] = importRules): string[] {
  const folder = file.split("/")[0] ?? "";
  const rule = rules.find((candidate) => candidate.folder === folder);
  if (!rule) return [];
  const problems: string[] = [];
  for (const statement of importsOf(source)) {
    if (!statement.specifier.startsWith(".")) continue; // an npm package or a Node built-in
    const target = relative(".", resolve(dirname(file), statement.specifier))
      .split(sep)
      .join("/");
    const targetFolder = target.split("/")[0] ?? "";
    if (targetFolder === folder || rule.mayImport.includes(targetFolder)) continue;
    if (isTest(file) && isHarness(target)) continue;
    if (statement.typeOnly && rule.typesFrom?.includes(target)) continue;
    problems.push(`${file}:${statement.line} imports ${target}${statement.typeOnly ? " (types)" : ""}; ${rule.readme}`);
  }
  return problems;
}

export function sourceFiles(root: string, folder: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts")) files.push(path);
    }
  };
  walk(folder);
  return files.sort();
}

export function projectImportViolations(root: string): string[] {
  return importRules.flatMap((rule) => sourceFiles(root, rule.folder).flatMap((file) => importViolations(file, readFileSync(join(root, file), "utf8"))));
}

/** Test files outside the convention: a folder's tests in its tests/ folder, cross-folder ones in test/ (bench/ tests its own runner). */
export function misplacedTests(files: readonly string[]): string[] {
  return files.filter((file) => file.endsWith(".test.ts") && !/^(test|bench)\//.test(file) && !file.split("/").includes("tests"));
}
