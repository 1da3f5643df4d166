// Element Web on the Element port: the block's embedded pages (welcome, Home), then the release directory,
// or, while there is none, a front page saying how to get in without it. The directory is looked up per
// request until it exists, so a release that `run` downloads in the background (elementWebDownload.ts) is
// served as soon as it is in place, without a restart.
import express, { type RequestHandler, type Router } from "express";
import type { LoadedNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { servedElementDir } from "../production/element/elementWebRoot.ts";
import { HOME_PAGE, homePage, noElementPage, WELCOME_PAGE, welcomePage } from "./elementPages.ts";

/** What the no-Element page and `run` say about getting a release, given the neighborhood file. */
export function howToGetElement(neighborhood: Pick<LoadedNeighborhood, "element_web_release">): string {
  const bring = "unpack an Element Web release tarball (element-vX.Y.Z.tar.gz from github.com/element-hq/element-web/releases) and set element_web_dir to its folder";
  return neighborhood.element_web_release
    ? `This box does not serve Element Web yet: it downloads the release named in element_web_release in the neighborhood file each time the block starts, and serves it once in place. Without internet, the operator can ${bring}.`
    : `This box does not serve Element Web yet. The operator can name a release to download in element_web_release { url, sha256 } in the neighborhood file, or ${bring}.`;
}

export function elementWebApp(neighborhood: LoadedNeighborhood): Router {
  const router = express.Router();
  const page = (html: () => string): RequestHandler => (_request, response) => {
    // Element fetches these with fetch(); no-cache so a renamed block shows at the next load.
    response.set("Cache-Control", "no-cache").type("html").send(html());
  };
  router.get(`/${WELCOME_PAGE}`, page(() => welcomePage(neighborhood)));
  router.get(`/${HOME_PAGE}`, page(() => homePage(neighborhood)));

  let found: { dir: string; serve: RequestHandler } | undefined;
  router.use((request, response, next) => {
    if (!found) {
      const dir = servedElementDir(neighborhood);
      if (dir) found = { dir, serve: express.static(dir, { index: "index.html", dotfiles: "ignore" }) };
    }
    if (found) return found.serve(request, response, next);
    if (request.method === "GET" && request.path === "/") return void response.type("html").send(noElementPage(neighborhood, howToGetElement(neighborhood)));
    next();
  });
  return router;
}
