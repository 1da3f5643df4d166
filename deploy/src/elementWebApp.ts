// Element Web on the Element port: the block's embedded pages (welcome, Home), then the release directory,
// or, while there is none, a front page saying how to get in without it. The directory is looked up per
// request until it exists, so a release that `run` downloads in the background (elementWebDownload.ts) is
// served as soon as it is in place, without a restart.
import express, { type RequestHandler, type Router } from "express";
import type { LoadedNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { servedElementDir } from "../production/element/elementWebRoot.ts";
import { HOME_PAGE, homePage, noElementPage, WELCOME_PAGE, welcomePage } from "./elementPages.ts";
import { languageHeaders, pageLanguage } from "./joinPage/pageLanguage.ts";
import type { Language } from "../../bots/framework/languages.ts";

// What the no-Element page says about getting a release, which `run` says too (in English, to the operator).
export { howToGetElement } from "./elementPages.ts";

export function elementWebApp(neighborhood: LoadedNeighborhood): Router {
  const router = express.Router();
  const page =
    (html: (language: Language) => string): RequestHandler =>
    (request, response) => {
      // Element fetches these with fetch(), so the browser's Accept-Language picks the page's language;
      // no-cache so a renamed block shows at the next load.
      const language = pageLanguage(request);
      languageHeaders(response, language);
      response.set("Cache-Control", "no-cache").type("html").send(html(language));
    };
  router.get(
    `/${WELCOME_PAGE}`,
    page((language) => welcomePage(neighborhood, language)),
  );
  router.get(
    `/${HOME_PAGE}`,
    page((language) => homePage(neighborhood, language)),
  );
  const front = page((language) => noElementPage(neighborhood, language));

  let found: { dir: string; serve: RequestHandler } | undefined;
  router.use((request, response, next) => {
    if (!found) {
      const dir = servedElementDir(neighborhood);
      if (dir) found = { dir, serve: express.static(dir, { index: "index.html", dotfiles: "ignore" }) };
    }
    if (found) return found.serve(request, response, next);
    if (request.method === "GET" && request.path === "/") return front(request, response, next);
    next();
  });
  return router;
}
