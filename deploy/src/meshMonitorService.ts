// The mesh monitor as part of `run`: the map on ports.mesh_map, alerts into the mesh bot's webhook on
// this box. With no routers configured yet it watches a small simulated mesh, so a new block sees the
// map and an alert on day one; `mesh_monitor.config` points it at the real routers. The simulation's
// alerts go to the operator unless `mesh_monitor.simulated_alerts: room`.
import { readFileSync } from "node:fs";
import { resolve, dirname, join } from "node:path";
import { parse as parseYaml } from "yaml";
import type { LoadedNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { secretPath } from "../../homeserver-config/secrets.ts";
import { parseMonitorConfig, runMonitor, type RunningMonitor } from "../../mesh-monitor/src/cli.ts";

type MapSettings = Pick<LoadedNeighborhood, "public_url" | "ports" | "mesh_monitor">;

/** The map as neighbors open it, which alert messages link to: `mesh_monitor.public_map_url`, else
 * public_url's host (the address neighbors already reach the box at) with the map's port. Never the
 * address it listens on: 0.0.0.0 opens nothing on a neighbor's phone. */
export function publicMapUrl(neighborhood: MapSettings): string {
  const explicit = neighborhood.mesh_monitor.public_map_url;
  if (explicit !== undefined) return explicit.endsWith("/") ? explicit : `${explicit}/`;
  return `http://${new URL(neighborhood.public_url).hostname}:${neighborhood.ports.mesh_map}/`;
}

export async function startMeshMonitor(neighborhood: LoadedNeighborhood, appserviceUrl: string, secretsDir: string): Promise<RunningMonitor> {
  const { mesh_monitor: settings } = neighborhood;
  const file = settings.config === undefined ? undefined : resolve(dirname(neighborhood.file), settings.config);
  const raw = (file === undefined ? {} : parseYaml(readFileSync(file, "utf8"))) as Record<string, unknown>;
  const config = parseMonitorConfig(
    {
      blockName: neighborhood.name,
      // What the rules learned, which alerts are firing and the map's recent alerts survive a restart.
      stateFile: join(neighborhood.dataDir, "mesh-monitor", "rule-state.json"),
      ...raw,
      // The neighborhood file's explicit address wins over the monitor file's; either wins over the guess.
      externalURL: settings.public_map_url ?? (typeof raw.externalURL === "string" ? raw.externalURL : publicMapUrl(neighborhood)),
      simulatedAlerts: settings.simulated_alerts,
      listen: { host: neighborhood.bind_address, port: neighborhood.ports.mesh_map },
      alerts: { url: `${appserviceUrl}/_blockshare/webhooks/mesh/alerts`, tokenFile: secretPath(secretsDir, "webhook_token") },
    },
    settings.simulate && file === undefined,
  );
  return runMonitor(config, settings.simulate && file === undefined, () => {});
}
