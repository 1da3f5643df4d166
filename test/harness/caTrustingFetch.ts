// A fetch for matrix-js-sdk (its `fetchFn`) and raw requests that trusts exactly one CA: node:https with
// `ca`, so a test proves the server's certificate verifies against the community CA — never by turning
// verification off (NODE_TLS_REJECT_UNAUTHORIZED) or trusting whatever is served. With `connectTo`, a
// name that no DNS knows (https://chat.maple.localhost behind nginx on a free port) is reached on loopback,
// while the certificate is still checked for the name in the URL (SNI and Host say it too).
import { request } from "node:https";

const TIMEOUT_MS = 30_000;
const MAX_BODY_BYTES = 10_000_000;

export interface CaTrustingFetchOptions {
  /** Where to connect for every request (e.g. 127.0.0.1 and nginx's free port), instead of the URL's host and port. */
  connectTo?: { host: string; port: number };
}

export function caTrustingFetch(caPem: string, options: CaTrustingFetchOptions = {}): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    if (url.protocol !== "https:") throw new Error(`caTrustingFetch is for https only, not ${url.href}`);
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const route = options.connectTo ? { hostname: options.connectTo.host, port: options.connectTo.port, servername: url.hostname } : {};
    if (options.connectTo) headers.host = url.host;
    const body =
      init.body === undefined || init.body === null
        ? undefined
        : typeof init.body === "string"
          ? init.body
          : Buffer.from(await new Response(init.body).arrayBuffer());
    return new Promise<Response>((resolve, reject) => {
      const outgoing = request(url, { method: init.method ?? "GET", headers, ca: caPem, timeout: TIMEOUT_MS, ...route }, (incoming) => {
        const chunks: Buffer[] = [];
        let size = 0;
        incoming.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) incoming.destroy(new Error(`more than ${MAX_BODY_BYTES} bytes from ${url.href}`));
          else chunks.push(chunk);
        });
        incoming.on("error", reject);
        incoming.on("end", () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) {
            for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) responseHeaders.append(name, one);
          }
          const status = incoming.statusCode ?? 0;
          resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
        });
      });
      outgoing.on("timeout", () => outgoing.destroy(new Error(`no answer from ${url.href} within ${TIMEOUT_MS / 1000} s`)));
      outgoing.on("error", reject);
      init.signal?.addEventListener("abort", () => outgoing.destroy(new Error("aborted")), { once: true });
      outgoing.end(body);
    });
  }) as typeof fetch;
}
