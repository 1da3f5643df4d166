// The mesh monitor as part of `run`: the map on ports.mesh_map, alerts into the mesh bot's webhook on
// this box. With no routers configured yet it watches a small simulated mesh, so a new block sees the
// map and an alert on day one; `mesh_monitor.config` points it at the real routers.
import { readFileSync } from "node:fs";
import { resolve, dirname, join } from "node:path";
import { parse as parseYaml } from "yaml";
import type { LoadedNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { secretPath } from "../../homeserver-config/secrets.ts";
import { parseMonitorConfig, runMonitor, type RunningMonitor } from "../../mesh-monitor/src/cli.ts";

export async function startMeshMonitor(neighborhood: LoadedNeighborhood, appserviceUrl: string, secretsDir: string): Promise<RunningMonitor> {
  const { mesh_monitor: settings } = neighborhood;
  const file = settings.config === undefined ? undefined : resolve(dirname(neighborhood.file), settings.config);
  const raw = (file === undefined ? {} : parseYaml(readFileSync(file, "utf8"))) as Record<string, unknown>;
  const config = parseMonitorConfig(
    {
      title: `${neighborhood.name} mesh`,
      // What the rules learned and which alerts are firing survive a restart (no re-posted alerts).
      stateFile: join(neighborhood.dataDir, "mesh-monitor", "rule-state.json"),
      ...raw,
      listen: { host: neighborhood.bind_address, port: neighborhood.ports.mesh_map },
      alerts: { url: `${appserviceUrl}/_blockshare/webhooks/mesh/alerts`, tokenFile: secretPath(secretsDir, "webhook_token") },
    },
    settings.simulate && file === undefined,
  );
  return runMonitor(config, settings.simulate && file === undefined, () => {});
}
