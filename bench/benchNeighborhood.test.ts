// A benchmark's block listens only on ports picked free for it: none of the defaults a block already
// running on this machine holds (8008, 9009, 8080, 9000, 9464, 8448).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Value } from "@sinclair/typebox/value";
import { loadNeighborhood } from "../homeserver-config/loadNeighborhood.ts";
import { NeighborhoodSchema } from "../homeserver-config/neighborhoodSchema.ts";
import { writeBenchNeighborhood } from "./benchNeighborhood.ts";

test("the benchmark neighborhood file gives every port the schema knows a distinct non-default port", async () => {
  const dir = mkdtempSync(join(tmpdir(), "blockshare-benchports-"));
  try {
    const neighborhood = loadNeighborhood(await writeBenchNeighborhood(dir, "Ports Block", "ports.localhost"));
    const defaults = Value.Default(NeighborhoodSchema.properties.ports, {}) as Record<string, number>;
    const ports = neighborhood.ports as Record<string, number>;
    assert.deepEqual(Object.keys(ports).sort(), Object.keys(defaults).sort());
    for (const [key, port] of Object.entries(ports)) assert.notEqual(port, defaults[key], `ports.${key} is the default ${port}`);
    assert.equal(new Set(Object.values(ports)).size, Object.keys(ports).length, `ports repeat: ${JSON.stringify(ports)}`);
    assert.equal(neighborhood.public_url, `http://127.0.0.1:${ports.client}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
