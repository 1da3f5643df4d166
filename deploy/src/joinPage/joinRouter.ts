// The join page's routes, mounted at /join on the Element port (`run`) or behind nginx:
//   GET  /join                 the page
//   GET  /join/ca.crt          the community CA (PEM), for Android and laptops
//   GET  /join/ca.mobileconfig the same CA as an iPhone/iPad profile
//   GET  /join/trusted         204: the page on plain HTTP asks the HTTPS origin, to learn the CA is trusted
//   GET  /join/available       whether a username is free (as the neighbor types)
//   POST /join/signup          creates the account through Synapse (JSON in, JSON out)
// Each answer a neighbor reads is in the request's language (pageLanguage.ts: ?lang=, else Accept-Language).
// Nothing here logs a request body: passwords and invitation tokens only pass through.
import { readFileSync } from "node:fs";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { RateLimiter, type RateLimitOptions } from "../../../bots/framework/rateLimiter.ts";
import { communityCa } from "../inviteCommunityCa.ts";
import { caMobileconfig, MOBILECONFIG_TYPE } from "./caProfile.ts";
import { joinPageHtml } from "./joinPageHtml.ts";
import { languageHeaders, pageLanguage, pageWords } from "./pageLanguage.ts";
import { renderOutcome, USERNAME_PATTERN, usernameRule, type SignupOutcome } from "./signupOutcome.ts";
import type { Language, MessageKey } from "../../../bots/framework/languages.ts";
import { sayPlain } from "../../../bots/framework/speak.ts";
import { isRefusal, normalizedUsername, parseSignup } from "./signupRequest.ts";
import { signUpWithSynapse, usernameAvailability, type Availability } from "./synapseSignup.ts";

export interface JoinPageOptions {
  blockName: string;
  dataDir: string;
  /** Synapse's client API as this box reaches it (loopback). */
  clientUrl: string;
  /** The address neighbors type in Element X. */
  serverAddress: string;
  /** The block's norms now (read on every page view: a passed proposal changes them). */
  norms: () => string;
  elementWebUrl?: string;
  /** Behind nginx every request comes from loopback; the neighbor's address is in X-Real-IP. */
  behindProxy: boolean;
  /**
   * The HTTPS origin of this same page (`run` with a community-CA certificate; nginx's 443 behind the
   * proxy). Then the page on plain HTTP only helps to trust the CA, and accounts are created over HTTPS alone.
   */
  secureOrigin?: string;
  /** Sign-up attempts per address: a burst, then one per refill interval. */
  signupLimit?: RateLimitOptions;
}

/** The largest sign-up body accepted: the form's fields fit in a fraction of this. */
export const MAX_SIGNUP_BYTES = 4096;
// A sign-up evening behind one mesh NAT address: 20 neighbors at once, then one every 3 s.
const defaultSignupLimit: RateLimitOptions = { burst: 20, refillEveryMs: 3000, maxTracked: 10_000 };
const availabilityLimit: RateLimitOptions = { burst: 60, refillEveryMs: 500, maxTracked: 10_000 };

const availabilityMessages: Record<Availability, MessageKey | undefined> = {
  available: "join.available.available",
  taken: "join.available.taken",
  "not-allowed": "join.available.notAllowed",
  unknown: undefined,
};

function availabilityMessage(state: Availability, language: Language): string {
  const key = availabilityMessages[state];
  return key ? sayPlain(language, key, { rule: usernameRule(language) }) : "";
}

/** A refusal the router itself makes (before a sign-up is read), in the request's language. */
function refuse(request: Request, response: Response, status: number, error: string, key: MessageKey, values = {}): void {
  const language = pageLanguage(request);
  languageHeaders(response, language);
  response
    .status(status)
    .set("Cache-Control", "no-store")
    .json({ ok: false, error, message: sayPlain(language, key, values) });
}

