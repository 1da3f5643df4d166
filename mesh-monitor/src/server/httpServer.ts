// The monitor's HTTP face: the map at /, /api/state for it, /metrics for Prometheus, /health, and the
// NetJSON push intake. An express app, as the appservice host and the join page are; every answer the
// monitor gives itself, refusals included, is JSON that says what to do instead.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type ErrorRequestHandler, type RequestHandler, type Response } from "express";
import { bearerChecker } from "../../../common/bearerToken.ts";
import type { RejectReason } from "../collectors/telemetryError.ts";
import { mapPageLanguage } from "../map/mapLanguage.ts";
import { renderMapPage } from "../map/mapPage.ts";
import { mapLanguages } from "../map/mapWords.ts";
import type { MeshMonitor } from "../monitor.ts";
import { createStateBuilder } from "./apiState.ts";
import { cappedTextBody } from "./cappedBody.ts";
import { handleNetJsonPush } from "./netjsonPush.ts";

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

const noStore = { "cache-control": "no-store", "x-content-type-options": "nosniff" };

function send(response: Response, status: number, contentType: string, body: string, extra: Record<string, string> = {}): void {
  response
    .status(status)
    .set({ "content-type": contentType, ...noStore, ...extra })
    .send(body);
}

const sendJson = (response: Response, status: number, value: unknown, extra: Record<string, string> = {}): void =>
  send(response, status, "application/json; charset=utf-8", `${JSON.stringify(value)}\n`, extra);

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Paths the monitor serves, for the 404's hint and each path's 405. */
const routes: Record<string, readonly string[]> = {
  "/": ["GET"],
  "/api/state": ["GET"],
  "/metrics": ["GET"],
  "/health": ["GET"],
  "/api/push/netjson": ["POST"],
};

export function createMonitorApp(options: ServerOptions): express.Express {
  const buildState = createStateBuilder(options.monitor);
  const maxPushBytes = options.maxPushBytes ?? 1024 * 1024;
  // One page per language, rendered once: the map's words do not change while the monitor runs.
  const pages = new Map(mapLanguages.map((language) => [language, renderMapPage({ language, title: options.title, blockName: options.blockName })]));
  const checkPushToken = options.pushToken === undefined ? undefined : bearerChecker(options.pushToken);

  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  // One URL per resource, as written: /API/State and /api/state/ are not the state.
  app.set("case sensitive routing", true);
  app.set("strict routing", true);

  app.get("/", (request, response) => {
    // ?lang= (the page's links), else Accept-Language; caches keep one copy per language.
    const language = mapPageLanguage(request);
    send(response, 200, "text/html; charset=utf-8", pages.get(language) ?? "", {
      "content-security-policy": "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:",
      "content-language": language,
      vary: "Accept-Language",
    });
  });
  app.get("/api/state", (_request, response) => sendJson(response, 200, buildState()));
  app.get("/metrics", async (_request, response) => {
    if (options.metrics.renderChunks === undefined) return send(response, 200, options.metrics.contentType, await options.metrics.render());
    // A large exposition goes out in the renderer's pieces, never joined into one string.
    const chunks = await options.metrics.renderChunks();
    const length = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    response.writeHead(200, { "content-type": options.metrics.contentType, "content-length": length, ...noStore });
    for (const chunk of chunks) response.write(chunk);
    response.end();
  });
  app.get("/health", (_request, response) => {
    const cycle = options.monitor.latestCycle;
    const blind = cycle?.view.sources.filter((source) => source.blind).map((source) => source.source) ?? [];
    sendJson(response, 200, { status: "ok", lastCycle: cycle === undefined ? null : new Date(cycle.at).toISOString(), blindSources: blind });
  });

  // The token is checked before a byte of the body is read.
  const requirePushToken: RequestHandler = (request, response, next) => {
    if (checkPushToken === undefined) {
      options.onPushRejected?.("unauthorized", "push is not enabled");
      return sendJson(response, 403, { ok: false, error: "push is not enabled on this monitor (no push token configured)" });
    }
    if (checkPushToken(request.get("authorization")) !== "ok") {
      options.onPushRejected?.("unauthorized", "missing or wrong bearer token");
      return sendJson(
        response,
        401,
        { ok: false, error: "missing or wrong bearer token; send Authorization: Bearer <push token>" },
        { "www-authenticate": "Bearer" },
      );
    }
    next();
  };
  const tooLarge: RequestHandler = (_request, response) => {
    options.onPushRejected?.("too_large", `body larger than ${maxPushBytes} bytes`);
    // Close the connection: the rest of a huge body is not worth reading.
    sendJson(
      response,
      413,
      { ok: false, error: `the body is larger than ${maxPushBytes} bytes`, accepted: "a router's NetJSON document, a few KiB" },
      { connection: "close" },
    );
  };
  app.post("/api/push/netjson", requirePushToken, cappedTextBody(maxPushBytes, tooLarge), (request, response) => {
    const outcome = handleNetJsonPush(request.body as string, new URL(request.originalUrl, "http://monitor").searchParams, Date.now());
    if (outcome.accepted !== undefined) {
      options.monitor.acceptPush(outcome.accepted.name, outcome.accepted.snapshot, outcome.accepted.reporterNodeId);
      options.onPushAccepted?.();
    } else if (outcome.reason !== undefined) options.onPushRejected?.(outcome.reason, outcome.body.error ?? "");
    sendJson(response, outcome.status, outcome.body);
  });

  for (const [path, methods] of Object.entries(routes))
    app.all(path, (_request, response) =>
      sendJson(response, 405, { ok: false, error: `use ${methods.join(" or ")} for ${path}` }, { allow: methods.join(", ") }),
    );
  app.use((request, response) =>
    sendJson(response, 404, { ok: false, error: `nothing at ${request.path}; try /, /api/state, /metrics, /health or POST /api/push/netjson` }),
  );
  const failed: ErrorRequestHandler = (error: unknown, _request, response, _next) => {
    if (response.headersSent) return void response.destroy();
    // express's own refusals (a malformed URL) carry their status; anything else is the monitor's fault.
    const status = typeof (error as { status?: unknown }).status === "number" ? (error as { status: number }).status : 500;
    sendJson(response, status, { ok: false, error: status === 500 ? `internal error: ${(error as Error).message}` : (error as Error).message });
  };
  app.use(failed);
  return app;
}

export async function startMonitorServer(options: ServerOptions): Promise<RunningServer> {
  const server = createServer(createMonitorApp(options));
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
