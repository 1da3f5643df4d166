// The reverse-proxy side of the worker deployment: nginx upstreams and `location` blocks that send each
// request path to its worker, everything else to the main process. Shared by the test proxy and the
// production TLS configuration so both route identically.
import type { WorkerLayout } from "./workerLayout.ts";
import { workerRouting } from "./workerLayout.ts";

/**
 * `upstream` blocks, for the nginx `http {}` context. Each worker's upstream falls back to the main
 * process (`backup`), which can serve every endpoint: a stopped or crashed worker degrades the block
 * instead of breaking it.
 */
export function nginxUpstreams(layout: WorkerLayout): string {
  const { upstreams } = workerRouting(layout);
  const main = upstreams.synapse_main;
  return Object.entries(upstreams)
    .map(([name, address]) => {
      const backup = name === "synapse_main" ? "" : `    server ${main} backup;\n`;
      return `upstream ${name} {\n    server ${address} max_fails=1 fail_timeout=5s;\n${backup}    keepalive 16;\n}\n`;
    })
    .join("");
}

const proxyHeaders = [
  "proxy_http_version 1.1;",
  'proxy_set_header Connection "";',
  "proxy_set_header Host $host;",
  "proxy_set_header X-Forwarded-For $remote_addr;",
  "proxy_set_header X-Forwarded-Proto $scheme;",
  // Long-polling /sync waits up to 30 s by default; leave room.
  "proxy_read_timeout 600s;",
];

/**
 * What a `server {}` passes to Synapse. Synapse's docs advise keeping the admin API (/_synapse/admin)
 * off anything public, so only a loopback server passes everything:
 * - "loopback": every path, the admin API included (the operator's CLI; never listen beyond 127.0.0.1);
 * - "clients": the client API (/_matrix) and the pages clients open under /_synapse/client (sign-up,
 *   SSO), not the rest of /_synapse;
 * - "federation": /_matrix/federation and /_matrix/key only: no client API, no /_synapse.
 */
export type SynapseSurface = "loopback" | "clients" | "federation";

interface SurfaceRoutes {
  /** Prefix (or `= exact`) locations proxied to the main process. */
  proxied: readonly string[];
  /** Which worker routes apply. */
  routes: (regex: string) => boolean;
  /** Prefix locations answered 404 by nginx itself, as Synapse answers a path it does not know. */
  refused: readonly string[];
}

const federationOnly = (regex: string) => /^\^\/_matrix\/(federation|key)\//.test(regex);

const SURFACES: Record<SynapseSurface, SurfaceRoutes> = {
  loopback: { proxied: ["/_matrix", "/_synapse", "= /health"], routes: () => true, refused: [] },
  clients: { proxied: ["/_matrix", "/_synapse/client/", "= /health"], routes: () => true, refused: ["/_synapse"] },
  federation: { proxied: ["/_matrix/federation/", "/_matrix/key/"], routes: federationOnly, refused: ["/"] },
};

const UNRECOGNIZED = `'{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}'`;

/** `location` blocks for a `server {}`: regex locations are tried in order, the longest prefix catches the rest. */
export function nginxWorkerLocations(layout: WorkerLayout, surface: SynapseSurface, indent = "    "): string {
  const { routes } = workerRouting(layout);
  const { proxied, routes: applies, refused } = SURFACES[surface];
  const block = (match: string, upstream: string) =>
    `${indent}location ${match} {\n${proxyHeaders.map((line) => `${indent}    ${line}`).join("\n")}\n${indent}    proxy_pass http://${upstream};\n${indent}}\n`;
  const refusal = (prefix: string) =>
    `${indent}location ${prefix} {\n${indent}    default_type application/json;\n${indent}    return 404 ${UNRECOGNIZED};\n${indent}}\n`;
  return [
    ...routes.filter((route) => applies(route.regex)).map((route) => block(`~ ${quoteRegex(route.regex)}`, route.upstream)),
    ...proxied.map((prefix) => block(prefix, "synapse_main")),
    ...refused.map(refusal),
  ].join("");
}

/** nginx needs quotes around regexes holding braces or semicolons; Synapse's have none, and we check. */
function quoteRegex(regex: string): string {
  if (/[{};\s"]/.test(regex)) throw new Error(`route regex ${regex} cannot be written into nginx unquoted`);
  return regex;
}
