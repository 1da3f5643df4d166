// Element X on a block, as a phone does it: the client .well-known at the server's origin (with CORS),
// password login with an m.id.user identifier, and a raw MSC4186 sliding sync that lists the Lobby — on
// the trial `run`'s own Synapse listener, and through the production nginx site (the box's real nginx,
// one process and worker routes). The block starts with Synapse's rate limits as a real block has them
// (not the harness's relaxed ones), so a sign-up evening behind one address is what is tested.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { writeLoopbackNeighborhood, registerNeighbor } from "./harness/testNeighborhood.ts";
import { freePort } from "./harness/freePort.ts";
import { loadNeighborhood } from "../homeserver-config/loadNeighborhood.ts";
import { synapseConfig, synapsePaths } from "../homeserver-config/synapseConfig.ts";
import { clientWellKnown } from "../homeserver-config/clientWellKnown.ts";
import { createCommunityCa, federationPaths, issueCertificate } from "../homeserver-config/communityCa.ts";
import { layoutFor } from "../homeserver-config/workers/neighborhoodWorkers.ts";
import { nginxWorkerLocations } from "../homeserver-config/workers/nginxWorkerRoutes.ts";
import type { WorkerLayout } from "../homeserver-config/workers/workerLayout.ts";
import { startNeighborhood, type RunningNeighborhood } from "../deploy/src/startNeighborhood.ts";
import { registrationTokens } from "../deploy/src/homeserverAdmin.ts";
import { productionNginxSite, singleProcessLayout, standaloneNginxConfig } from "../deploy/production/nginxConfig.ts";
import { startProcess, tcpOpen, waitUntil, type RunningProcess } from "../deploy/production/childProcesses.ts";
import { freeWorkerSettings } from "../deploy/production/tests/testSupport.ts";

const SLIDING_SYNC = "/_matrix/client/unstable/org.matrix.simplified_msc3575/sync";
const PASSWORD = "correct horse battery";

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** An HTTP client for one origin: plain fetch, or curl over TLS verified against a CA with the host resolved to loopback. */
type Requester = (method: string, path: string, options?: { body?: unknown; token?: string }) => Promise<Answer>;

