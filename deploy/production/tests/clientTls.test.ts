// Client TLS from the community CA (issue 14, item 3), as an operator and a phone meet it:
//  - `install --root` (the real CLI): without a community certificate it serves a self-signed one and says
//    what is missing; a block joining a mesh gets one certificate with one command on the CA's box and one
//    here, trusted with `ca trust`, served on 443 and 8448; --certificate/--key win; a near-expiry
//    certificate is renewed by the install on the CA's own box and only reported elsewhere; the daily
//    renewal timer passes systemd-analyze verify.
//  - the box's real nginx on the site the install wrote (its ports moved to free ones), in front of a
//    real Synapse and the join page: `openssl verify -CAfile ca.crt` accepts what 443 serves, a client
//    whose only trust anchor is the CA logs in, `cert renew` replaces a near-expiry certificate and the
//    served one changes, and port 80 serves /join plainly while it redirects the rest to HTTPS.
//  - a phone (Chromium, phone viewport) through that nginx, from the flyer's QR code: on plain HTTP it
//    downloads the CA (the flyer's fingerprint) and cannot create an account there; a phone that trusts the
//    CA is moved to HTTPS keeping the token, signs up, and then logs in with matrix-js-sdk over TLS verified
//    against the CA alone. Chromium reaches chat.maple.mesh:80/443 on nginx's free ports
//    (--host-resolver-rules), so the certificate is checked for the real name.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { readFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse, stringify } from "yaml";
import * as sdk from "matrix-js-sdk";
import type { Browser } from "playwright-core";
import { writeLoopbackNeighborhood } from "../../../test/harness/testNeighborhood.ts";
import { freePort } from "../../../test/harness/freePort.ts";
import { caTrustingFetch } from "../../../test/harness/caTrustingFetch.ts";
import { launchPhoneChromium, phone, phoneChromiumMissing } from "../../../test/harness/phoneChromium.ts";
import { quietLogger } from "../../../appservices/src/quietMatrixSdkLogs.ts";
import { federationPaths, issueCertificate } from "../../../homeserver-config/communityCa.ts";
import { communityCa } from "../../src/inviteCommunityCa.ts";
import { planBlockCertificate } from "../../src/blockCertificate.ts";
import { startNeighborhood, type RunningNeighborhood } from "../../src/startNeighborhood.ts";
import { standaloneNginxConfig } from "../nginxConfig.ts";
import { startProcess, tcpOpen, waitUntil, type RunningProcess } from "../childProcesses.ts";

const cli = join(import.meta.dirname, "..", "..", "src", "cli.ts");
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const DAY = 86_400_000;
const nginxMissing = spawnSync("nginx", ["-v"]).status === 0 ? undefined : "needs nginx";
const phoneMissing = phoneChromiumMissing({ zbarimg: true });
const SLIDING_SYNC = "/_matrix/client/unstable/org.matrix.simplified_msc3575/sync";

function blockshare(file: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args, "--config", file], { encoding: "utf8", timeout: 120_000 });
  return { status: result.status, out: result.stdout, err: result.stderr, all: `${result.stdout}${result.stderr}` };
}

function fakeElementRelease(dir: string): string[] {
  const stage = join(dir, "element-v1.11.300");
  mkdirSync(stage, { recursive: true });
  writeFileSync(join(stage, "index.html"), "<!doctype html><title>Element</title>");
  writeFileSync(join(stage, "version"), "1.11.300\n");
  const tarball = join(dir, "element.tar.gz");
  assert.equal(spawnSync("tar", ["-czf", tarball, "-C", dir, "element-v1.11.300"]).status, 0);
  return ["--element-tarball", tarball, "--element-sha256", sha256(tarball)];
}

/** `openssl verify` of a certificate (PEM text) against one CA file, for a host name. */
function opensslVerify(caFile: string, pem: string, host: string): { ok: boolean; output: string } {
  const file = join(mkdtempSync(join(tmpdir(), "blockshare-verify-")), "leaf.pem");
  writeFileSync(file, pem);
  const result = spawnSync("openssl", ["verify", "-CAfile", caFile, "-verify_hostname", host, file], { encoding: "utf8" });
  return { ok: result.status === 0 && /: OK/.test(result.stdout), output: `${result.stdout}${result.stderr}` };
}

