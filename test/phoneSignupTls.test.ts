// A neighbor with only a phone, on a block whose `run` has a certificate from the community CA: the join
// link opens on plain HTTP, where the CA is downloaded; a browser that does not trust the CA cannot create
// an account there; a browser that trusts it (the CA in its own NSS database, as a phone's user-installed
// CA) is moved to the HTTPS page by itself and signs up there. Then matrix-js-sdk logs in over TLS verified
// against the community CA alone, a raw MSC4186 sliding sync lists the Lobby, `openssl verify -CAfile`
// accepts what `run` serves, and the QR code on the last step decodes to the HTTPS server address.
// Screenshots go to deploy/docs/ with BLOCKSHARE_SCREENSHOTS=1.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { connect } from "node:tls";
import { promisify } from "node:util";
import { parse, stringify } from "yaml";
import * as sdk from "matrix-js-sdk";
import type { Browser } from "playwright-core";
import { createCommunityCa, federationPaths, issueCertificate } from "../homeserver-config/communityCa.ts";
import { joinLink } from "../deploy/src/joinLink.ts";
import { quietLogger } from "../appservices/src/quietMatrixSdkLogs.ts";
import { startTestNeighborhood, type TestNeighborhood } from "./harness/testNeighborhood.ts";
import { freePort } from "./harness/freePort.ts";
import { caTrustingFetch } from "./harness/caTrustingFetch.ts";
import { launchPhoneChromium, phone, phoneChromiumMissing } from "./harness/phoneChromium.ts";

const run = promisify(execFile);
const missing = phoneChromiumMissing({ zbarimg: true });
const password = "pear tree over the fence";
const SLIDING_SYNC = "/_matrix/client/unstable/org.matrix.simplified_msc3575/sync";
const docs = join(import.meta.dirname, "..", "deploy", "docs");
const screenshot = async (name: string, png: Promise<Buffer>) => {
  const bytes = await png;
  assert.ok(bytes.length > 1000, `${name}: a real screenshot`);
  if (process.env.BLOCKSHARE_SCREENSHOTS === "1") writeFileSync(join(docs, name), bytes);
};

/** The leaf certificate a TLS server on loopback presents, as PEM: taken as served, checked by openssl afterwards. */
function servedCertificate(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, rejectUnauthorized: false, timeout: 20_000 }, () => {
      const pem = socket.getPeerX509Certificate()?.toString();
      socket.end();
      if (pem) resolve(pem);
      else reject(new Error(`no certificate on port ${port}`));
    });
    socket.once("timeout", () => socket.destroy(new Error(`no TLS answer on port ${port} within 20 s`)));
    socket.once("error", reject);
  });
}