function plainRequester(origin: string): Requester {
  return async (method, path, options = {}) => {
    const response = await fetch(`${origin}${path}`, {
      method,
      headers: {
        origin: "https://app.element.io",
        ...(options.body === undefined ? {} : { "content-type": "application/json" }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
}

function tlsRequester(host: string, port: number, caFile: string): Requester {
  return async (method, path, options = {}) => {
    const args = [
      "-s",
      "-i",
      "--max-time",
      "30",
      "--cacert",
      caFile,
      "--resolve",
      `${host}:${port}:127.0.0.1`,
      "-X",
      method,
      "-H",
      "origin: https://app.element.io",
    ];
    if (options.token) args.push("-H", `authorization: Bearer ${options.token}`);
    if (options.body !== undefined) args.push("-H", "content-type: application/json", "--data-binary", JSON.stringify(options.body));
    const { stdout } = await promisify(execFile)("curl", [...args, `https://${host}:${port}${path}`], { encoding: "utf8" });
    const cut = stdout.indexOf("\r\n\r\n");
    const [statusLine, ...headerLines] = stdout.slice(0, cut).split("\r\n");
    const headers = new Headers();
    for (const line of headerLines) {
      const colon = line.indexOf(":");
      headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
    const body = stdout.slice(cut + 4);
    return { status: Number(statusLine!.split(" ")[1]), headers, body: body ? JSON.parse(body) : undefined };
  };
}

/** Element X's password login: m.login.password with an m.id.user identifier. */
async function elementXLogin(request: Requester, user: string, password = PASSWORD): Promise<Answer> {
  return request("POST", "/_matrix/client/v3/login", {
    body: { type: "m.login.password", identifier: { type: "m.id.user", user }, password, initial_device_display_name: "Element X" },
  });
}

/** A first sliding sync as Element X's room list asks for it: the rooms, named, newest first. */
async function slidingSyncRooms(request: Requester, token: string): Promise<Answer> {
  return request("POST", `${SLIDING_SYNC}?timeout=0`, {
    token,
    body: {
      lists: {
        all_rooms: {
          ranges: [[0, 49]],
          timeline_limit: 1,
          required_state: [
            ["m.room.name", ""],
            ["m.room.create", ""],
          ],
        },
      },
    },
  });
}

const nginxMissing = spawnSync("nginx", ["-v"]).status === 0 ? undefined : "needs nginx";

test("the worker routes send Element X's sliding sync to the client reader, with the other syncs", async () => {
  const layout = layoutFor(
    loadNeighborhood(await writeLoopbackNeighborhood(mkdtempSync(join(tmpdir(), "blockshare-routes-")), "Routes", "routes.localhost")),
    await freeWorkerSettings(),
  );
  // nginx tries regex locations in order and takes the first match (the prefix /_matrix catches the rest).
  const locations = [...nginxWorkerLocations(layout, "clients", "").matchAll(/^location ~ (\S+) \{\n(?:.*\n)*?\s*proxy_pass http:\/\/(\w+);/gm)];
  const upstreamOf = (path: string) => locations.find(([, regex]) => new RegExp(regex!).test(path))?.[2] ?? "synapse_main";
  assert.equal(upstreamOf(SLIDING_SYNC), "synapse_client_reader");
  assert.equal(upstreamOf("/_matrix/client/v3/sync"), "synapse_client_reader");
  assert.equal(upstreamOf("/_matrix/client/v3/login"), "synapse_client_reader");
});

describe("Element X on a block with a real block's rate limits", { timeout: 300_000 }, () => {
  let dir: string;
  let block: RunningNeighborhood;
  let direct: Requester;
  let lobby: string;
  /** A production-shaped Synapse listener (client and federation, loopback, x_forwarded) for nginx. */
  let proxiedPort: number;
  const neighbors = Array.from({ length: 10 }, (_, i) => `neighbor${i}`);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "blockshare-elementx-"));
    const file = await writeLoopbackNeighborhood(dir, "Element X Block", "elementx.localhost");
    const neighborhood = loadNeighborhood(file);
    proxiedPort = await freePort();
    const generated = synapseConfig(neighborhood, synapsePaths(neighborhood.dataDir));
    const proxied = {
      port: proxiedPort,
      bind_addresses: ["127.0.0.1"],
      type: "http",
      tls: false,
      x_forwarded: true,
      resources: [{ names: ["client", "federation"], compress: false }],
    };
    // No rate-limit overrides: only the extra listener nginx proxies to.
    block = await startNeighborhood(file, { bots: [], synapseOverrides: { listeners: [...(generated.listeners as unknown[]), proxied] } });
    direct = plainRequester(new URL(neighborhood.public_url).origin);
    lobby = block.rooms.get("lobby")!;
    // One neighbor signs up as the join page would (token, auto-joined to the Lobby); the rest of the
    // evening's accounts are made by the operator, so that only logins are measured below.
    const token = await registrationTokens.create(block.clientUrl, block.operatorToken, { usesAllowed: 1, expiryTime: null });
    await registerNeighbor(block.clientUrl, "dana", PASSWORD, token.token);
    for (const localpart of [...neighbors, "guessme"]) {
      const response = await fetch(`${block.clientUrl}/_synapse/admin/v2/users/@${localpart}:${neighborhood.server_name}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${block.operatorToken}`, "content-type": "application/json" },
        body: JSON.stringify({ password: PASSWORD }),
      });
      assert.ok(response.ok, `creating ${localpart}: ${response.status} ${await response.text()}`);
    }
  });

  after(async () => {
    await block?.stop();
    if (dir && !process.env.BLOCKSHARE_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
  });

  test("the client .well-known answers at public_url's origin, with CORS, the same document the Element port serves", async () => {
    const answer = await direct("GET", "/.well-known/matrix/client");
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.headers.get("access-control-allow-origin"), "*");
    assert.equal(answer.body["m.homeserver"].base_url, `${block.neighborhood.public_url}/`);
    assert.deepEqual(answer.body, clientWellKnown(block.neighborhood));
    const elementPort = (await (await fetch(`${block.element.url}/.well-known/matrix/client`)).json()) as unknown;
    assert.deepEqual(elementPort, answer.body, "Synapse and the Element port serve one document");
  });

  test("ten neighbors behind one address log in one after another; guessing one account's password is still slowed", async () => {
    for (const [index, localpart] of neighbors.entries()) {
      const answer = await elementXLogin(direct, localpart);
      assert.equal(answer.status, 200, `login ${index + 1} of ${neighbors.length} (${localpart}): ${answer.status} ${JSON.stringify(answer.body)}`);
      assert.ok(answer.body.access_token);
    }
    const guesses = [];
    for (let attempt = 0; attempt < 4; attempt++) guesses.push(await elementXLogin(direct, "guessme", `wrong guess ${attempt}`));
    assert.deepEqual(
      guesses.map((guess) => guess.status),
      [403, 403, 403, 429],
      JSON.stringify(guesses.map((guess) => guess.body)),
    );
    assert.equal(guesses[3]!.body.errcode, "M_LIMIT_EXCEEDED");
  });

  test("a sign-up evening: eight neighbors register one after another from the box's own address (as the join page does)", async () => {
    const token = await registrationTokens.create(block.clientUrl, block.operatorToken, { usesAllowed: 8, expiryTime: null });
    for (let index = 0; index < 8; index++) {
      // Synapse's default rc_registration refuses the fourth for several seconds.
      await registerNeighbor(block.clientUrl, `evening${index}`, PASSWORD, token.token);
    }
  });

  test("sliding sync (MSC4186) with a neighbor's token lists the Lobby", async () => {
    const login = await elementXLogin(direct, "dana");
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const answer = await slidingSyncRooms(direct, login.body.access_token);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.ok(answer.body.lists.all_rooms.count >= 1);
    assert.ok(answer.body.rooms[lobby], `the Lobby ${lobby} is among ${Object.keys(answer.body.rooms ?? {}).join(", ")}`);
    assert.match(answer.body.rooms[lobby].name, /Lobby/);
  });

  // With workers nginx sends paths to worker ports first; none runs here, so each falls back to the main
  // process (the `backup` upstream): the routes and the site are what is under test.
  const layouts: Record<string, () => Promise<WorkerLayout>> = {
    "one Synapse process": async () => singleProcessLayout(proxiedPort),
    "worker routes": async () => {
      const workers = await freeWorkerSettings();
      return layoutFor(block.neighborhood, { ...workers, ports: { ...workers.ports, main_http: proxiedPort } });
    },
  };
  for (const [layoutName, layoutOf] of Object.entries(layouts)) {
    describe(`through the production nginx site, ${layoutName}`, { skip: nginxMissing }, () => {
      const host = "elementx.localhost";
      let nginx: RunningProcess;
      let viaNginx: Requester;

      before(async () => {
        const prefix = join(dir, `nginx-${layoutName.replaceAll(" ", "-")}`);
        const elementDir = join(dir, "element");
        for (const folder of [join(prefix, "logs"), join(prefix, "temp"), elementDir]) mkdirSync(folder, { recursive: true });
        writeFileSync(join(elementDir, "index.html"), "<!doctype html><title>Element</title>\n");
        const ca = federationPaths(join(prefix, "client-ca"));
        createCommunityCa(ca, "Element X Mesh");
        const issued = issueCertificate(ca, host, join(prefix, "tls"));
        const ports = { http: await freePort(), https: await freePort(), federation: await freePort() };
        const site = productionNginxSite({
          hostName: host,
          serverName: block.neighborhood.server_name,
          certificate: issued.certificate,
          certificateKey: issued.key,
          elementDir,
          layout: await layoutOf(),
          clientWellKnown: clientWellKnown(block.neighborhood),
          ports,
        });
        writeFileSync(join(prefix, "nginx.conf"), standaloneNginxConfig(prefix, site));
        const started = startProcess("nginx", "nginx", [
          "-p",
          prefix,
          "-e",
          join(prefix, "logs", "error.log"),
          "-c",
          join(prefix, "nginx.conf"),
          "-g",
          "daemon off; master_process off;",
        ]);
        nginx = started.running;
        await waitUntil("nginx", () => tcpOpen(ports.https), nginx.exited, started.stderrTail, 20_000);
        viaNginx = tlsRequester(host, ports.https, ca.caCertificate);
      });
      after(async () => nginx?.stop());

      test("the .well-known (with CORS) agrees with Synapse's; Element X logs in and sliding sync lists the Lobby", async () => {
        const wellKnown = await viaNginx("GET", "/.well-known/matrix/client");
        assert.equal(wellKnown.status, 200);
        assert.equal(wellKnown.headers.get("access-control-allow-origin"), "*");
        assert.deepEqual(wellKnown.body, (await direct("GET", "/.well-known/matrix/client")).body, "nginx and Synapse serve one document");
        const login = await elementXLogin(viaNginx, "dana");
        assert.equal(login.status, 200, JSON.stringify(login.body));
        const answer = await slidingSyncRooms(viaNginx, login.body.access_token);
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        assert.ok(answer.body.rooms?.[lobby], `the Lobby is among ${Object.keys(answer.body.rooms ?? {}).join(", ")}`);
      });
    });
  }
});
