// Serves Element Web's config.json and /.well-known/matrix/client, and an Element Web release directory
// when there is one: the neighborhood file's element_web_dir, or the release installed in
// DATA_DIR/element-web (deploy/production/element/, downloaded by `run` when element_web_release names one),
// with the block's own welcome and Home pages (elementWebApp.ts). Without a release directory the front page
// says how to get one and that any Element client works with the server URL.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { httpsElementOrigin } from "../../homeserver-config/clientHttps.ts";
import express from "express";
import type { LoadedNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { clientWellKnown, elementConfig } from "./elementConfig.ts";
import { servedElementDir } from "../production/element/elementWebRoot.ts";
import { initialNorms } from "./blockNorms.ts";
import { JOIN_PATH } from "./joinLink.ts";
import { joinRouter } from "./joinPage/joinRouter.ts";
import { localClientUrl } from "./synapseProcess.ts";
import { elementWebApp } from "./elementWebApp.ts";

export interface ElementServer {
  url: string;
  /** The HTTPS origin (public_url's host on ports.element_https), when the block serves clients over HTTPS. */
  secureUrl?: string;
  stop(): Promise<void>;
}

export interface ElementServerOptions {
  /** The block's norms now, for the join page (run passes the community setting; default: the file's). */
  norms?: () => string;
}

export async function startElementServer(neighborhood: LoadedNeighborhood, options: ElementServerOptions = {}): Promise<ElementServer> {
  const app = express();
  app.disable("x-powered-by");
  const elementDir = servedElementDir(neighborhood);
  app.use(
    JOIN_PATH,
    joinRouter({
      blockName: neighborhood.name,
      dataDir: neighborhood.dataDir,
      clientUrl: localClientUrl(neighborhood),
      serverAddress: neighborhood.public_url,
      norms: options.norms ?? (() => initialNorms(neighborhood)),
      // With a release on its way (element_web_release), "/" serves it once in place, or says how to get one.
      ...(elementDir || neighborhood.element_web_release ? { elementWebUrl: "/" } : {}),
      behindProxy: neighborhood.reverse_proxy,
      ...secureJoinOrigin(neighborhood),
    }),
  );
  app.get("/.well-known/matrix/client", (_request, response) => {
    response.set("Access-Control-Allow-Origin", "*").json(clientWellKnown(neighborhood));
  });
  // Element asks for config.<its hostname>.json first. Compared as a string: a server name with a port
  // ("maple.mesh:8448") is not a valid express route pattern.
  const hostConfig = `/config.${neighborhood.server_name}.json`;
  app.get(/^\/config(\.[^/]+)?\.json$/, (request, response, next) => {
    if (request.path !== "/config.json" && request.path !== hostConfig) return next();
    response.set("Cache-Control", "no-cache").json(elementConfig(neighborhood));
  });
  app.use(elementWebApp(neighborhood));
  // Plain HTTP always (the flyer's link, step 1 of the join page); HTTPS too once `run` has the block's
  // community-CA certificate (homeserver-config/clientHttps.ts), where accounts are created and Element runs.
  const servers: Server[] = [createServer(app)];
  const tls = neighborhood.clientTls;
  if (tls) servers.push(createHttpsServer({ cert: readFileSync(tls.certificate), key: readFileSync(tls.key) }, app));
  const ports = [neighborhood.ports.element, neighborhood.ports.element_https];
  const stop = () => Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())))).then(() => {});
  try {
    for (const [index, server] of servers.entries()) {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(ports[index], neighborhood.bind_address, resolve);
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const host = neighborhood.bind_address === "0.0.0.0" ? "localhost" : neighborhood.bind_address;
  return {
    url: `http://${host}:${neighborhood.ports.element}`,
    ...(tls ? { secureUrl: httpsElementOrigin(neighborhood) } : {}),
    stop,
  };
}

/**
 * Where accounts are created over HTTPS: `run`'s own HTTPS port once it has a certificate, or behind nginx
 * the public HTTPS address (nginx serves /join on 443 too); none while the block has no HTTPS at all.
 */
function secureJoinOrigin(neighborhood: LoadedNeighborhood): { secureOrigin?: string } {
  if (neighborhood.clientTls) return { secureOrigin: httpsElementOrigin(neighborhood) };
  if (neighborhood.reverse_proxy && /^https:/.test(neighborhood.public_url)) return { secureOrigin: new URL(neighborhood.public_url).origin };
  return {};
}
