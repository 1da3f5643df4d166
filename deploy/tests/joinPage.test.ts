// The join page as a neighbor with only a phone meets it: headless Chromium in a phone viewport opens
// the flyer's link on the Element port of a real block (Synapse and all), checks the CA fingerprint,
// downloads the CA, fills the form and creates an account that then logs in with its password. Every
// bad input gets its plain message and creates no account; oversized bodies, non-JSON and bursts are
// refused; no password or token lands in the block's logs or output. Screenshots go to deploy/docs/ with BLOCKSHARE_SCREENSHOTS=1.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext } from "playwright-core";
import { createCommunityCa, federationPaths } from "../../homeserver-config/communityCa.ts";
import { registrationTokens } from "../src/homeserverAdmin.ts";
import { joinLink } from "../src/joinLink.ts";
import { registerNeighbor, startTestNeighborhood, type TestNeighborhood } from "../../test/harness/testNeighborhood.ts";
import { sayPlain } from "../../bots/framework/speak.ts";
import { escapeHtml } from "../../bots/framework/richText.ts";

const chromiumPath = "/usr/bin/chromium";
const docs = join(import.meta.dirname, "..", "docs");
/** The README's screenshots are refreshed on request (BLOCKSHARE_SCREENSHOTS=1), so a test run leaves the tree as it was. */
const screenshot = async (name: string, png: Promise<Buffer>) => {
  const bytes = await png;
  assert.ok(bytes.length > 1000, `${name}: a real screenshot`);
  if (process.env.BLOCKSHARE_SCREENSHOTS === "1") writeFileSync(join(docs, name), bytes);
};
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const password = "lemon tree by the gate";

// Everything the block's processes print while the test runs (they share this process).
const printed: string[] = [];
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    printed.push(String(chunk));
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

