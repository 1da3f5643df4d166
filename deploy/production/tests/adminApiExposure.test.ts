// Synapse's admin API (/_synapse/admin) answers this box alone, and the federation port serves
// federation and keys alone, seen from where a neighbor sits: a network namespace joined to this machine
// by a veth pair (a private /30 that exists only on that link). Checked on a real block of the trial
// `run` (Synapse's own listeners on 0.0.0.0, no nginx) and on the production nginx site served by the
// box's real nginx in front of the same Synapse. Needs root (namespaces) and nginx.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse, stringify } from "yaml";
import { writeLoopbackNeighborhood } from "../../../test/harness/testNeighborhood.ts";
import { freePort } from "../../../test/harness/freePort.ts";
import { namespacesUnavailable } from "../../../test/harness/meshNamespaces.ts";
import { loadNeighborhood } from "../../../homeserver-config/loadNeighborhood.ts";
import { synapseConfig, synapsePaths } from "../../../homeserver-config/synapseConfig.ts";
import { createCommunityCa, federationPaths, installCertificate, issueCertificate } from "../../../homeserver-config/communityCa.ts";
import { startNeighborhood, type RunningNeighborhood } from "../../src/startNeighborhood.ts";
import { registrationTokens } from "../../src/homeserverAdmin.ts";
import { productionNginxSite, singleProcessLayout, standaloneNginxConfig } from "../nginxConfig.ts";
import { startProcess, tcpOpen, waitUntil, type RunningProcess } from "../childProcesses.ts";
import { layoutFor } from "../../../homeserver-config/workers/neighborhoodWorkers.ts";
import type { WorkerLayout } from "../../../homeserver-config/workers/workerLayout.ts";
import { freeWorkerSettings } from "./testSupport.ts";

const run = promisify(execFile);

/** A namespace "outside the box" and the veth pair to it: this machine at .1, the neighbor at .2. */
interface Outside {
  namespace: string;
  boxAddress: string;
  remove(): void;
}

function createOutside(): Outside {
  const tag = `${process.pid % 10_000}${Math.floor(Math.random() * 100)}`;
  const namespace = `bsadm-${tag}`;
  const hostEnd = `bsadm${tag}h`;
  const [third, fourth] = [Math.floor(Math.random() * 256), 4 * Math.floor(Math.random() * 63)];
  const boxAddress = `10.213.${third}.${fourth + 1}`;
  const outsideAddress = `10.213.${third}.${fourth + 2}`;
  const remove = () => {
    spawnSync("ip", ["link", "del", hostEnd]);
    spawnSync("ip", ["netns", "del", namespace]);
  };
  const ip = (...args: string[]) => {
    const result = spawnSync("ip", args, { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`ip ${args.join(" ")}: ${result.stderr}`);
  };
  try {
    ip("netns", "add", namespace);
    ip("link", "add", hostEnd, "type", "veth", "peer", "name", "bsadm-eth", "netns", namespace);
    ip("addr", "add", `${boxAddress}/30`, "dev", hostEnd);
    ip("link", "set", hostEnd, "up");
    ip("-n", namespace, "link", "set", "lo", "up");
    ip("-n", namespace, "addr", "add", `${outsideAddress}/30`, "dev", "bsadm-eth");
    ip("-n", namespace, "link", "set", "bsadm-eth", "up");
  } catch (error) {
    remove();
    throw error;
  }
  // Last resort when the test process is ended before `after` runs.
  process.once("exit", remove);
  return { namespace, boxAddress, remove };
}

interface Answer {
  /** 0 when nothing answered (connection refused, timeout). */
  status: number;
  body: string;
}

/** curl exactly the given path (no dot-segment clean-up), from inside `namespace` or from this box. */
async function request(url: string, options: { from?: string; method?: string } = {}): Promise<Answer> {
  const curl = ["curl", "-sk", "--path-as-is", "--max-time", "15", "-X", options.method ?? "GET", "-o", "-", "-w", "\n%{http_code}", url];
  const [command, ...args] = options.from ? ["ip", "netns", "exec", options.from, ...curl] : curl;
  const result = await run(command!, args, { encoding: "utf8" }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "\n000" }));
  const cut = result.stdout.lastIndexOf("\n");
  return { status: Number(result.stdout.slice(cut + 1)) || 0, body: result.stdout.slice(0, cut) };
}

const unavailable = namespacesUnavailable() ?? (spawnSync("nginx", ["-v"]).status === 0 ? undefined : "needs nginx");