describe("a phone signs up over HTTPS with the community CA", { skip: missing }, () => {
  let block: TestNeighborhood;
  let browser: Browser;
  let trustingBrowser: Browser;
  let caFile: string;
  let caPem: string;
  let ports: { client_https: number; element_https: number };
  const work = mkdtempSync(join(tmpdir(), "blockshare-phone-tls-"));

  before(async () => {
    block = await startTestNeighborhood({
      name: "Maple Street",
      // The block gets its certificate from the community CA before `run` starts, naming public_url's host.
      async prepare(file) {
        const settings = parse(readFileSync(file, "utf8"));
        ports = { client_https: await freePort(), element_https: await freePort() };
        settings.ports = { ...settings.ports, ...ports, federation: await freePort() };
        writeFileSync(file, stringify(settings));
        const paths = federationPaths(join(dirname(file), "data"));
        createCommunityCa(paths, "Maple mesh");
        issueCertificate(paths, "testblock.localhost", dirname(paths.certificate), { alsoFor: ["127.0.0.1"] });
        caFile = paths.caCertificate;
        caPem = readFileSync(caFile, "utf8");
      },
    });
    browser = await launchPhoneChromium();
    // A browser that trusts the community CA the way a phone does after installing it: in its own NSS database.
    trustingBrowser = await launchPhoneChromium({ trustCaFile: caFile, home: join(work, "home") });
  });

  after(async () => {
    await browser?.close();
    await trustingBrowser?.close();
    await block?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test("run serves HTTPS with the community CA's certificate, and every address clients read says https", async () => {
    const publicUrl = `https://127.0.0.1:${ports.client_https}`;
    assert.equal(block.running.neighborhood.public_url, publicUrl);
    for (const port of [ports.client_https, ports.element_https]) {
      const leaf = join(work, `served-${port}.pem`);
      writeFileSync(leaf, await servedCertificate(port));
      const { stdout } = await run("openssl", ["verify", "-CAfile", caFile, "-verify_ip", "127.0.0.1", leaf]);
      assert.match(stdout, /: OK/);
    }
    const trusting = caTrustingFetch(caPem);
    const wellKnown = (await (await trusting(`${publicUrl}/.well-known/matrix/client`)).json()) as { "m.homeserver": { base_url: string } };
    assert.equal(wellKnown["m.homeserver"].base_url, `${publicUrl}/`);
    const config = (await (await trusting(`https://127.0.0.1:${ports.element_https}/config.json`)).json()) as {
      default_server_config: { "m.homeserver": { base_url: string } };
    };
    assert.equal(config["default_server_config"]["m.homeserver"].base_url, publicUrl);
    // A client that does not trust the community CA is refused, not quietly connected.
    await assert.rejects(fetch(`${publicUrl}/_matrix/client/versions`));
  });

  test("a phone that does not trust the CA yet downloads it on HTTP, and cannot create an account there", async () => {
    const token = await block.newToken();
    const context = await browser.newContext({ ...phone, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(joinLink(block.running.neighborhood, token));
    assert.match(page.url(), /^http:\/\//);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download the certificate" }).click()]);
    assert.equal(readFileSync(await download.path(), "utf8"), caPem);
    const secureLink = page.getByRole("link", { name: "Continue on the secure page" });
    assert.equal(await secureLink.getAttribute("href"), `https://127.0.0.1:${ports.element_https}/join#token=${encodeURIComponent(token)}`);
    assert.equal(await page.locator("#signup").count(), 0, "no password form on plain HTTP");
    assert.equal(await page.locator("#trusted").isVisible(), false);
    // The download and, under it, the way on to the secure page.
    await page.locator("#fingerprint").evaluate((element) => element.scrollIntoView());
    await screenshot("join-1-trust-https.png", page.screenshot({ type: "png" }));
    await context.close();

    const refused = await fetch(`${block.running.element.url}/join/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "mallory", displayName: "", password, token, acceptNorms: true }),
    });
    assert.equal(refused.status, 403);
    assert.match(((await refused.json()) as { message: string }).message, /secure page/);
    const free = await fetch(`${block.running.clientUrl}/_matrix/client/v3/register/available?username=mallory`);
    assert.equal(free.status, 200, "no account was created");
  });

  test("a phone that trusts the CA moves to HTTPS by itself, signs up, and then logs in with matrix-js-sdk over TLS", async () => {
    const token = await block.newToken();
    const context = await trustingBrowser.newContext({ ...phone });
    const page = await context.newPage();
    await page.goto(joinLink(block.running.neighborhood, token));
    await page.waitForURL(`https://127.0.0.1:${ports.element_https}/join#token=${encodeURIComponent(token)}`, { timeout: 30_000 });
    assert.equal(await page.locator("#trusted").isVisible(), true);
    assert.equal(await page.getByLabel("Invitation code").inputValue(), token);
    await page.getByLabel("Username").pressSequentially("rosa", { delay: 30 });
    await page.getByText("This username is free.").waitFor();
    await page.getByLabel("Display name").fill("Rosa from number 7");
    await page.getByLabel("Password").fill(password);
    await page.getByLabel("I accept the block's norms").check();
    await page.getByRole("button", { name: "Create my account" }).click();
    await page.getByRole("heading", { name: "3. Open the app" }).waitFor();
    const publicUrl = block.running.neighborhood.public_url;
    assert.ok((await page.locator("#open-app").innerText()).includes(publicUrl));

    // The QR code of the server address, for a phone when signing up on a laptop.
    const qr = page.locator(".qr svg");
    await qr.scrollIntoViewIfNeeded();
    await screenshot("join-3-app-https.png", page.screenshot({ type: "png" }));
    const qrFile = join(work, "address-qr.png");
    writeFileSync(qrFile, await qr.screenshot({ type: "png" }));
    const { stdout: decoded } = await run("zbarimg", ["--quiet", "--raw", qrFile]);
    assert.equal(decoded.trim(), publicUrl);
    await context.close();

    // Element X's way in, verified against the community CA alone.
    const fetchFn = caTrustingFetch(caPem);
    const client = sdk.createClient({ baseUrl: publicUrl, fetchFn, logger: quietLogger });
    const login = await client.loginRequest({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: "rosa" },
      password,
      initial_device_display_name: "Element X",
    });
    assert.equal(login.user_id, "@rosa:testblock.localhost");
    const sync = await fetchFn(`${publicUrl}${SLIDING_SYNC}?timeout=0`, {
      method: "POST",
      headers: { authorization: `Bearer ${login.access_token}`, "content-type": "application/json" },
      body: JSON.stringify({ lists: { all_rooms: { ranges: [[0, 49]], timeline_limit: 1, required_state: [["m.room.name", ""]] } } }),
    });
    const answer = (await sync.json()) as { rooms?: Record<string, { name?: string }> };
    assert.equal(sync.status, 200, JSON.stringify(answer));
    const lobby = block.running.rooms.get("lobby")!;
    assert.match(answer.rooms?.[lobby]?.name ?? "", /Lobby/, `the Lobby among ${Object.keys(answer.rooms ?? {}).join(", ")}`);
  });
});
