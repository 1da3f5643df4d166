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

/** `location` blocks for a `server {}`: regex locations are tried in order, `/` catches the rest. */
export function nginxWorkerLocations(layout: WorkerLayout, indent = "    "): string {
  const { routes } = workerRouting(layout);
  const block = (match: string, upstream: string) =>
    `${indent}location ${match} {\n${proxyHeaders.map((line) => `${indent}    ${line}`).join("\n")}\n${indent}    proxy_pass http://${upstream};\n${indent}}\n`;
  return [
    ...routes.map((route) => block(`~ ${quoteRegex(route.regex)}`, route.upstream)),
    block("/_matrix", "synapse_main"),
    block("/_synapse", "synapse_main"),
    block("= /health", "synapse_main"),
  ].join("");
}

/** nginx needs quotes around regexes holding braces or semicolons; Synapse's have none, and we check. */
function quoteRegex(regex: string): string {
  if (/[{};\s"]/.test(regex)) throw new Error(`route regex ${regex} cannot be written into nginx unquoted`);
  return regex;
}
