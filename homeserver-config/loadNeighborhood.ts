// Reads and validates the neighborhood file. Every problem is reported at once, each naming the key
// and what it accepts; nothing downstream runs on an invalid file.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { Value } from "@sinclair/typebox/value";
import type { TSchema } from "@sinclair/typebox";
import { NeighborhoodSchema, type Neighborhood } from "./neighborhoodSchema.ts";
import { federationPaths } from "./communityCa.ts";
import { httpsPublicUrl, usableClientCertificate, type ClientTlsFiles } from "./clientHttps.ts";

export class NeighborhoodFileError extends Error {
  readonly problems: readonly string[];
  constructor(file: string, problems: readonly string[]) {
    super(`${file} is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}\nNothing was written.`);
    this.name = "NeighborhoodFileError";
    this.problems = problems;
  }
}

/** A loaded neighborhood with its data directory made absolute. */
export interface LoadedNeighborhood extends Neighborhood {
  file: string;
  dataDir: string;
  /** Without nginx (`run`): the community-CA certificate clients are served with, when the block has a usable one (clientHttps.ts). */
  clientTls?: ClientTlsFiles;
}

export function loadNeighborhood(file: string): LoadedNeighborhood {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new NeighborhoodFileError(file, [`cannot be read: ${(error as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new NeighborhoodFileError(file, [`is not valid YAML: ${(error as Error).message.split("\n")[0]}`]);
  }
  const neighborhood = validateNeighborhood(file, raw ?? {});
  const dataDir = resolve(dirname(file), neighborhood.data_dir);
  // With workers, `run` reaches Synapse through a loopback-only proxy: no HTTPS for the mesh there (clientHttps.ts).
  const clientTls =
    neighborhood.reverse_proxy || neighborhood.workers.enabled ? undefined : usableClientCertificate(federationPaths(dataDir), neighborhood.public_url);
  // Once `run` serves clients over HTTPS, every copy of public_url (well-known, Element, join page) says so.
  if (clientTls)
    return { ...neighborhood, public_url: httpsPublicUrl(neighborhood.public_url, neighborhood.ports.client_https), file: resolve(file), dataDir, clientTls };
  return { ...neighborhood, file: resolve(file), dataDir };
}

export function validateNeighborhood(file: string, raw: unknown): Neighborhood {
  const withDefaults = Value.Default(NeighborhoodSchema, structuredClone(raw));
  const problems = [...Value.Errors(NeighborhoodSchema, withDefaults)].map((error) => describeProblem(error.path, error.schema, error.value, error.message));
  if (problems.length > 0) throw new NeighborhoodFileError(file, [...new Set(problems)]);
  const neighborhood = withDefaults as Neighborhood;
  if (!knownTimeZone(neighborhood.time_zone)) {
    throw new NeighborhoodFileError(file, [
      `"time_zone" must be an IANA time zone name such as America/New_York, Europe/Madrid or UTC (got ${JSON.stringify(neighborhood.time_zone)})`,
    ]);
  }
  if (neighborhood.workers.enabled && neighborhood.database.engine !== "postgresql") {
    throw new NeighborhoodFileError(file, [
      '"workers.enabled: true" needs "database.engine: postgresql" (Synapse workers share one PostgreSQL database; move an existing block with `deploy/blockshare port-db`)',
    ]);
  }
  return neighborhood;
}

function knownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function describeProblem(path: string, schema: TSchema, value: unknown, message: string): string {
  const key = path.replace(/^\//, "").replaceAll("/", ".") || "(top level)";
  if (message === "Unexpected property") {
    const parent = key.includes(".") ? key.slice(0, key.lastIndexOf(".")) : "";
    return `unknown key "${key}"; allowed here: ${allowedKeys(parent).join(", ")}`;
  }
  if (value === undefined) return `"${key}" is missing: ${schema.description ?? message}`;
  return `"${key}" must be ${schema.description ?? message} (got ${JSON.stringify(value)})`;
}

function allowedKeys(parentPath: string): string[] {
  let schema: TSchema = NeighborhoodSchema;
  for (const part of parentPath.split(".").filter(Boolean)) {
    schema = schema.type === "array" ? schema.items : schema.properties?.[part];
  }
  return Object.keys(schema.properties ?? {});
}
