// The generated box configuration passes each tool's own check: `systemd-analyze verify` for the units,
// `nginx -t` for the TLS site (self-signed certificate, temp prefix), and the compose file is checked
// against the compose specification's JSON schema, and against the units it must not drift from.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { writeLoopbackNeighborhood } from "../../../test/harness/testNeighborhood.ts";
import { loadNeighborhood, type LoadedNeighborhood } from "../../../homeserver-config/loadNeighborhood.ts";
import { synapsePython } from "../../src/synapseProcess.ts";
import { clientWellKnown } from "../../src/elementConfig.ts";
import { productionServices, type InstallLayout } from "../serviceDescription.ts";
import { systemdUnits } from "../systemdUnits.ts";
import { composeFile } from "../composeFile.ts";
import { productionNginxSite, singleProcessLayout, standaloneNginxConfig } from "../nginxConfig.ts";
import { layoutFor } from "../../../homeserver-config/workers/neighborhoodWorkers.ts";
import { freeWorkerSettings } from "./testSupport.ts";

const projectRoot = join(import.meta.dirname, "..", "..", "..");

describe("generated production configuration", () => {
  let dir: string;
  let neighborhood: LoadedNeighborhood;
  let install: InstallLayout;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "blockshare-prodconf-"));
    neighborhood = loadNeighborhood(await writeLoopbackNeighborhood(dir, "Config Block", "config.localhost"));
    mkdirSync(neighborhood.dataDir, { recursive: true });
    install = {
      prefix: projectRoot,
      user: "blockshare",
      node: process.execPath,
      synapsePython: synapsePython(),
      neighborhoodFile: neighborhood.file,
    };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("the systemd units pass systemd-analyze verify and are hardened", async () => {
    const layout = layoutFor(neighborhood, await freeWorkerSettings());
    const services = productionServices(neighborhood, install, "1.163.2", layout);
    const units = systemdUnits(services, install);
    assert.ok(
      units.has("blockshare-synapse-client-reader.service") && units.has("blockshare-appservices.service") && units.has("blockshare-mesh-monitor.service"),
    );
    const unitDir = join(dir, "units");
    mkdirSync(unitDir, { recursive: true });
    for (const [name, text] of units) writeFileSync(join(unitDir, name), text);
    const result = spawnSync("systemd-analyze", ["verify", "--man=no", ...[...units.keys()].map((name) => join(unitDir, name))], { encoding: "utf8" });
    const complaints = `${result.stdout}${result.stderr}`
      .split("\n")
      .filter(
        (line) =>
          line &&
          !/Failed to (connect|create)|No such file or directory.*bus|Cannot add dependency job|is not a directory|blockshare\.target.*WantedBy/i.test(line),
      );
    assert.equal(result.status, 0, `systemd-analyze verify failed:\n${result.stdout}${result.stderr}`);
    assert.deepEqual(complaints, [], "no warnings about our units");
    const synapse = units.get("blockshare-synapse.service")!;
    for (const line of [
      "User=blockshare",
      "ProtectSystem=strict",
      `ReadWritePaths=${neighborhood.dataDir}`,
      "PrivateTmp=yes",
      "NoNewPrivileges=yes",
      "Restart=on-failure",
    ]) {
      assert.ok(synapse.includes(line), `the Synapse unit has ${line}`);
    }
    assert.ok(units.get("blockshare-mesh-monitor.service")!.includes("\nEnvironment=MALLOC_ARENA_MAX=2\n"), "the monitor runs with two malloc arenas");
  });

  test("systemd-analyze verify catches a broken unit (the check can fail)", () => {
    const unitDir = join(dir, "broken");
    mkdirSync(unitDir, { recursive: true });
    writeFileSync(join(unitDir, "blockshare-broken.service"), "[Service]\nExecStart=relative/path/to/nothing\n");
    const result = spawnSync("systemd-analyze", ["verify", "--man=no", join(unitDir, "blockshare-broken.service")], { encoding: "utf8" });
    assert.notEqual(result.status, 0);
  });

  const nginxTest = (site: string) => {
    const prefix = mkdtempSync(join(dir, "nginx-"));
    mkdirSync(join(prefix, "temp"));
    mkdirSync(join(prefix, "logs"));
    writeFileSync(join(prefix, "nginx.conf"), standaloneNginxConfig(prefix, site));
    return spawnSync("nginx", ["-t", "-p", prefix, "-e", join(prefix, "logs", "error.log"), "-c", join(prefix, "nginx.conf")], { encoding: "utf8" });
  };

  test("the TLS site (clients on 443, federation on 8448, .well-known, Element) passes nginx -t, with and without workers", async () => {
    const certificate = join(dir, "cert.pem");
    const certificateKey = join(dir, "key.pem");
    const openssl = spawnSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=config.localhost", "-keyout", certificateKey, "-out", certificate],
      { encoding: "utf8" },
    );
    assert.equal(openssl.status, 0, openssl.stderr);
    const base = {
      hostName: "config.localhost",
      serverName: neighborhood.server_name,
      certificate,
      certificateKey,
      elementDir: join(dir, "element"),
      clientWellKnown: clientWellKnown(neighborhood),
    };
    for (const layout of [layoutFor(neighborhood, await freeWorkerSettings()), singleProcessLayout(neighborhood.ports.client)]) {
      const site = productionNginxSite({ ...base, layout });
      assert.match(site, /listen 8448 ssl/);
      assert.match(site, /\.well-known\/matrix\/server/);
      const result = nginxTest(site);
      assert.equal(result.status, 0, `nginx -t failed:\n${result.stderr}`);
    }
    const missingCert = nginxTest(productionNginxSite({ ...base, certificate: join(dir, "missing.pem"), layout: singleProcessLayout(8008) }));
    assert.notEqual(missingCert.status, 0, "nginx -t fails when the certificate is missing");
  });

  test("the compose file is valid compose and describes exactly the services the units do", async () => {
    const layout = layoutFor(neighborhood, await freeWorkerSettings());
    const services = productionServices(neighborhood, install, "1.163.2", layout);
    const compose = composeFile("blockshare", services, { prefix: projectRoot, uid: 990 }) as {
      services: Record<string, { entrypoint: string[]; environment?: Record<string, string> }>;
    };
    const units = systemdUnits(services, install);
    assert.deepEqual(
      Object.keys(compose.services)
        .map((name) => `${name}.service`)
        .sort(),
      [...units.keys()].filter((name) => name.endsWith(".service") && !name.endsWith("-restart.service")).sort(),
    );
    for (const service of services) {
      assert.deepEqual(compose.services[service.name]!.entrypoint.slice(1), service.command.slice(1), `${service.name} runs the same command in both`);
      assert.deepEqual(compose.services[service.name]!.environment, service.environment, `${service.name} has the same environment in both`);
    }
    const file = join(dir, "compose.yaml");
    writeFileSync(file, stringify(compose));
    const schema = join(
      import.meta.dirname,
      "..",
      "schemas",
      existsSync(join(import.meta.dirname, "..", "schemas", "compose-spec.json")) ? "compose-spec.json" : "compose-spec-subset.json",
    );
    const check = spawnSync(synapsePython(), ["-c", VALIDATE, schema, file], { encoding: "utf8" });
    assert.equal(check.status, 0, `the compose file does not match ${schema}:\n${check.stdout}${check.stderr}`);
    writeFileSync(file, stringify({ ...compose, services: { web: { image: "x", restart: 7 } } }));
    assert.notEqual(spawnSync(synapsePython(), ["-c", VALIDATE, schema, file]).status, 0, "the schema check rejects a wrong compose file");
  });
});

// Python's jsonschema is already in the Synapse virtualenv (Synapse depends on it).
const VALIDATE = `
import json, sys, yaml, jsonschema
schema = json.load(open(sys.argv[1]))
document = yaml.safe_load(open(sys.argv[2]))
errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(document), key=lambda e: list(e.path))
for error in errors: print("/".join(map(str, error.path)), error.message)
sys.exit(1 if errors else 0)
`;
