// Is a neighboring block reachable over federation right now? A TLS request to its federation port,
// at its mesh address, verified against the CAs this block trusts: the same check Synapse's own
// connections must pass.
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { hostOf } from "../../homeserver-config/communityCa.ts";

export interface ProbeResult {
  reachable: boolean;
  /** Synapse's name and version on the other side, when reachable. */
  server?: string;
  error?: string;
}

function portOf(serverName: string): number {
  const match = /:(\d+)$/.exec(serverName);
  return match ? Number(match[1]) : 8448;
}

export function probeNeighbor(serverName: string, address: string, trustedCas: readonly string[], timeoutMs = 5000): Promise<ProbeResult> {
  const ca = trustedCas.map((file) => readFileSync(file));
  return new Promise((resolve) => {
    const req = request(
      {
        host: address,
        port: portOf(serverName),
        path: "/_matrix/federation/v1/version",
        servername: hostOf(serverName),
        headers: { host: serverName },
        ca,
        timeout: timeoutMs,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk.slice(0, 4096)));
        res.on("end", () => {
          try {
            const server = (JSON.parse(body) as { server?: { name?: string; version?: string } }).server;
            resolve({ reachable: res.statusCode === 200, server: `${server?.name ?? "?"} ${server?.version ?? "?"}` });
          } catch {
            resolve({ reachable: false, error: `answered ${res.statusCode} with something that is not Matrix` });
          }
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on("error", (error) => resolve({ reachable: false, error: error.message }));
    req.end();
  });
}