describe("Synapse's admin API answers this box alone; the federation port serves federation and keys alone", { skip: unavailable, timeout: 600_000 }, () => {
  let dir: string;
  let outside: Outside;
  let block: RunningNeighborhood;
  let clientPort: number;
  let federationPort: number;
  /** A production-shaped Synapse listener (client and federation, plain HTTP, loopback) for nginx. */
  let proxiedPort: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "blockshare-admin-exposure-"));
    outside = createOutside();
    // The trial `run`'s defaults: Synapse's own listeners on every address, federation on with a certificate.
    const file = await writeLoopbackNeighborhood(dir, "Mesh Facing Block", "meshfacing.localhost");
    const settings = parse(readFileSync(file, "utf8")) as { ports: Record<string, number> } & Record<string, unknown>;
    clientPort = settings.ports.client!;
    federationPort = await freePort();
    proxiedPort = await freePort();
    writeFileSync(
      file,
      stringify({
        ...settings,
        bind_address: "0.0.0.0",
        public_url: `http://${outside.boxAddress}:${clientPort}`,
        ports: { ...settings.ports, federation: federationPort, mesh_map: await freePort() },
      }),
    );
    const neighborhood = loadNeighborhood(file);
    const federation = federationPaths(neighborhood.dataDir);
    createCommunityCa(federation, "Admin Exposure Mesh");
    const issued = issueCertificate(federation, neighborhood.server_name, join(dir, "issued"));
    installCertificate(federation, issued.certificate, issued.key);
    const generated = synapseConfig(neighborhood, synapsePaths(neighborhood.dataDir), {
      certificate: federation.certificate,
      key: federation.key,
      trustedCas: [],
    });
    const proxied = {
      port: proxiedPort,
      bind_addresses: ["127.0.0.1"],
      type: "http",
      tls: false,
      x_forwarded: true,
      resources: [{ names: ["client", "federation"], compress: false }],
    };
    block = await startNeighborhood(file, { bots: [], synapseOverrides: { listeners: [...(generated.listeners as unknown[]), proxied] } });
  });

  after(async () => {
    await block?.stop();
    outside?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("from the mesh, the trial run's client listener serves the client API and the pages clients open, not the admin API", async () => {
    const base = `http://${outside.boxAddress}:${clientPort}`;
    const versions = await request(`${base}/_matrix/client/versions`, { from: outside.namespace });
    assert.equal(versions.status, 200, versions.body);
    assert.ok((JSON.parse(versions.body) as { versions: string[] }).versions.includes("v1.11"));
    for (const path of [
      "/_synapse/admin/v1/server_version",
      "/_synapse/admin/v1/register",
      "/_synapse/%61dmin/v1/server_version",
      "/_synapse//admin/v1/server_version",
    ]) {
      const answer = await request(`${base}${path}`, { from: outside.namespace });
      assert.equal(answer.status, 404, `GET ${path} from the mesh: ${answer.status} ${answer.body}`);
      assert.match(answer.body, /M_UNRECOGNIZED/);
    }
    const sso = await request(`${base}/_synapse/client/pick_idp?redirectUrl=x`, { from: outside.namespace });
    assert.notEqual(sso.status, 404, `the sign-in pages under /_synapse/client stay reachable: ${sso.status} ${sso.body}`);
  });

  test("on this box the admin API answers: on loopback, on the box's own mesh address, and for the operator's commands", async () => {
    for (const host of ["127.0.0.1", outside.boxAddress]) {
      const answer = await request(`http://${host}:${clientPort}/_synapse/admin/v1/server_version`);
      assert.equal(answer.status, 200, `from this box to ${host}: ${answer.body}`);
      assert.match(answer.body, /server_version/);
    }
    assert.equal(block.clientUrl, `http://127.0.0.1:${clientPort}`);
    const token = await registrationTokens.create(block.clientUrl, block.operatorToken, { usesAllowed: 1, expiryTime: null });
    assert.ok(
      (await registrationTokens.list(block.clientUrl, block.operatorToken, true)).some((listed) => listed.token === token.token),
      "token create and list work",
    );
  });

  test("from the mesh, the trial run's federation listener serves federation and keys only", async () => {
    const base = `https://${outside.boxAddress}:${federationPort}`;
    const keys = await request(`${base}/_matrix/key/v2/server`, { from: outside.namespace });
    assert.equal(keys.status, 200, keys.body);
    assert.equal((JSON.parse(keys.body) as { server_name: string }).server_name, "meshfacing.localhost");
    assert.equal((await request(`${base}/_matrix/federation/v1/version`, { from: outside.namespace })).status, 200);
    for (const path of ["/_matrix/media/v3/config", "/_matrix/client/versions", "/_synapse/admin/v1/server_version"]) {
      const answer = await request(`${base}${path}`, { from: outside.namespace });
      assert.equal(answer.status, 404, `GET ${path} on the federation port: ${answer.status} ${answer.body}`);
    }
  });

  // With workers, nginx routes paths to worker ports first; none runs here, so each falls back to the
  // main process (the `backup` upstream) and the same Synapse answers.
  const layouts: Record<string, () => Promise<WorkerLayout>> = {
    "one Synapse process": async () => singleProcessLayout(proxiedPort),
    workers: async () => {
      const workers = await freeWorkerSettings();
      return layoutFor(block.neighborhood, { ...workers, ports: { ...workers.ports, main_http: proxiedPort } });
    },
  };
  for (const [layoutName, layoutOf] of Object.entries(layouts))
    describe(`the production nginx site, ${layoutName} (real nginx in front of the same Synapse)`, () => {
      let nginx: RunningProcess;
      let ports: { http: number; https: number; federation: number };

      before(async () => {
        const prefix = join(dir, `nginx-${layoutName.replaceAll(" ", "-")}`);
        const elementDir = join(dir, "element");
        for (const folder of [join(prefix, "logs"), join(prefix, "temp"), elementDir]) mkdirSync(folder, { recursive: true });
        writeFileSync(join(elementDir, "index.html"), "<!doctype html><title>Element</title>\n");
        ports = { http: await freePort(), https: await freePort(), federation: await freePort() };
        const federation = federationPaths(block.neighborhood.dataDir);
        const site = productionNginxSite({
          hostName: "meshfacing.localhost",
          serverName: "meshfacing.localhost",
          certificate: federation.certificate,
          certificateKey: federation.key,
          elementDir,
          layout: await layoutOf(),
          clientWellKnown: { "m.homeserver": { base_url: "https://meshfacing.localhost" } },
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
        await waitUntil("nginx", () => tcpOpen(ports.federation), nginx.exited, started.stderrTail, 20_000);
      });
      after(async () => nginx?.stop());

      test("443 serves Element, the client API and the pages clients open, and refuses the admin API", async () => {
        const base = `https://${outside.boxAddress}:${ports.https}`;
        const versions = await request(`${base}/_matrix/client/versions`, { from: outside.namespace });
        assert.equal(versions.status, 200, versions.body);
        assert.match((await request(`${base}/`, { from: outside.namespace })).body, /<title>Element<\/title>/);
        assert.notEqual((await request(`${base}/_synapse/client/pick_idp?redirectUrl=x`, { from: outside.namespace })).status, 404);
        for (const [method, path] of [
          ["GET", "/_synapse/admin/v1/server_version"],
          ["GET", "/_synapse/admin/v1/register"],
          ["POST", "/_synapse/admin/v1/register"],
          ["GET", "/_synapse/%61dmin/v1/server_version"],
          ["GET", "/_synapse/admin/v1/server_version/../../../../_matrix/client/versions"],
          ["GET", "/_synapse/admin/v1/server_version/%2e%2e/%2e%2e/%2e%2e/%2e%2e/_matrix/client/versions"],
        ] as const) {
          const answer = await request(`${base}${path}`, { from: outside.namespace, method });
          assert.equal(answer.status, 404, `${method} ${path} on 443: ${answer.status} ${answer.body}`);
          assert.doesNotMatch(answer.body, /server_version|nonce|<title>Element/);
        }
      });

      test("8448 serves federation and keys, not the client API nor /_synapse", async () => {
        const base = `https://${outside.boxAddress}:${ports.federation}`;
        const keys = await request(`${base}/_matrix/key/v2/server`, { from: outside.namespace });
        assert.equal(keys.status, 200, keys.body);
        assert.equal((JSON.parse(keys.body) as { server_name: string }).server_name, "meshfacing.localhost");
        const version = await request(`${base}/_matrix/federation/v1/version`, { from: outside.namespace });
        assert.equal(version.status, 200, version.body);
        assert.match(version.body, /Synapse/);
        for (const path of [
          "/_matrix/client/versions",
          "/_matrix/client/v3/login",
          "/_matrix/media/v3/config",
          "/_synapse/admin/v1/server_version",
          "/_synapse/client/pick_idp",
          "/health",
          "/",
        ]) {
          const answer = await request(`${base}${path}`, { from: outside.namespace });
          assert.equal(answer.status, 404, `GET ${path} on 8448: ${answer.status} ${answer.body}`);
        }
      });
    });
});
