// The operator's side: the CLI's token and status commands against a running neighborhood, the Element
// config it serves, and the run command refusing an invalid neighborhood file.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startTestNeighborhood, registerNeighbor, RegistrationRefused, type TestNeighborhood } from "./harness/testNeighborhood.ts";

const cli = join(import.meta.dirname, "..", "deploy", "src", "cli.ts");

async function blockshare(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

test("run refuses an invalid neighborhood file, names the key, and writes nothing", async () => {
  const dir = mkdtempSync(join(tmpdir(), "blockshare-bad-"));
  const file = join(dir, "neighborhood.yaml");
  writeFileSync(file, "name: Elm\nserver_name: elm.mesh\npublic_url: http://10.1.1.1:8008\nports: { client: 80800 }\ncolour: blue\n");
  const result = await blockshare("run", "--config", file);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /"ports\.client" must be .*1 to 65535 \(got 80800\)/);
  assert.match(result.stderr, /unknown key "colour"/);
  assert.match(result.stderr, /Nothing was written/);
  assert.equal(existsSync(join(dir, "data")), false);
});

test("--help lists the operator's commands", async () => {
  const result = await blockshare("--help");
  assert.equal(result.code, 0);
  for (const command of ["run", "status", "token create", "token list", "token revoke"]) assert.match(result.stdout, new RegExp(command));
});

describe("operator tools on a running neighborhood", () => {
  let block: TestNeighborhood;
  before(async () => {
    block = await startTestNeighborhood({ name: "Elm Court" });
  });
  after(async () => {
    await block?.stop();
  });

  test("token create, list and revoke control who can sign up", async () => {
    const created = await blockshare("token", "create", "--uses", "2", "--expires", "3", "--config", block.file);
    assert.equal(created.code, 0, created.stderr);
    const token = /New registration token: (\S+)/.exec(created.stdout)?.[1];
    assert.ok(token, created.stdout);
    assert.match(token, /^[a-z2-9]{16}$/, "a token a neighbor can read aloud, never starting with '-' (a flaky CI run revoked '-l…' as an option)");
    assert.match(created.stdout, /2 of 2 uses left/);

    const listed = await blockshare("token", "list", "--config", block.file);
    assert.match(listed.stdout, new RegExp(token));

    await registerNeighbor(block.running.clientUrl, "dana", "pw-pw-pw-pw", token);
    const revoked = await blockshare("token", "revoke", token, "--config", block.file);
    assert.equal(revoked.code, 0, revoked.stderr);
    await assert.rejects(registerNeighbor(block.running.clientUrl, "erin", "pw-pw-pw-pw", token), RegistrationRefused);
    assert.doesNotMatch((await blockshare("token", "list", "--config", block.file)).stdout, new RegExp(token));

    const badUses = await blockshare("token", "create", "--uses", "lots", "--config", block.file);
    assert.equal(badUses.code, 1);
    assert.match(badUses.stderr, /--uses must be a whole number/);
  });

  test("status reports the homeserver and the bots as healthy", async () => {
    const status = await blockshare("status", "--config", block.file);
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.match(status.stdout, /Homeserver\s+up, Synapse 1\.\d+/);
    assert.match(status.stdout, /Bots \(appservice\)\s+reachable from the homeserver/);
    assert.doesNotMatch(status.stdout, /NOT OK/);
  });

  test("Element's config and the client .well-known point at this block and nothing outside", async () => {
    const config = (await (await fetch(`${block.running.element.url}/config.json`)).json()) as any;
    assert.equal(config.default_server_config["m.homeserver"].base_url, block.running.neighborhood.public_url);
    assert.equal(config.integrations_ui_url, null);
    assert.equal(config.brand, "Elm Court · BlockShare");
    const wellKnown = await fetch(`${block.running.element.url}/.well-known/matrix/client`);
    assert.equal(wellKnown.headers.get("access-control-allow-origin"), "*");
    // As Synapse writes public_baseurl (with a trailing slash): the same document Synapse serves itself.
    assert.equal(((await wellKnown.json()) as any)["m.homeserver"].base_url, `${block.running.neighborhood.public_url}/`);
    const page = await (await fetch(`${block.running.element.url}/`)).text();
    assert.match(page, /any Element app/);
  });
});
