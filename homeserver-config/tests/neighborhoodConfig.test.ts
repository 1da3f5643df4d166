import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { loadNeighborhood, NeighborhoodFileError } from "../loadNeighborhood.ts";
import { writeHomeserverConfig } from "../writeHomeserverConfig.ts";
import { synapseConfig, synapsePaths } from "../synapseConfig.ts";

const valid = `name: Maple Street
server_name: maple.mesh
public_url: http://10.0.0.5:8008
ports: { client: 8008 }
`;

function neighborhoodFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "blockshare-config-"));
  const file = join(dir, "neighborhood.yaml");
  writeFileSync(file, text);
  return file;
}

function problemsOf(text: string): string[] {
  try {
    loadNeighborhood(neighborhoodFile(text));
  } catch (error) {
    assert.ok(error instanceof NeighborhoodFileError);
    return [...error.problems];
  }
  assert.fail("the file was accepted");
}

test("a small neighborhood file gets defaults for everything it leaves out", () => {
  const neighborhood = loadNeighborhood(neighborhoodFile(valid));
  assert.equal(neighborhood.ports.client, 8008);
  assert.equal(neighborhood.ports.appservice, 9009);
  assert.equal(neighborhood.operator, "admin");
  assert.deepEqual(neighborhood.neighbors, []);
  assert.ok(neighborhood.dataDir.endsWith("/data"));
});

test("an unknown key is named, with the keys allowed in that place", () => {
  const [problem, ...others] = problemsOf(`${valid}prots: { client: 1 }\n`);
  assert.equal(others.length, 0);
  assert.match(problem!, /unknown key "prots"/);
  assert.match(problem!, /allowed here: name, server_name, public_url/);
  assert.match(
    problemsOf(valid.replace("client: 8008", "clinet: 8008"))[0]!,
    /unknown key "ports.clinet"; allowed here: client, appservice, element, synapse_metrics/,
  );
});

test("an invalid value names the key, what is allowed and what was given; all problems at once", () => {
  const problems = problemsOf(valid.replace("client: 8008", "client: 99999").replace("maple.mesh", "Maple Street!"));
  assert.equal(problems.length, 2);
  assert.ok(problems.some((p) => p.includes('"ports.client"') && p.includes("1 to 65535") && p.includes("99999")));
  assert.ok(problems.some((p) => p.includes('"server_name"') && p.includes("lower-case host name")));
});