export function joinRouter(options: JoinPageOptions): Router {
  const router = express.Router();
  const signupLimiter = new RateLimiter(options.signupLimit ?? defaultSignupLimit);
  const availabilityLimiter = new RateLimiter(availabilityLimit);
  const addressOf = (request: Request): string => {
    const direct = request.socket.remoteAddress ?? "unknown";
    const forwarded = request.get("x-real-ip");
    return options.behindProxy && forwarded && /^(127\.|::1$|::ffff:127\.)/.test(direct) ? forwarded : direct;
  };
  const send = (request: Request, response: Response, outcome: SignupOutcome) => {
    const language = pageLanguage(request);
    const { status, body } = renderOutcome(outcome, language);
    languageHeaders(response, language);
    response.status(status).set("Cache-Control", "no-store").json(body);
  };

  const fromLoopback = (request: Request) => /^(127\.|::1$|::ffff:127\.)/.test(request.socket.remoteAddress ?? "");
  // Behind nginx a request is never encrypted here: nginx says which port it came in on (Debian's
  // proxy_params sets X-Forwarded-Proto), and only nginx on loopback is believed.
  const isSecure = (request: Request) => request.secure || (options.behindProxy && fromLoopback(request) && request.get("x-forwarded-proto") === "https");
  const onPlainHttp = (request: Request) => options.secureOrigin !== undefined && !isSecure(request);
  const secureJoinUrl = options.secureOrigin === undefined ? undefined : `${options.secureOrigin}/join`;

  router.get("/", (request, response) => {
    const ca = communityCa(options.dataDir);
    const language = pageLanguage(request);
    // The page may ask the HTTPS origins whether this device trusts the CA: Synapse's (public_url) and,
    // under `run`, this page's own HTTPS copy.
    const secureOrigin = [
      ...(/^https:/.test(options.serverAddress) ? [new URL(options.serverAddress).origin] : []),
      ...(onPlainHttp(request) ? [options.secureOrigin] : []),
    ]
      .map((origin) => ` ${origin}`)
      .join("");
    response.set({
      "Cache-Control": "no-store",
      // Nothing leaves the box: no CDN, font or tracker could load even if one slipped in.
      "Content-Security-Policy": `default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'${secureOrigin}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
      "Referrer-Policy": "no-referrer",
    });
    languageHeaders(response, language);
    response.type("html").send(
      joinPageHtml(pageWords(language), {
        blockName: options.blockName,
        norms: options.norms(),
        serverAddress: options.serverAddress,
        ...(ca ? { caFingerprint: ca.fingerprint, caName: ca.name } : {}),
        ...(options.elementWebUrl ? { elementWebUrl: options.elementWebUrl } : {}),
        ...(onPlainHttp(request) && secureJoinUrl ? { secureJoinUrl } : {}),
        secure: isSecure(request),
        languageChosen: typeof request.query.lang === "string",
      }),
    );
  });

  const noCa = (request: Request, response: Response) => {
    const language = pageLanguage(request);
    languageHeaders(response, language);
    response
      .status(404)
      .type("text")
      .send(`${sayPlain(language, "join.noCa")}\n`);
  };

  router.get("/ca.crt", (request, response) => {
    const ca = communityCa(options.dataDir);
    if (!ca) return noCa(request, response);
    response.set("Content-Disposition", 'attachment; filename="community-ca.crt"').type("application/x-x509-ca-cert").send(readFileSync(ca.file));
  });

  router.get("/ca.mobileconfig", (request, response) => {
    const ca = communityCa(options.dataDir);
    if (!ca) return noCa(request, response);
    languageHeaders(response, pageLanguage(request));
    response
      .set("Content-Disposition", 'attachment; filename="community-ca.mobileconfig"')
      .type(MOBILECONFIG_TYPE)
      .send(Buffer.from(caMobileconfig(readFileSync(ca.file, "utf8"), options.blockName, pageLanguage(request))));
  });

  // The page on plain HTTP fetches this from the HTTPS origin: it loads only if the device trusts the CA.
  router.get("/trusted", (_request, response) => {
    response.set("Cache-Control", "no-store").status(204).end();
  });

  router.get("/available", async (request, response) => {
    if (availabilityLimiter.take(addressOf(request), Date.now()) !== "allowed") {
      return void response.status(429).json({ state: "unknown", message: "" });
    }
    const username = normalizedUsername(typeof request.query.username === "string" ? request.query.username : "");
    const state: Availability = USERNAME_PATTERN.test(username) ? await usernameAvailability(options.clientUrl, username) : "not-allowed";
    const language = pageLanguage(request);
    languageHeaders(response, language);
    response.set("Cache-Control", "no-store").json({ state, message: availabilityMessage(state, language) });
  });

  router.post(
    "/signup",
    (request, response, next) => {
      // Counted before the body is read: a flood of any kind, well-formed or not, is refused early.
      if (signupLimiter.take(addressOf(request), Date.now()) !== "allowed") return send(request, response, { kind: "too-many-attempts" });
      if (onPlainHttp(request)) return refuse(request, response, 403, "use-https", "join.refusal.useHttps", { url: secureJoinUrl ?? "" });
      if (!request.is("application/json")) return refuse(request, response, 415, "not-json", "join.refusal.notJson");
      next();
    },
    express.json({ limit: MAX_SIGNUP_BYTES }),
    async (request, response) => {
      const parsed = parseSignup(request.body);
      send(request, response, isRefusal(parsed) ? parsed : await signUpWithSynapse(options.clientUrl, parsed));
    },
  );

  // express.json's refusals (too large, not JSON), in plain words and without echoing the body.
  router.use((error: { status?: number; type?: string }, request: Request, response: Response, next: NextFunction) => {
    if (error.type === "entity.too.large") return refuse(request, response, 413, "too-large", "join.refusal.tooLarge", { kilobytes: MAX_SIGNUP_BYTES / 1024 });
    if (error.status === 400 || error.type === "entity.parse.failed") return refuse(request, response, 400, "not-json", "join.refusal.unreadable");
    next(error);
  });
  return router;
}
