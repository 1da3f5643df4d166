// `run` restarts Synapse when homeserver.yaml changes (superviseBlock.ts), and production's path unit does
// the same: so `configure` (what `run` and `install` call) and serve-bots (startNeighborhood's writeConfig,
// on every restart of the bots) must write the same bytes from the same neighborhood file, and leave
// files whose content is already right untouched (not even their mtime), workers' files included.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { createCommunityCa, federationPaths, issueCertificate, trustCa } from "../../homeserver-config/communityCa.ts";
import { writeBlockConfig } from "../src/startNeighborhood.ts";

/** Every file under DATA_DIR/synapse, with its bytes. */
function synapseFiles(dataDir: string): Map<string, string> {
  const dir = join(dataDir, "synapse");
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.set(join(entry.parentPath, entry.name), readFileSync(join(entry.parentPath, entry.name), "utf8"));
  }
  return files;
}

const longAgo = new Date("2020-01-01T00:00:00Z");

function neighborhoodFile(dir: string, extra: Record<string, unknown>): string {
  const file = join(dir, "neighborhood.yaml");
  writeFileSync(
    file,
    stringify({
      name: "Maple Block",
      server_name: "maple.mesh:8448",
      public_url: "https://maple.mesh/",
      bind_address: "127.0.0.1",
      data_dir: "./data",
      neighbors: [{ server_name: "oak.mesh:8448", address: "10.0.0.7" }],
      ...extra,
    }),
  );
  return file;
}

for (const [label, extra] of [
  ["one Synapse process, federating with a pact neighbor", {}],
  ["Synapse with workers", { database: { engine: "postgresql" }, workers: { enabled: true } }],
] as const) {
  test(`configure then serve-bots (${label}): the same bytes, and nothing rewritten`, () => {
    const dir = mkdtempSync(join(tmpdir(), "blockshare-config-unchanged-"));
    try {
      const file = neighborhoodFile(dir, extra);
      const neighborhood = loadNeighborhood(file);
      // Federation on, with two trusted CAs: the CA list comes from a directory listing.
      const federation = federationPaths(neighborhood.dataDir);
      createCommunityCa(federation, "Maple mesh");
      issueCertificate(federation, neighborhood.server_name, join(neighborhood.dataDir, "federation"));
      const other = mkdtempSync(join(dir, "other-mesh-"));
      createCommunityCa(federationPaths(other), "Oak mesh");
      trustCa(federation, federationPaths(other).caCertificate);

      // `configure` (serviceCommands.ts) …
      writeBlockConfig(loadNeighborhood(file));
      const written = synapseFiles(neighborhood.dataDir);
      assert.ok(written.get(join(neighborhood.dataDir, "synapse", "homeserver.yaml"))?.includes("federation_custom_ca_list"));
      for (const path of written.keys()) utimesSync(path, longAgo, longAgo);

      // … then serve-bots in another process: startNeighborhood's writeConfig, with no bots or overrides given.
      writeBlockConfig(loadNeighborhood(file), undefined, undefined);
      const rewritten = synapseFiles(neighborhood.dataDir);
      assert.deepEqual([...rewritten.keys()].sort(), [...written.keys()].sort(), "the same files");
      for (const [path, content] of written) {
        assert.equal(rewritten.get(path), content, `${path} has the same bytes`);
        assert.equal(statSync(path).mtime.toISOString(), longAgo.toISOString(), `${path} was not rewritten (its content was already right)`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
