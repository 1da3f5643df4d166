// Before `run` starts anything: every port the block will listen on, each tried on the address it will
// be bound to. A taken port is named with the neighborhood-file setting that moves it.
import { createServer } from "node:net";
import type { LoadedNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { federationPaths, ownCertificate } from "../../homeserver-config/communityCa.ts";

export interface PlannedListener {
  /** The neighborhood-file key, e.g. "ports.mesh_map". */
  setting: string;
  port: number;
  address: string;
}

const LOOPBACK_ONLY = new Set(["appservice", "synapse_metrics"]);

export function plannedListeners(neighborhood: LoadedNeighborhood): PlannedListener[] {
  const federationOn = ownCertificate(federationPaths(neighborhood.dataDir)) !== undefined;
  const listeners = Object.entries(neighborhood.ports)
    .filter(([key]) => key !== "federation" || (federationOn && !neighborhood.reverse_proxy))
    // The HTTPS ports open only once clients can be served the community CA's certificate (clientHttps.ts).
    .filter(([key]) => (key !== "client_https" && key !== "element_https") || neighborhood.clientTls !== undefined)
    .map(([key, port]) => ({
      setting: `ports.${key}`,
      port,
      address:
        LOOPBACK_ONLY.has(key) || (key === "client" && (neighborhood.reverse_proxy || neighborhood.workers.enabled)) ? "127.0.0.1" : neighborhood.bind_address,
    }));
  if (!neighborhood.workers.enabled) return listeners;
  const { metrics_base, ...workerPorts } = neighborhood.workers.ports;
  return [
    ...listeners,
    ...Object.entries(workerPorts).map(([key, port]) => ({ setting: `workers.ports.${key}`, port, address: "127.0.0.1" })),
    // One metrics port per worker, counting up from metrics_base (homeserver-config/workers/workerLayout.ts).
    ...[0, 1, 2, 3, 4].map((index) => ({ setting: "workers.ports.metrics_base", port: metrics_base + index, address: "127.0.0.1" })),
  ];
}

function canListen(port: number, address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: address, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The planned listeners whose port something else holds now. */
export async function takenListeners(neighborhood: LoadedNeighborhood): Promise<PlannedListener[]> {
  const listeners = plannedListeners(neighborhood);
  const free = await Promise.all(listeners.map((listener) => canListen(listener.port, listener.address)));
  return listeners.filter((_, index) => !free[index]);
}

export function describeTakenPorts(taken: readonly PlannedListener[], file: string): string {
  const lines = taken.map((listener) => `  - port ${listener.port} on ${listener.address} (${listener.setting}) is in use by another program`);
  return `This block cannot start: ${taken.length === 1 ? "a port it needs is" : "ports it needs are"} taken.
${lines.join("\n")}
Stop the program holding ${taken.length === 1 ? "it" : "them"} (\`ss -ltnp\` shows which), or set ${[...new Set(taken.map((listener) => listener.setting))].join(", ")} in ${file} to a free port and run again. Nothing was started.`;
}
