// A neighborhood file for a benchmark: the test harness's loopback file with a free port for every port
// the schema knows (the harness leaves the mesh map and federation at their defaults, which `run` would
// then take), so a block already running on this machine cannot make a benchmark fail.
import { readFileSync, writeFileSync } from "node:fs";
import { parse, stringify } from "yaml";
import { NeighborhoodSchema } from "../homeserver-config/neighborhoodSchema.ts";
import { freePorts } from "../test/harness/freePort.ts";
import { writeLoopbackNeighborhood } from "../test/harness/testNeighborhood.ts";

export async function writeBenchNeighborhood(dir: string, name: string, serverName: string): Promise<string> {
  const file = await writeLoopbackNeighborhood(dir, name, serverName);
  const settings = parse(readFileSync(file, "utf8")) as { public_url: string; ports: Record<string, number> };
  const keys = Object.keys(NeighborhoodSchema.properties.ports.properties);
  const ports = await freePorts(keys.length);
  settings.ports = Object.fromEntries(keys.map((key, index) => [key, ports[index]!]));
  // public_url names the client port, which has just changed.
  settings.public_url = `http://127.0.0.1:${settings.ports.client}`;
  writeFileSync(file, stringify(settings));
  return file;
}