const firstPem = (text: string) => text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/)?.[0] ?? "";

describe("install --root: the block's certificate from the community CA on 443, or a plain word on what is missing", () => {
  let dir: string;
  let element: string[];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "blockshare-clienttls-install-"));
    element = fakeElementRelease(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const maple = () => join(dir, "maple", "etc", "blockshare", "neighborhood.yaml");
  const mapleSite = () => readFileSync(join(dir, "maple", "etc", "nginx", "sites-available", "blockshare.conf"), "utf8");
  const mapleData = () => join(dir, "maple", "var", "lib", "blockshare");
  const install = (root: string, ...args: string[]) =>
    blockshare(join(root, "etc", "blockshare", "neighborhood.yaml"), "install", "--root", root, ...element, ...args);
  let oakFile: string;

  test("without a community certificate 443 is self-signed, and the terminal says what phones need", () => {
    const result = install(join(dir, "maple"), "--server-name", "maple.example", "--public-url", "https://chat.maple.example", "--name", "Maple");
    assert.equal(result.status, 0, result.all);
    assert.match(result.err, /Phones will not trust this box until it has a certificate from the mesh's community CA/);
    assert.match(result.err, /cert issue --server maple\.example --public-url https:\/\/chat\.maple\.example --out DIR/);
    assert.match(result.err, /Then here: deploy\/blockshare cert install DIR\/tls\.crt DIR\/tls\.key/);
    assert.match(mapleSite(), /ssl_certificate \/etc\/blockshare\/tls\/blockshare\.crt;/);
  });

  test("a block joining a mesh: one command on the CA's box, one here (after ca trust); 443 and 8448 serve it", async () => {
    mkdirSync(join(dir, "oak"));
    oakFile = await writeLoopbackNeighborhood(join(dir, "oak"), "Oak", "oak.example");
    assert.equal(blockshare(oakFile, "ca", "create", "--name", "Oak Mesh").status, 0);
    const out = join(dir, "for-maple");
    const issued = blockshare(oakFile, "cert", "issue", "--server", "maple.example", "--public-url", "https://chat.maple.example", "--out", out);
    assert.equal(issued.status, 0, issued.all);
    assert.match(issued.out, /for maple\.example and chat\.maple\.example \(federation and clients\)/);
    const oakCa = federationPaths(join(dir, "oak", "data")).caCertificate;
    assert.equal(blockshare(maple(), "ca", "trust", oakCa).status, 0);
    // The wrong key is refused in plain words, and nothing is installed.
    const otherKey = join(dir, "other.key");
    spawnSync("openssl", ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", otherKey]);
    const wrong = blockshare(maple(), "cert", "install", join(out, "tls.crt"), otherKey);
    assert.equal(wrong.status, 1, wrong.all);
    assert.match(wrong.err, /is not the key of/);
    const installed = blockshare(maple(), "cert", "install", join(out, "tls.crt"), join(out, "tls.key"));
    assert.equal(installed.status, 0, installed.all);
    assert.match(installed.out, /for federation and clients/);
    assert.doesNotMatch(installed.out, /does not name/);

    const result = install(join(dir, "maple"));
    assert.equal(result.status, 0, result.all);
    assert.match(result.err, /TLS for clients on 443: this block's certificate from the community CA/);
    assert.doesNotMatch(result.err, /Phones will not trust/);
    const own = join(mapleData(), "federation", "tls.crt");
    assert.equal(mapleSite().split(`ssl_certificate ${own};`).length - 1, 2, "443 and 8448 both serve the block's certificate");
    const served = readFileSync(own, "utf8");
    for (const host of ["chat.maple.example", "maple.example"]) {
      const verified = opensslVerify(oakCa, firstPem(served), host);
      assert.ok(verified.ok, `openssl verify for ${host}: ${verified.output}`);
    }
    assert.equal(
      communityCa(mapleData())?.fingerprint,
      new X509Certificate(readFileSync(oakCa)).fingerprint256,
      "the join page hands out the CA that issued this block's certificate",
    );
  });

  test("near expiry with the CA on another box: the install keeps serving it and says what to ask for", () => {
    const out = join(dir, "for-maple-short");
    issueCertificate(federationPaths(join(dir, "oak", "data")), "maple.example", out, { alsoFor: ["chat.maple.example"], days: 10 });
    assert.equal(blockshare(maple(), "cert", "install", join(out, "tls.crt"), join(out, "tls.key")).status, 0);
    const result = install(join(dir, "maple"));
    assert.equal(result.status, 0, result.all);
    assert.match(result.err, /needs renewing \(it expires on \d{4}-\d\d-\d\d\), and the community CA is on another box/);
    assert.match(result.err, /cert issue --server maple\.example --public-url https:\/\/chat\.maple\.example --out DIR/);
    assert.match(result.err, /TLS for clients on 443: this block's certificate from the community CA/, "still valid: still served");
  });

  test("--certificate/--key (e.g. ACME) win over the community certificate", () => {
    const [certificate, key] = [join(dir, "acme.crt"), join(dir, "acme.key")];
    spawnSync("openssl", [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=chat.maple.example",
      "-keyout",
      key,
      "-out",
      certificate,
    ]);
    const result = install(join(dir, "maple"), "--certificate", certificate, "--key", key);
    assert.equal(result.status, 0, result.all);
    assert.match(result.err, /TLS for clients on 443: the certificate given/);
    assert.match(mapleSite(), new RegExp(`ssl_certificate ${certificate};`));
  });

  test("on the CA's own box the install renews a near-expiry certificate and says so; cert renew and the daily timer", () => {
    const root = join(dir, "elm");
    const file = join(root, "etc", "blockshare", "neighborhood.yaml");
    assert.equal(install(root, "--server-name", "elm.example", "--name", "Elm").status, 0);
    assert.equal(blockshare(file, "ca", "create").status, 0);
    const data = join(root, "var", "lib", "blockshare");
    const paths = federationPaths(data);
    issueCertificate(paths, "elm.example", join(data, "federation"), { days: 5 });
    const before = new X509Certificate(readFileSync(paths.certificate));
    const result = install(root);
    assert.equal(result.status, 0, result.all);
    assert.match(result.err, /Renewed this block's certificate from the community CA \(it expires on \d{4}-\d\d-\d\d\): valid until/);
    assert.match(result.out, /renewed\s+\S+federation\/tls\.crt/);
    const after = new X509Certificate(readFileSync(paths.certificate));
    assert.notEqual(after.serialNumber, before.serialNumber);
    assert.ok(new Date(after.validTo).getTime() - Date.now() > 300 * DAY);
    const renew = blockshare(file, "cert", "renew");
    assert.equal(renew.status, 0, renew.all);
    assert.match(renew.out, /valid until \d{4}-\d\d-\d\d \(renewed 30 days before\)/);
    assert.equal(new X509Certificate(readFileSync(paths.certificate)).serialNumber, after.serialNumber, "nothing due: nothing replaced");

    const unitDir = join(root, "etc", "systemd", "system");
    const timer = readFileSync(join(unitDir, "blockshare-cert-renew.timer"), "utf8");
    assert.match(timer, /OnCalendar=daily/);
    assert.match(readFileSync(join(unitDir, "blockshare.target"), "utf8"), /blockshare-cert-renew\.timer/);
    const units = readdirSync(unitDir)
      .filter((name) => name.startsWith("blockshare-cert-renew"))
      .map((name) => join(unitDir, name));
    const verify = spawnSync("systemd-analyze", ["verify", "--man=no", ...units], { encoding: "utf8" });
    const complaints = `${verify.stdout}${verify.stderr}`
      .split("\n")
      .filter(
        (line) =>
          line && !/Failed to (connect|create)|No such file or directory.*bus|Cannot add dependency job|is not a directory|blockshare\.target/i.test(line),
      );
    assert.equal(verify.status, 0, `${verify.stdout}${verify.stderr}`);
    assert.deepEqual(complaints, []);
  });

  test("the renewal decision: 30 days ahead, a missing host too; without the CA it asks", () => {
    const now = new Date("2026-06-01T00:00:00Z");
    const current = (days: number, missingHosts: string[] = []) => ({ notAfter: new Date(now.getTime() + days * DAY), missingHosts });
    assert.equal(planBlockCertificate({ current: current(31), holdsCa: true }, now).action, "keep");
    assert.equal(planBlockCertificate({ current: current(29), holdsCa: true }, now).action, "renew");
    assert.equal(planBlockCertificate({ current: current(-1), holdsCa: false }, now).action, "ask-ca");
    assert.deepEqual(planBlockCertificate({ current: current(200, ["chat.example"]), holdsCa: true }, now), {
      action: "renew",
      reason: { kind: "names", missingHosts: ["chat.example"] },
    });
    assert.deepEqual(planBlockCertificate({ holdsCa: false }, now), { action: "missing", holdsCa: false });
  });
});

interface Answer {
  status: number;
  body: any;
}

describe("through the box's real nginx, in front of Synapse and the join page", { skip: nginxMissing, timeout: 300_000 }, () => {
  const host = "chat.maple.mesh";
  let dir: string;
  let file: string;
  let block: RunningNeighborhood;
  let nginx: RunningProcess;
  let nginxArgs: string[];
  let ports: { http: number; https: number; federation: number };
  let caFile: string;
  const browsers: Browser[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "blockshare-clienttls-"));
    file = await writeLoopbackNeighborhood(dir, "Maple Block", "maple.localhost");
    const yaml = parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    writeFileSync(file, stringify({ ...yaml, public_url: `https://${host}`, reverse_proxy: true }));
    // The first block of a mesh: the CA, then this block's one certificate.
    assert.equal(blockshare(file, "ca", "create", "--name", "Maple Mesh").status, 0);
    const issued = blockshare(file, "cert", "issue");
    assert.equal(issued.status, 0, issued.all);
    caFile = federationPaths(join(dir, "data")).caCertificate;

    block = await startNeighborhood(file, { bots: [] });
    const response = await fetch(`${block.clientUrl}/_synapse/admin/v2/users/@dana:maple.localhost`, {
      method: "PUT",
      headers: { authorization: `Bearer ${block.operatorToken}`, "content-type": "application/json" },
      body: JSON.stringify({ password: "correct horse battery staple" }),
    });
    assert.ok(response.ok, await response.text());

    const root = join(dir, "root");
    const installed = blockshare(file, "install", "--root", root, "--no-start", ...fakeElementRelease(dir));
    assert.equal(installed.status, 0, installed.all);
    assert.match(installed.err, /TLS for clients on 443: this block's certificate from the community CA/);
    // The site exactly as the install wrote it, on free ports instead of 80, 443 and 8448.
    ports = { http: await freePort(), https: await freePort(), federation: await freePort() };
    const moved = { "80": ports.http, "443": ports.https, "8448": ports.federation } as Record<string, number>;
    const site = readFileSync(join(root, "etc", "nginx", "sites-available", "blockshare.conf"), "utf8").replace(
      /listen (\[::\]:)?(80|443|8448)\b/g,
      (_all, v6 = "", port: string) => `listen ${v6}${moved[port]}`,
    );
    const prefix = join(dir, "nginx");
    for (const folder of [join(prefix, "logs"), join(prefix, "temp")]) mkdirSync(folder, { recursive: true });
    writeFileSync(join(prefix, "nginx.conf"), standaloneNginxConfig(prefix, site));
    nginxArgs = ["-p", prefix, "-e", join(prefix, "logs", "error.log"), "-c", join(prefix, "nginx.conf")];
    const started = startProcess("nginx", "nginx", [...nginxArgs, "-g", "daemon off;"]);
    nginx = started.running;
    await waitUntil("nginx", () => tcpOpen(ports.https), nginx.exited, started.stderrTail, 20_000);
  });

  after(async () => {
    for (const browser of browsers) await browser.close();
    await nginx?.stop();
    await block?.stop();
    if (dir && !process.env.BLOCKSHARE_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
  });

  /** The leaf certificate nginx presents for `name` on `port`, as openssl s_client fetches it. */
  const served = async (port: number, name: string): Promise<string> => {
    const { stdout } = await promisify(execFile)(
      "sh",
      ["-c", `openssl s_client -connect 127.0.0.1:${port} -servername ${name} -showcerts </dev/null 2>/dev/null`],
      { encoding: "utf8", timeout: 20_000 },
    );
    const pem = firstPem(stdout);
    assert.ok(pem, `no certificate from port ${port}`);
    return pem;
  };

  const reloadNginx = async () => {
    const before = readFileSync(join(dir, "nginx", "logs", "error.log"), "utf8").length;
    assert.equal(spawnSync("nginx", [...nginxArgs, "-s", "reload"]).status, 0);
    // A reload is done once the new workers started (the log says so); bounded.
    for (let i = 0; i < 50 && !/start worker process/.test(readFileSync(join(dir, "nginx", "logs", "error.log"), "utf8").slice(before)); i++)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 300));
  };

  /** An HTTPS client whose only trust anchor is the community CA (no system roots), as a phone that installed it. */
  const viaTls = (method: string, path: string, body?: unknown, ca: string | undefined = readFileSync(caFile, "utf8")): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const request = httpsRequest(
        { host: "127.0.0.1", port: ports.https, servername: host, method, path, ...(ca ? { ca } : {}), headers: { host, "content-type": "application/json" } },
        (response) => {
          let text = "";
          response
            .setEncoding("utf8")
            .on("data", (chunk: string) => (text += chunk))
            .on("end", () => resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
        },
      );
      request.on("error", reject);
      request.end(body === undefined ? undefined : JSON.stringify(body));
    });

  test("openssl verify -CAfile ca.crt accepts what 443 serves, for public_url's host; 8448 serves the same for the server name", async () => {
    const clients = await served(ports.https, host);
    const verified = opensslVerify(caFile, clients, host);
    assert.ok(verified.ok, verified.output);
    const federation = await served(ports.federation, "maple.localhost");
    assert.ok(opensslVerify(caFile, federation, "maple.localhost").ok);
    assert.equal(new X509Certificate(federation).serialNumber, new X509Certificate(clients).serialNumber, "one certificate for both uses");
  });

  test("a client trusting only the community CA logs in over TLS through nginx; without the CA it is refused", async () => {
    const login = await viaTls("POST", "/_matrix/client/v3/login", {
      type: "m.login.password",
      identifier: { type: "m.id.user", user: "dana" },
      password: "correct horse battery staple",
    });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.match(login.body.access_token, /\S/);
    assert.equal(login.body.user_id, "@dana:maple.localhost");
    await assert.rejects(viaTls("GET", "/_matrix/client/versions", undefined, ""), /self-signed|unable to (get|verify)/i);
  });

  test("port 80 serves the join page and its CA plainly, and redirects everything else to HTTPS", async () => {
    // node:http rather than fetch: fetch will not send the Host header a phone sends.
    const http = (path: string) =>
      new Promise<{ status: number; location?: string; text: string }>((resolve, reject) => {
        httpRequest({ host: "127.0.0.1", port: ports.http, path, headers: { host } }, (response) => {
          let text = "";
          response
            .setEncoding("utf8")
            .on("data", (chunk: string) => (text += chunk))
            .on("end", () =>
              resolve({ status: response.statusCode ?? 0, ...(response.headers.location ? { location: response.headers.location } : {}), text }),
            );
        })
          .on("error", reject)
          .end();
      });
    const page = await http("/join");
    assert.equal(page.status, 200);
    assert.match(page.text, /Maple Block/);
    const ca = await http("/join/ca.crt");
    assert.equal(ca.status, 200);
    assert.equal(ca.text.trim(), readFileSync(caFile, "utf8").trim(), "the phone downloads the community CA over plain HTTP");
    for (const path of ["/", "/_matrix/client/versions", "/joinery", "/.well-known/matrix/client"]) {
      const answer = await http(path);
      assert.equal(answer.status, 301, path);
      assert.equal(answer.location, `https://${host}${path}`);
    }
    const secure = await viaTls("GET", "/join/available?username=newneighbor");
    assert.equal(secure.status, 200, "the join page answers on HTTPS too, for the sign-up step");
  });

  // The flyer's QR code, decoded as a phone's camera would: the join link with a fresh token in it.
  let flyer: Promise<{ link: string; token: string; fingerprint: string }> | undefined;
  const flyerLink = () =>
    (flyer ??= (async () => {
      const out = join(dir, "invites");
      const invite = blockshare(file, "invite", "--uses", "1", "--out", out);
      assert.equal(invite.status, 0, invite.all);
      const png = readdirSync(out).find((name) => name.endsWith(".png"));
      assert.ok(png, `a PNG flyer in ${readdirSync(out).join(", ")}`);
      const { stdout } = await promisify(execFile)("zbarimg", ["--quiet", "--raw", join(out, png)], { encoding: "utf8" });
      const link = stdout.trim();
      const fingerprint = invite.out.match(/Community CA fingerprint \(SHA-256\) on the flyer: (\S+)/)?.[1] ?? "";
      return { link, token: new URLSearchParams(new URL(link).hash.slice(1)).get("token") ?? "", fingerprint };
    })());
  /** A phone whose browser reaches the block's name on nginx's free ports, as it would reach 80 and 443. */
  const phoneBrowser = async (trustsCa: boolean) => {
    const connectTo = { [`${host}:80`]: `127.0.0.1:${ports.http}`, [`${host}:443`]: `127.0.0.1:${ports.https}` };
    const browser = await launchPhoneChromium(trustsCa ? { connectTo, trustCaFile: caFile, home: join(dir, "phone-home") } : { connectTo });
    browsers.push(browser);
    return browser;
  };

  test("a phone from the flyer, not trusting the CA yet: on plain HTTP it downloads the CA and cannot create an account", { skip: phoneMissing }, async () => {
    const { link, token, fingerprint } = await flyerLink();
    assert.equal(link, `http://${host}/join#token=${encodeURIComponent(token)}`);
    const context = await (await phoneBrowser(false)).newContext({ ...phone, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(link);
    assert.equal(page.url(), link, "the page stays on plain HTTP: the phone cannot open the HTTPS one yet");
    const ca = new X509Certificate(readFileSync(caFile));
    assert.equal(fingerprint, ca.fingerprint256, "the flyer prints the CA's fingerprint");
    assert.equal((await page.locator("#fingerprint").innerText()).replace(/\s+/g, ":"), ca.fingerprint256, "the page shows the flyer's fingerprint");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download the certificate" }).click()]);
    assert.equal(new X509Certificate(readFileSync(await download.path())).fingerprint256, ca.fingerprint256, "the file downloaded is the CA");
    assert.equal(await page.locator("#signup").count(), 0, "no password form on plain HTTP");
    const secureLink = page.getByRole("link", { name: "Continue on the secure page" });
    assert.equal(await secureLink.getAttribute("href"), `https://${host}/join#token=${encodeURIComponent(token)}`);
    // Sign-up from this page anyway (a script, an old tab): nginx's port 80 says HTTP, and the page refuses.
    const refused = await page.evaluate(
      async (body) => {
        const response = await fetch("/join/signup", { method: "POST", headers: { "content-type": "application/json" }, body });
        return { status: response.status, answer: (await response.json()) as { error: string; message: string } };
      },
      JSON.stringify({ username: "mallory", displayName: "", password: "pear tree over the fence", token, acceptNorms: true }),
    );
    assert.equal(refused.status, 403);
    assert.equal(refused.answer.error, "use-https");
    assert.match(refused.answer.message, new RegExp(`https://${host.replace(/\./g, "\\.")}/join`));
    // And the secure page is not reachable without the CA: the browser stops at the certificate.
    await assert.rejects(page.goto(`https://${host}/join`), /ERR_CERT_AUTHORITY_INVALID/);
    await context.close();
    const free = await viaTls("GET", "/_matrix/client/v3/register/available?username=mallory");
    assert.equal(free.status, 200, "no account was created");
  });

  test("a phone that trusts the CA is moved to HTTPS with the token, signs up, then logs in over TLS through nginx", { skip: phoneMissing }, async () => {
    const { link, token } = await flyerLink();
    const context = await (await phoneBrowser(true)).newContext({ ...phone });
    const page = await context.newPage();
    await page.goto(link);
    await page.waitForURL(`https://${host}/join#token=${encodeURIComponent(token)}`, { timeout: 30_000 });
    assert.equal(await page.locator("#trusted").isVisible(), true);
    assert.equal(await page.getByLabel("Invitation code").inputValue(), token);
    await page.getByLabel("Username").pressSequentially("rosa", { delay: 30 });
    await page.getByText("This username is free.").waitFor();
    await page.getByLabel("Display name").fill("Rosa from number 7");
    await page.getByLabel("Password").fill("pear tree over the fence");
    await page.getByLabel("I accept the block's norms").check();
    await page.getByRole("button", { name: "Create my account" }).click();
    await page.getByRole("heading", { name: "3. Open the app" }).waitFor();
    assert.equal(await page.locator("#user-id").innerText(), "@rosa:maple.localhost");
    assert.ok((await page.locator("#open-app").innerText()).includes(`https://${host}`), "the address to type in Element X");
    await context.close();

    // Element X's way in: public_url, through nginx, verified against the community CA alone.
    const fetchFn = caTrustingFetch(readFileSync(caFile, "utf8"), { connectTo: { host: "127.0.0.1", port: ports.https } });
    const client = sdk.createClient({ baseUrl: `https://${host}`, fetchFn, logger: quietLogger });
    const login = await client.loginRequest({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: "rosa" },
      password: "pear tree over the fence",
      initial_device_display_name: "Element X",
    });
    assert.equal(login.user_id, "@rosa:maple.localhost");
    const profile = await fetchFn(`https://${host}/_matrix/client/v3/profile/${encodeURIComponent(login.user_id)}/displayname`);
    assert.deepEqual(await profile.json(), { displayname: "Rosa from number 7" }, "the display name from the form");
    const sync = await fetchFn(`https://${host}${SLIDING_SYNC}?timeout=0`, {
      method: "POST",
      headers: { authorization: `Bearer ${login.access_token}`, "content-type": "application/json" },
      body: JSON.stringify({ lists: { all_rooms: { ranges: [[0, 49]], timeline_limit: 1, required_state: [["m.room.name", ""]] } } }),
    });
    const answer = (await sync.json()) as { rooms?: Record<string, { name?: string }> };
    assert.equal(sync.status, 200, JSON.stringify(answer));
    const lobby = block.rooms.get("lobby")!;
    assert.match(answer.rooms?.[lobby]?.name ?? "", /Lobby/, `the Lobby among ${Object.keys(answer.rooms ?? {}).join(", ")}`);
    const used = await viaTls("POST", "/join/signup", { username: "rosa2", displayName: "", password: "pear tree over the fence", token, acceptNorms: true });
    assert.equal(used.status, 403, "the flyer's one use is spent");
    assert.equal(used.body.error, "token-invalid");
  });

  test("cert renew replaces a near-expiry certificate, and after nginx reloads the served one changes", async () => {
    const paths = federationPaths(join(dir, "data"));
    issueCertificate(paths, "maple.localhost", join(dir, "data", "federation"), { alsoFor: [host], days: 5 });
    await reloadNginx();
    const nearExpiry = new X509Certificate(await served(ports.https, host));
    assert.ok(new Date(nearExpiry.validTo).getTime() - Date.now() < 6 * DAY);
    const renew = blockshare(file, "cert", "renew");
    assert.equal(renew.status, 0, renew.all);
    assert.match(renew.out, /Renewed this block's certificate from the community CA \(it expires on/);
    await reloadNginx();
    const renewed = await served(ports.https, host);
    assert.notEqual(new X509Certificate(renewed).serialNumber, nearExpiry.serialNumber);
    assert.ok(new Date(new X509Certificate(renewed).validTo).getTime() - Date.now() > 300 * DAY);
    assert.ok(opensslVerify(caFile, renewed, host).ok);
  });
});