describe("the join page on a phone", { skip: existsSync(chromiumPath) ? false : `no ${chromiumPath} (apt-get install chromium)` }, () => {
  let block: TestNeighborhood;
  let browser: Browser;
  let caPem: string;
  let elementUrl: string;
  const secrets: string[] = [password];

  const newToken = async (uses = 1) => {
    const token = await block.newToken(uses);
    secrets.push(token);
    return token;
  };
  const signup = (body: unknown, headers: Record<string, string> = { "content-type": "application/json" }) =>
    fetch(`${elementUrl}/join/signup`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
  const isFree = async (username: string) => {
    const reply = await fetch(`${block.running.clientUrl}/_matrix/client/v3/register/available?username=${username}`);
    return reply.status === 200;
  };
  const phoneContext = (): Promise<BrowserContext> => browser.newContext({ ...phone, acceptDownloads: true });

  before(async () => {
    block = await startTestNeighborhood({ name: "Maple Street" });
    elementUrl = block.running.element.url;
    browser = await chromium.launch({ executablePath: chromiumPath, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  });

  after(async () => {
    await browser?.close();
    await block?.stop();
  });

  test("before the block has a community CA the page says so plainly, and the page sees the CA once created", async () => {
    const page = await fetch(`${elementUrl}/join`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /This block has no community certificate yet, so there is nothing to install/);
    const missing = await fetch(`${elementUrl}/join/ca.crt`);
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /no community certificate yet/);

    caPem = createCommunityCa(federationPaths(block.running.neighborhood.dataDir), "Maple mesh").toString();
    assert.match(await (await fetch(`${elementUrl}/join`)).text(), /Download the certificate/);
  });

  // Before the other sign-ups: the attempts here count against the same per-address limit.
  test("the page speaks the browser's language (Accept-Language), or the one chosen with ?lang=; English otherwise", async () => {
    const page = async (query: string, headers: Record<string, string> = {}) => {
      const reply = await fetch(`${elementUrl}/join${query}`, { headers });
      return { html: await reply.text(), language: reply.headers.get("content-language"), vary: reply.headers.get("vary") ?? "" };
    };
    const spanish = await page("", { "accept-language": "es-ES,es;q=0.9" });
    assert.equal(spanish.language, "es");
    assert.match(spanish.vary, /Accept-Language/);
    assert.match(spanish.html, /<html lang="es">/);
    for (const key of ["join.intro", "join.step.trust", "join.step.account", "join.trust.download", "join.form.submit", "join.form.accept"] as const) {
      assert.ok(spanish.html.includes(escapeHtml(sayPlain("es", key))), key);
    }
    assert.ok(spanish.html.includes(escapeHtml(sayPlain("es", "join.title", { block: "Maple Street" }))));
    assert.doesNotMatch(spanish.html, /Create my account|Download the certificate/);
    // The script's own messages come in the page's language too.
    assert.ok(spanish.html.includes(JSON.stringify(sayPlain("es", "join.script.noAnswer"))));
    assert.match(spanish.html, /href="\?lang=en" hreflang="en" lang="en">English<\/a>/, "a link to the page in English");

    assert.match((await page("?lang=es", { "accept-language": "en-US" })).html, /<html lang="es">/);
    assert.match((await page("?lang=en", { "accept-language": "es" })).html, /<html lang="en">[\s\S]*Create my account/);
    for (const headers of [{}, { "accept-language": "fr-CA,de;q=0.7" }, { "accept-language": "en-GB,es;q=0.3" }] as Record<string, string>[]) {
      const english = await page("", headers);
      assert.equal(english.language, "en", JSON.stringify(headers));
      assert.match(english.html, /<html lang="en">[\s\S]*Create my account/);
    }
  });

  test("refusals and the availability hint in Spanish, word for word the catalog's", async () => {
    const spanish = { "content-type": "application/json", "accept-language": "es-MX" };
    const form = { username: "nueva", displayName: "Nueva", password, token: "whatever-token", acceptNorms: true };
    const cases: { body: object; status: number; message: string }[] = [
      { body: { ...form, password: "corta" }, status: 400, message: sayPlain("es", "join.refusal.passwordWeak", { min: 10 }) },
      {
        body: { ...form, username: "con espacios" },
        status: 400,
        message: sayPlain("es", "join.refusal.nameNotAllowed", { rule: sayPlain("es", "join.form.usernameRule") }),
      },
      { body: { ...form, acceptNorms: false }, status: 400, message: sayPlain("es", "join.refusal.normsNotAccepted") },
      { body: { ...form, token: "not-a-real-token" }, status: 403, message: sayPlain("es", "join.refusal.tokenInvalid") },
    ];
    for (const { body, status, message } of cases) {
      const reply = await signup(body, spanish);
      assert.equal(reply.status, status, message);
      assert.equal(((await reply.json()) as { message: string }).message, message);
    }
    // The page's script names its language in the query: that wins over the header.
    const chosen = await fetch(`${elementUrl}/join/signup?lang=es`, {
      method: "POST",
      headers: { "content-type": "application/json", "accept-language": "en" },
      body: JSON.stringify({ ...form, acceptNorms: false }),
    });
    assert.equal(((await chosen.json()) as { message: string }).message, sayPlain("es", "join.refusal.normsNotAccepted"));
    const notJson = await signup("username=a", { "content-type": "text/plain", "accept-language": "es" });
    assert.equal(notJson.status, 415);
    assert.equal(((await notJson.json()) as { message: string }).message, sayPlain("es", "join.refusal.notJson"));
    const available = await fetch(`${elementUrl}/join/available?lang=es&username=someone-else`);
    assert.deepEqual(await available.json(), { state: "available", message: sayPlain("es", "join.available.available") });
    assert.ok(await isFree("nueva"));
  });

  test("a phone set to Spanish gets the page in Spanish, its messages too, and can switch to English keeping the token", async () => {
    const context = await browser.newContext({ ...phone, locale: "es-ES" });
    const page = await context.newPage();
    const token = await newToken();
    await page.goto(joinLink(block.running.neighborhood, token));
    assert.equal(await page.getAttribute("html", "lang"), "es");
    await page.getByRole("heading", { name: `1. ${sayPlain("es", "join.step.trust")}` }).waitFor();
    assert.equal(await page.getByLabel(sayPlain("es", "join.form.token")).inputValue(), token);
    await screenshot("join-es.png", page.screenshot({ type: "png" }));
    await page.getByLabel(sayPlain("es", "join.form.username"), { exact: true }).pressSequentially("lucia", { delay: 30 });
    await page.getByText(sayPlain("es", "join.available.available")).waitFor();
    await page.getByLabel(sayPlain("es", "join.form.password"), { exact: true }).fill(password);
    await page.getByRole("button", { name: sayPlain("es", "join.form.submit") }).click();
    const alert = page.getByRole("alert");
    await alert.filter({ hasText: sayPlain("es", "join.refusal.normsNotAccepted") }).waitFor();

    await page.getByRole("link", { name: "English" }).click();
    await page.getByRole("heading", { name: "1. Trust your block" }).waitFor();
    assert.equal(new URL(page.url()).search, "?lang=en");
    assert.equal(await page.getByLabel("Invitation code").inputValue(), token, "the token came along");
    await context.close();
    assert.ok(await isFree("lucia"));
  });

  test("from the flyer's link to an account that logs in with its password", async () => {
    const token = await newToken();
    const link = joinLink(block.running.neighborhood, token);
    const context = await phoneContext();
    const page = await context.newPage();
    const origins = new Set<string>();
    page.on("request", (request) => origins.add(new URL(request.url()).origin));
    await page.goto(link);

    // Step 1: the fingerprint to compare with the flyer, and the CA itself.
    const fingerprint = (await page.locator("#fingerprint").innerText()).replace(/\s+/g, ":");
    assert.equal(fingerprint, new (await import("node:crypto")).X509Certificate(caPem).fingerprint256);
    // iOS lists the certificate by its own common name in Certificate Trust Settings: the step names that.
    const caName = /CN=(.*)/.exec(new (await import("node:crypto")).X509Certificate(caPem).subject)?.[1] ?? "";
    assert.ok(caName.endsWith("community CA") && (await page.content()).includes(`full trust for “${caName}”`), `the iPhone step names ${caName}`);
    await screenshot("join-1-trust.png", page.screenshot({ type: "png" }));
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download the certificate" }).click()]);
    assert.equal(readFileSync(await download.path(), "utf8"), readFileSync(join(block.running.neighborhood.dataDir, "ca", "ca.crt"), "utf8"));
    const served = await fetch(`${elementUrl}/join/ca.crt`);
    assert.equal(served.headers.get("content-type"), "application/x-x509-ca-cert");
    const profile = await fetch(`${elementUrl}/join/ca.mobileconfig`);
    assert.equal(profile.headers.get("content-type"), "application/x-apple-aspen-config");
    const plist = await profile.text();
    assert.match(plist, /<string>com\.apple\.security\.root<\/string>/);
    assert.ok(plist.includes(new (await import("node:crypto")).X509Certificate(caPem).raw.toString("base64")));
    assert.ok(plist.includes("<string>Maple Street community certificate</string>"));
    // The profile iOS shows while installing is in the page's language, the name the page's steps use.
    const perfil = await (await fetch(`${elementUrl}/join/ca.mobileconfig?lang=es`)).text();
    assert.ok(perfil.includes(`<string>${sayPlain("es", "join.profile.name", { block: "Maple Street" })}</string>`));
    assert.ok(perfil.includes(`<string>${sayPlain("es", "join.profile.description")}</string>`));
    assert.equal(await page.getByRole("link", { name: "iPhone or iPad profile" }).getAttribute("href"), "/join/ca.mobileconfig?lang=en");

    // Step 2: the form, the token already in it from the fragment, the norms to accept.
    assert.equal(await page.getByLabel("Invitation code").inputValue(), token);
    assert.match(await page.locator("#norms").innerText(), /Be kind/);
    await page.getByLabel("Username").pressSequentially("Rosa", { delay: 30 });
    await page.getByText("This username is free.").waitFor();
    await page.getByLabel("Display name").fill("Rosa from number 7");
    await page.getByLabel("Password").fill(password);
    await page.getByLabel("I accept the block's norms").check();
    await page.locator("label[for=username]").evaluate((label) => label.scrollIntoView());
    await screenshot("join-2-account.png", page.screenshot({ type: "png" }));
    await page.getByRole("button", { name: "Create my account" }).click();

    // Step 3: the server address to type in Element X.
    await page.getByRole("heading", { name: "3. Open the app" }).waitFor();
    assert.equal(await page.locator("#user-id").innerText(), "@rosa:testblock.localhost");
    const openApp = await page.locator("#open-app").innerText();
    assert.ok(openApp.includes(block.running.neighborhood.public_url) && openApp.includes("Element X"), openApp);
    assert.equal(
      await page
        .getByLabel("Password", { exact: true })
        .inputValue()
        .catch(() => ""),
      "",
    );
    await screenshot("join-3-open-app.png", page.screenshot({ type: "png" }));
    assert.deepEqual([...origins], [new URL(elementUrl).origin], "the page loads nothing from anywhere else");
    await context.close();

    const login = await fetch(`${block.running.clientUrl}/_matrix/client/v3/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "m.login.password", identifier: { type: "m.id.user", user: "rosa" }, password }),
    });
    assert.equal(login.status, 200, await login.clone().text());
    const profileReply = await fetch(`${block.running.clientUrl}/_matrix/client/v3/profile/${encodeURIComponent("@rosa:testblock.localhost")}/displayname`);
    assert.deepEqual(await profileReply.json(), { displayname: "Rosa from number 7" });
  });

  test("norms not ticked: the page says so in plain words and no account is made", async () => {
    const context = await phoneContext();
    const page = await context.newPage();
    await page.goto(joinLink(block.running.neighborhood, await newToken()));
    await page.getByLabel("Username").fill("ines");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create my account" }).click();
    const alert = page.getByRole("alert");
    await alert.filter({ hasText: "I accept the block's norms" }).waitFor();
    assert.match(await alert.innerText(), /To join, read the block's norms and tick/);
    await screenshot("join-error-norms.png", page.screenshot({ type: "png" }));
    // Keyboard and screen-reader users land on what needs fixing: the checkbox has the focus, Space ticks it.
    assert.equal(await page.evaluate("document.activeElement.id"), "accept");
    await page.keyboard.press("Space");
    assert.ok(await page.getByLabel("I accept the block's norms").isChecked());
    await context.close();
    assert.ok(await isFree("ines"));
  });

  test("each bad input gets its plain message and creates no account", async () => {
    const usedUp = await newToken(1);
    await registerNeighbor(block.running.clientUrl, "tomas", password, usedUp);
    const revoked = await newToken(5);
    await registrationTokens.revoke(block.running.clientUrl, block.running.operatorToken, revoked);
    const good = await newToken(5);
    const form = { username: "new-neighbor", displayName: "New", password, token: good, acceptNorms: true };
    const cases: { name: string; body: object; status: number; message: RegExp; username: string }[] = [
      { name: "used-up token", body: { ...form, token: usedUp }, status: 403, message: /expired, been used up, or been withdrawn/, username: "new-neighbor" },
      { name: "revoked token", body: { ...form, token: revoked }, status: 403, message: /expired, been used up, or been withdrawn/, username: "new-neighbor" },
      { name: "taken name", body: { ...form, username: "tomas" }, status: 409, message: /That username is taken/, username: "" },
      { name: "name not allowed", body: { ...form, username: "no spaces!" }, status: 400, message: /That username is not allowed/, username: "" },
      { name: "weak password", body: { ...form, password: "short" }, status: 400, message: /too weak: use at least 10 characters/, username: "new-neighbor" },
      {
        name: "norms not accepted",
        body: { ...form, acceptNorms: false },
        status: 400,
        message: /tick “I accept the block's norms”/,
        username: "new-neighbor",
      },
      { name: "no token", body: { ...form, token: " " }, status: 400, message: /Type the invitation code/, username: "new-neighbor" },
    ];
    for (const { name, body, status, message, username } of cases) {
      const reply = await signup(body);
      const answer = (await reply.json()) as { ok: boolean; message: string };
      assert.equal(reply.status, status, `${name}: ${answer.message}`);
      assert.equal(answer.ok, false, name);
      assert.match(answer.message, message, name);
      if (username) assert.ok(await isFree(username), `${name}: no account was made`);
    }
    // The good token still works after all that.
    const created = await signup(form);
    assert.equal(created.status, 200, await created.clone().text());
  });

  test("the availability hint as the neighbor types", async () => {
    const ask = async (username: string) =>
      ((await (await fetch(`${elementUrl}/join/available?username=${encodeURIComponent(username)}`)).json()) as { state: string }).state;
    assert.equal(await ask("tomas"), "taken");
    assert.equal(await ask("someone-new"), "available");
    assert.equal(await ask("Has Space"), "not-allowed");
  });

  test("oversized and non-JSON bodies are refused", async () => {
    const big = await signup({ username: "big", password, token: "x".repeat(5000), acceptNorms: true });
    assert.equal(big.status, 413);
    assert.match(((await big.json()) as { message: string }).message, /too large: at most 4 KB/);
    const form = await signup("username=a&password=b", { "content-type": "application/x-www-form-urlencoded" });
    assert.equal(form.status, 415);
    assert.match(((await form.json()) as { message: string }).message, /Send the form as JSON/);
    const broken = await signup("{not json");
    assert.equal(broken.status, 400);
    assert.ok(await isFree("big"));
  });

  test("a burst of attempts from one address is refused with a plain message", async () => {
    const replies = await Promise.all(Array.from({ length: 30 }, () => signup({ username: "burst", password, token: "nope", acceptNorms: false })));
    const refused = replies.filter((reply) => reply.status === 429);
    assert.ok(refused.length >= 10, `${refused.length} of 30 refused`);
    assert.match(((await refused[0]!.json()) as { message: string }).message, /Too many attempts from your connection\. Please wait a minute/);
  });

  test("no password or token appears in the block's logs or output", () => {
    const logs: string[] = [printed.join("")];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.log(\.\d+)?$|\.out$|\.err$/.test(entry)) logs.push(readFileSync(path, "utf8"));
      }
    };
    walk(block.dir);
    assert.ok(logs.length > 1, "the block's log files were found");
    for (const secret of secrets) {
      for (const log of logs) assert.ok(!log.includes(secret), "a password or token appears in a log");
    }
  });
});
