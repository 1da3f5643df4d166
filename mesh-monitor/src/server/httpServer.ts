// The monitor's HTTP face: the map at /, /api/state for it, /metrics for Prometheus, /health, and the
// NetJSON push intake. node:http, a table of routes; request bodies are size-capped while streaming.
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mapPageLanguage } from "../map/mapLanguage.ts";
import { renderMapPage } from "../map/mapPage.ts";
import { mapLanguages } from "../map/mapWords.ts";
import type { MeshMonitor } from "../monitor.ts";
import { createStateBuilder } from "./apiState.ts";
import { handleNetJsonPush } from "./netjsonPush.ts";
import type { RejectReason } from "../collectors/telemetryError.ts";

export interface MetricsRenderer {
  readonly contentType: string;
  render(): Promise<string>;
  /** The same as bytes in pieces, when the renderer can write them directly (a large exposition is
   * neither decoded to a string nor joined). */
  renderChunks?(): Promise<Buffer[]>;
}

export interface ServerOptions {
  monitor: MeshMonitor;
  metrics: MetricsRenderer;
  host?: string;
  port?: number;
  /** Bearer token for POST /api/push/netjson; without one, push is refused (403). */
  pushToken?: string;
  /** Default 1 MiB: a router's NetJSON is a few KiB. */
  maxPushBytes?: number;
  /** The block's name for its map, said as it is; without one the map is called "Mesh map" in each language. */
  title?: string;
  /** The block's name: the map is called after it in each language ("Maple Street mesh", "Red de Maple Street"). */
  blockName?: string;
  /** Counts refused pushes (metrics). */
  onPushRejected?: (reason: RejectReason | "unauthorized", message: string) => void;
  onPushAccepted?: () => void;
}

type Handler = (request: IncomingMessage, response: ServerResponse, url: URL) => void | Promise<void>;

function send(response: ServerResponse, status: number, contentType: string, body: string, extra: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": contentType, "cache-control": "no-store", "x-content-type-options": "nosniff", ...extra });
  response.end(body);
}

const sendJson = (response: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void =>
  send(response, status, "application/json; charset=utf-8", `${JSON.stringify(value)}\n`, extra);

// Constant-time, as the appservice host's hsTokenAuth.ts checks its tokens (hashing first gives equal
// lengths). The two are not one module: the monitor imports nothing outside its folder, the host nothing
// but npm packages and the bots' contract, and no folder is open to both.
function tokenMatches(header: string | undefined, expected: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? "");
  if (match === null) return false;
  const digest = (text: string): Buffer => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(match[1]!.trim()), digest(expected));
}

/** Reads at most `limit` bytes; resolves undefined (and stops reading) once the body is bigger. */
function readCapped(request: IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(request.headers["content-length"] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners("data");
        request.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startMonitorServer(options: ServerOptions): Promise<RunningServer> {
  const buildState = createStateBuilder(options.monitor);
  const maxPushBytes = options.maxPushBytes ?? 1024 * 1024;
  // One page per language, rendered once: the map's words do not change while the monitor runs.
  const pages = new Map(mapLanguages.map((language) => [language, renderMapPage({ language, title: options.title, blockName: options.blockName })]));

  const pushNetJson: Handler = async (request, response, url) => {
    if (options.pushToken === undefined) {
      options.onPushRejected?.("unauthorized", "push is not enabled");
      return sendJson(response, 403, { ok: false, error: "push is not enabled on this monitor (no push token configured)" });
    }
    if (!tokenMatches(request.headers.authorization, options.pushToken)) {
      options.onPushRejected?.("unauthorized", "missing or wrong bearer token");
      return sendJson(
        response,
        401,
        { ok: false, error: "missing or wrong bearer token; send Authorization: Bearer <push token>" },
        { "www-authenticate": "Bearer" },
      );
    }
    const text = await readCapped(request, maxPushBytes);
    if (text === undefined) {
      options.onPushRejected?.("too_large", `body larger than ${maxPushBytes} bytes`);
      // Close the connection: the rest of a huge body is not worth reading.
      return sendJson(
        response,
        413,
        { ok: false, error: `the body is larger than ${maxPushBytes} bytes`, accepted: "a router's NetJSON document, a few KiB" },
        { connection: "close" },
      );
    }
    const outcome = handleNetJsonPush(text, url.searchParams, Date.now());
    if (outcome.accepted !== undefined) {
      options.monitor.acceptPush(outcome.accepted.name, outcome.accepted.snapshot, outcome.accepted.reporterNodeId);
      options.onPushAccepted?.();
    } else if (outcome.reason !== undefined) options.onPushRejected?.(outcome.reason, outcome.body.error ?? "");
    sendJson(response, outcome.status, outcome.body);
  };

  const routes: Record<string, Handler> = {
    "GET /": (request, response, url) => {
      // ?lang= (the page's links), else Accept-Language; caches keep one copy per language.
      const language = mapPageLanguage(url, request.headers["accept-language"]);
      send(response, 200, "text/html; charset=utf-8", pages.get(language) ?? "", {
        "content-security-policy": "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:",
        "content-language": language,
        vary: "Accept-Language",
      });
    },
    "GET /api/state": (_request, response) => sendJson(response, 200, buildState()),
    "GET /metrics": async (_request, response) => {
      if (options.metrics.renderChunks === undefined) return send(response, 200, options.metrics.contentType, await options.metrics.render());
      const chunks = await options.metrics.renderChunks();
      const length = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
      response.writeHead(200, {
        "content-type": options.metrics.contentType,
        "content-length": length,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      });
      for (const chunk of chunks) response.write(chunk);
      response.end();
    },
    "GET /health": (_request, response) => {
      const cycle = options.monitor.latestCycle;
      const blind = cycle?.view.sources.filter((source) => source.blind).map((source) => source.source) ?? [];
      sendJson(response, 200, { status: "ok", lastCycle: cycle === undefined ? null : new Date(cycle.at).toISOString(), blindSources: blind });
    },
    "POST /api/push/netjson": pushNetJson,
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://monitor");
    const method = request.method === "HEAD" ? "GET" : request.method;
    const handler = routes[`${method} ${url.pathname}`];
    if (handler === undefined) {
      const allowed = Object.keys(routes).filter((route) => route.endsWith(` ${url.pathname}`));
      if (allowed.length > 0)
        return sendJson(response, 405, { ok: false, error: `use ${allowed.map((route) => route.split(" ")[0]).join(" or ")} for ${url.pathname}` });
      return sendJson(response, 404, { ok: false, error: `nothing at ${url.pathname}; try /, /api/state, /metrics, /health or POST /api/push/netjson` });
    }
    Promise.resolve(handler(request, response, url)).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { ok: false, error: `internal error: ${(error as Error).message}` });
      else response.destroy();
    });
  });
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
