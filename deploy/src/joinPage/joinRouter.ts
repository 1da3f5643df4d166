// The join page's routes, mounted at /join on the Element port (`run`) or behind nginx:
//   GET  /join                 the page
//   GET  /join/ca.crt          the community CA (PEM), for Android and laptops
//   GET  /join/ca.mobileconfig the same CA as an iPhone/iPad profile
//   GET  /join/trusted         204: the page on plain HTTP asks the HTTPS origin, to learn the CA is trusted
//   GET  /join/available       whether a username is free (as the neighbor types)
//   POST /join/signup          creates the account through Synapse (JSON in, JSON out)
// Nothing here logs a request body: passwords and invitation tokens only pass through.
import { readFileSync } from "node:fs";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { RateLimiter, type RateLimitOptions } from "../../../bots/framework/rateLimiter.ts";
import { communityCa } from "../inviteCommunityCa.ts";
import { caMobileconfig, MOBILECONFIG_TYPE } from "./caProfile.ts";
import { joinPageHtml } from "./joinPageHtml.ts";
import { renderOutcome, USERNAME_PATTERN, usernameRule, type SignupOutcome } from "./signupOutcome.ts";
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
   * The HTTPS origin of this same page (`run` with a community-CA certificate). Then the page on plain HTTP
   * only helps to trust the CA, and accounts are created over HTTPS alone.
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

const availabilityMessages: Record<Availability, string> = {
  available: "This username is free.",
  taken: "This username is taken. Please choose another one.",
  "not-allowed": `This username is not allowed. ${usernameRule}`,
  unknown: "",
};

export function joinRouter(options: JoinPageOptions): Router {
  const router = express.Router();
  const signupLimiter = new RateLimiter(options.signupLimit ?? defaultSignupLimit);
  const availabilityLimiter = new RateLimiter(availabilityLimit);
  const addressOf = (request: Request): string => {
    const direct = request.socket.remoteAddress ?? "unknown";
    const forwarded = request.get("x-real-ip");
    return options.behindProxy && forwarded && /^(127\.|::1$|::ffff:127\.)/.test(direct) ? forwarded : direct;
  };
  const send = (response: Response, outcome: SignupOutcome) => {
    const { status, body } = renderOutcome(outcome);
    response.status(status).set("Cache-Control", "no-store").json(body);
  };

  // Behind nginx a request is never encrypted here, and no secureOrigin is given.
  const onPlainHttp = (request: Request) => options.secureOrigin !== undefined && !request.secure;
  const secureJoinUrl = options.secureOrigin === undefined ? undefined : `${options.secureOrigin}/join`;

  router.get("/", (request, response) => {
    const ca = communityCa(options.dataDir);
    // The page may ask the HTTPS origins whether this device trusts the CA: Synapse's (public_url) and,
    // under `run`, this page's own HTTPS copy.
    const secureOrigin = [
      ...(/^https:/.test(options.serverAddress) ? [new URL(options.serverAddress).origin] : []),
      ...(onPlainHttp(request) ? [options.secureOrigin] : []),
    ]
      .map((origin) => ` ${origin}`)
      .join("");
    response
      .set({
        "Cache-Control": "no-store",
        // Nothing leaves the box: no CDN, font or tracker could load even if one slipped in.
        "Content-Security-Policy": `default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'${secureOrigin}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
        "Referrer-Policy": "no-referrer",
      })
      .type("html")
      .send(
        joinPageHtml({
          blockName: options.blockName,
          norms: options.norms(),
          serverAddress: options.serverAddress,
          ...(ca ? { caFingerprint: ca.fingerprint } : {}),
          ...(options.elementWebUrl ? { elementWebUrl: options.elementWebUrl } : {}),
          ...(onPlainHttp(request) && secureJoinUrl ? { secureJoinUrl } : {}),
          secure: request.secure,
        }),
      );
  });

  router.get("/ca.crt", (_request, response) => {
    const ca = communityCa(options.dataDir);
    if (!ca) return void response.status(404).type("text").send("This block has no community certificate yet.\n");
    response.set("Content-Disposition", 'attachment; filename="community-ca.crt"').type("application/x-x509-ca-cert").send(readFileSync(ca.file));
  });

  router.get("/ca.mobileconfig", (_request, response) => {
    const ca = communityCa(options.dataDir);
    if (!ca) return void response.status(404).type("text").send("This block has no community certificate yet.\n");
    response
      .set("Content-Disposition", 'attachment; filename="community-ca.mobileconfig"')
      .type(MOBILECONFIG_TYPE)
      .send(Buffer.from(caMobileconfig(readFileSync(ca.file, "utf8"), options.blockName)));
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
    response.set("Cache-Control", "no-store").json({ state, message: availabilityMessages[state] });
  });

  router.post(
    "/signup",
    (request, response, next) => {
      // Counted before the body is read: a flood of any kind, well-formed or not, is refused early.
      if (signupLimiter.take(addressOf(request), Date.now()) !== "allowed") return send(response, { kind: "too-many-attempts" });
      if (onPlainHttp(request)) {
        return void response.status(403).set("Cache-Control", "no-store").json({
          ok: false,
          error: "use-https",
          message: `Accounts are created on the block's secure page only: open ${secureJoinUrl} (install the certificate in step 1 first).`,
        });
      }
      if (!request.is("application/json")) {
        return void response.status(415).json({ ok: false, error: "not-json", message: "Send the form as JSON (Content-Type: application/json)." });
      }
      next();
    },
    express.json({ limit: MAX_SIGNUP_BYTES }),
    async (request, response) => {
      const parsed = parseSignup(request.body);
      send(response, isRefusal(parsed) ? parsed : await signUpWithSynapse(options.clientUrl, parsed));
    },
  );

  // express.json's refusals (too large, not JSON), in plain words and without echoing the body.
  router.use((error: { status?: number; type?: string }, _request: Request, response: Response, next: NextFunction) => {
    if (error.type === "entity.too.large") {
      return void response.status(413).json({ ok: false, error: "too-large", message: `The form is too large: at most ${MAX_SIGNUP_BYTES / 1024} KB is accepted.` });
    }
    if (error.status === 400 || error.type === "entity.parse.failed") {
      return void response.status(400).json({ ok: false, error: "not-json", message: "The form could not be read: send it as JSON." });
    }
    next(error);
  });
  return router;
}
