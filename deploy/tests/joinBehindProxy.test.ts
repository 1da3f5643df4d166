// Behind nginx the join page is served on port 80 and on 443 by one server on loopback: nginx says which
// (X-Forwarded-Proto, from Debian's proxy_params). A sign-up that came in on plain HTTP is refused, and
// the page there moves the neighbor to HTTPS; only nginx on loopback is believed about the scheme.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import { joinRouter } from "../src/joinPage/joinRouter.ts";

let server: Server;
let url: string;

before(async () => {
  const app = express();
  app.use(
    "/join",
    joinRouter({
      blockName: "Maple",
      dataDir: mkdtempSync(join(tmpdir(), "blockshare-join-proxy-")),
      clientUrl: "http://127.0.0.1:9", // never reached: every request here is refused or answered before Synapse
      serverAddress: "https://chat.maple.example",
      norms: () => "Be kind.",
      behindProxy: true,
      secureOrigin: "https://chat.maple.example",
    }),
  );
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/join`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const signup = (proto: string) =>
  fetch(`${url}/signup`, { method: "POST", headers: { "content-type": "text/plain", "x-forwarded-proto": proto, "x-real-ip": "10.0.0.7" }, body: "x" });

test("a sign-up nginx took on plain HTTP is refused with where to go; one it took on HTTPS goes on", async () => {
  const plain = await signup("http");
  assert.equal(plain.status, 403);
  const body = (await plain.json()) as { error: string; message: string };
  assert.equal(body.error, "use-https");
  assert.match(body.message, /https:\/\/chat\.maple\.example\/join/);
  // On HTTPS the request passes the scheme check and meets the next one (the body must be JSON).
  assert.equal((await signup("https")).status, 415);
});

test("the page nginx serves on plain HTTP moves to the HTTPS page; the one on HTTPS has the form", async () => {
  const plain = await (await fetch(url, { headers: { "x-forwarded-proto": "http" } })).text();
  assert.match(plain, /https:\/\/chat\.maple\.example\/join/);
  assert.doesNotMatch(plain, /<form id="signup"/);
  const secure = await (await fetch(url, { headers: { "x-forwarded-proto": "https" } })).text();
  assert.match(secure, /<form id="signup"/);
});