test("the block's first norms: optional; an empty, blank or over-long text is refused, saying what is accepted", () => {
  assert.equal(loadNeighborhood(neighborhoodFile(valid)).norms, undefined);
  assert.equal(loadNeighborhood(neighborhoodFile(`${valid}norms: |\n  Be kind.\n  Share fairly.\n`)).norms, "Be kind.\nShare fairly.\n");
  for (const bad of ['""', '"   "', `"${"x".repeat(1001)}"`]) {
    const [problem] = problemsOf(`${valid}norms: ${bad}\n`);
    assert.match(problem ?? "", /^"norms" must be the block's norms .* 1 to 1000 characters, not blank/);
  }
});

test("the block's language: English unless the file says es; another code is refused, naming the choices", () => {
  assert.equal(loadNeighborhood(neighborhoodFile(valid)).language, "en");
  assert.equal(loadNeighborhood(neighborhoodFile(`${valid}language: es\n`)).language, "es");
  const [problem] = problemsOf(`${valid}language: fr\n`);
  assert.match(problem ?? "", /^"language" must be the block's language, .*: one of en, es \(got "fr"\)$/);
});

test("the block's time zone: UTC unless the file names one; a name Intl does not know is refused with examples", () => {
  assert.equal(loadNeighborhood(neighborhoodFile(valid)).time_zone, "UTC");
  assert.equal(loadNeighborhood(neighborhoodFile(`${valid}time_zone: America/New_York\n`)).time_zone, "America/New_York");
  assert.match(
    problemsOf(`${valid}time_zone: Mars/Olympus\n`)[0] ?? "",
    /^"time_zone" must be an IANA time zone name such as America\/New_York.* \(got "Mars\/Olympus"\)$/,
  );
});

test("a missing key and broken YAML are reported plainly", () => {
  assert.match(problemsOf("name: x\n").join("\n"), /"server_name" is missing/);
  assert.match(problemsOf("name: [unclosed\n")[0]!, /is not valid YAML/);
});

test("the generated Synapse config is closed, local and offline-ready, and holds no secret inline", () => {
  const file = neighborhoodFile(valid);
  const neighborhood = loadNeighborhood(file);
  const { paths, secrets } = writeHomeserverConfig(neighborhood, (s) => ({ id: "x", as_token: s.appservice_as_token }));
  const text = readFileSync(paths.config, "utf8");
  const config = parse(text);
  assert.equal(config.enable_registration, true);
  assert.equal(config.registration_requires_token, true);
  assert.deepEqual(config.trusted_key_servers, []);
  assert.deepEqual(config.presence, { enabled: false });
  assert.deepEqual(config.federation_domain_whitelist, []);
  assert.equal(config.database.name, "sqlite3");
  assert.ok(config.database.args.database.startsWith(neighborhood.dataDir));
  assert.ok(config.media_store_path.startsWith(neighborhood.dataDir));
  assert.equal(config.identity_server, undefined);
  const metrics = config.listeners.find((listener: { type: string }) => listener.type === "metrics");
  assert.deepEqual(metrics.bind_addresses, ["127.0.0.1"]);
  assert.deepEqual(config.app_service_config_files, [paths.appserviceRegistration]);
  for (const [name, value] of Object.entries(secrets)) {
    if (name !== "dir") assert.ok(!text.includes(value), `${name} must not be inline in homeserver.yaml`);
  }
  for (const secretFile of [paths.config, paths.appserviceRegistration, join(paths.secrets, "macaroon_secret_key")]) {
    assert.equal(statSync(secretFile).mode & 0o777, 0o600, secretFile);
  }
  // Secrets are generated once: a second generation keeps them.
  const again = writeHomeserverConfig(neighborhood, () => ({}));
  assert.equal(again.secrets.macaroon_secret_key, secrets.macaroon_secret_key);
});

test("a pact neighbor back on the mesh is retried within seconds: Synapse itself reads the mesh's federation timing", () => {
  const neighborhood = loadNeighborhood(neighborhoodFile(valid));
  const config = synapseConfig(neighborhood, synapsePaths(neighborhood.dataDir), { certificate: "/x/tls.crt", key: "/x/tls.key", trustedCas: ["/x/ca.crt"] });
  // Synapse ignores keys it does not know, so ask its own FederationConfig what it makes of ours.
  const python = process.env.SYNAPSE_PYTHON ?? join(import.meta.dirname, "..", "..", ".tools", "synapse-venv", "bin", "python");
  const read = execFileSync(
    python,
    [
      "-c",
      "import json, sys\nfrom synapse.config.federation import FederationConfig\nc = FederationConfig.__new__(FederationConfig)\nc.read_config(json.load(sys.stdin))\n" +
        "print(json.dumps([c.client_timeout_ms, c.max_long_retry_delay_ms, c.max_long_retries, c.destination_min_retry_interval_ms, c.destination_max_retry_interval_ms]))",
    ],
    { input: JSON.stringify(config), encoding: "utf8" },
  );
  const [timeout, retryDelay, retries, minInterval, maxInterval] = JSON.parse(read) as number[];
  assert.equal(timeout, 20_000, "a request to a neighbor is cut after 20 s (Synapse: 60 s)");
  assert.equal(retryDelay, 5_000, "and resent 5 s later at most (Synapse: 60 s)");
  assert.ok(retries! * (timeout! + retryDelay!) >= 10 * 60_000, "for about ten minutes before falling back to catch-up");
  assert.equal(minInterval, 5_000);
  assert.equal(maxInterval, 60_000, "a neighbor marked down is tried again at least once a minute (Synapse: up to 7 days)");
  const withoutCertificate = synapseConfig(neighborhood, synapsePaths(neighborhood.dataDir));
  assert.equal(withoutCertificate.federation, undefined, "no federation, no federation timing");
});

test("an invalid file writes nothing", () => {
  const file = neighborhoodFile(`${valid.replace("8008 }", '"abc" }')}data_dir: ./nowhere\n`);
  assert.throws(() => loadNeighborhood(file), NeighborhoodFileError);
  assert.equal(existsSync(join(file, "..", "nowhere")), false);
});

test("behind the reverse proxy Synapse serves clients and federation on one local plain-HTTP listener, even with a certificate", () => {
  const neighborhood = loadNeighborhood(neighborhoodFile(`${valid}bind_address: 0.0.0.0\nreverse_proxy: true\n`));
  const config = synapseConfig(neighborhood, synapsePaths(neighborhood.dataDir), { certificate: "/x/tls.crt", key: "/x/tls.key", trustedCas: ["/x/ca.crt"] });
  const http = config.listeners as { type: string; tls?: boolean; bind_addresses: string[]; x_forwarded?: boolean; resources?: { names: string[] }[] }[];
  assert.deepEqual(
    http
      .filter((listener) => listener.type === "http")
      .map((listener) => [listener.bind_addresses, listener.tls, listener.x_forwarded, listener.resources![0]!.names]),
    [[["127.0.0.1"], false, true, ["client", "federation"]]],
    "nginx presents the certificates; no TLS listener of Synapse's own competes for 8448",
  );
  const direct = synapseConfig(loadNeighborhood(neighborhoodFile(valid)), synapsePaths(neighborhood.dataDir), {
    certificate: "/x/tls.crt",
    key: "/x/tls.key",
    trustedCas: ["/x/ca.crt"],
  });
  assert.ok(
    (direct.listeners as { tls?: boolean }[]).some((listener) => listener.tls === true),
    "without the proxy Synapse terminates federation TLS itself",
  );
});
