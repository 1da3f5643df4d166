// The README's production section, followed on a fresh Debian 12 box with systemd as PID 1 (a
// systemd-nspawn container: freshBox/debianBox.ts): one install command as root, then what the volunteer
// and the neighbors notice — the services running (as their own user), Element, the client API,
// .well-known and federation through nginx's TLS, a neighbor signing up with a token and the bots
// answering, the block coming back after a reboot, a re-run that changes nothing, a backup.
// Slow (~5 min with warm download caches, ~8 cold): the whole install runs for real.
//
// BLOCKSHARE_FRESHBOX_ARCH=arm64 (`npm run test:arm64`, never part of `npm test`) runs the same on a
// Raspberry Pi's Debian 12 under qemu-user emulation: Node, Synapse's wheels and Debian's packages for
// arm64 from the registries, psycopg2 compiled on the box. Every timeout is stretched by the emulation.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execSync } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bootDebianBox, slowdown, type BoxArch, type DebianBox } from "./freshBox/debianBox.ts";

const projectRoot = join(import.meta.dirname, "..", "..", "..");
const CONFIG = "/etc/blockshare/neighborhood.yaml";
const SERVICES = ["blockshare-appservices", "blockshare-synapse", "blockshare-mesh-monitor"];
const curl = (url: string, extra = "") =>
  `curl -sS --fail-with-body --max-time ${20 * slow} --cacert /etc/blockshare/tls/blockshare.crt --resolve maple.test:443:127.0.0.1 --resolve maple.test:8448:127.0.0.1 ${extra} ${url}`;
const boxNode = `$(ls -d /opt/blockshare/.tools/node/node_modules/node-linux-*/bin)/node`;
const arch = (process.env.BLOCKSHARE_FRESHBOX_ARCH ?? "amd64") as BoxArch;
if (arch !== "amd64" && arch !== "arm64") throw new Error(`BLOCKSHARE_FRESHBOX_ARCH must be amd64 or arm64, not ${arch}`);
const slow = slowdown(arch);
const neighborSaysHello = (args: string) =>
  `cd /opt/blockshare && NODE_EXTRA_CA_CERTS=/etc/blockshare/tls/blockshare.crt REPLY_WITHIN_S=${90 * slow} ${boxNode} deploy/production/tests/freshBox/neighborSaysHello.ts https://maple.test ${args}`;

describe(`a volunteer's install on a fresh Debian 12 ${arch} box (systemd as PID 1)`, { timeout: 40 * 60_000 * slow }, () => {
  let box: DebianBox;
  let elementSha256: string;
  const log = (line: string) => process.stderr.write(`    [fresh box] ${line}\n`);

  before(async () => {
    box = await bootDebianBox(log, { arch });
    // As the README says: BlockShare in /opt/blockshare (here: this work tree's files, as `git clone` would bring them).
    mkdirSync(join(box.root, "opt", "blockshare"), { recursive: true });
    execSync(
      `git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf - | tar -xf - -C ${join(box.root, "opt", "blockshare")}`,
      { cwd: projectRoot, stdio: ["ignore", "ignore", "pipe"] },
    );
    // This machine cannot reach GitHub: a release-shaped Element tarball, installed the offline way.
    const release = join(box.root, "root", "element-v1.11.200");
    mkdirSync(release, { recursive: true });
    writeFileSync(join(release, "index.html"), "<!doctype html><title>Element</title>\n");
    writeFileSync(join(release, "version"), "1.11.200\n");
    execSync(`tar -czf element-v1.11.200.tar.gz element-v1.11.200 && rm -r element-v1.11.200`, { cwd: join(box.root, "root") });
    elementSha256 = createHash("sha256")
      .update(readFileSync(join(box.root, "root", "element-v1.11.200.tar.gz")))
      .digest("hex");
    // The block's name resolves to the box itself (the mesh's DNS would do this).
    appendFileSync(join(box.root, "etc", "hosts"), "127.0.0.1 maple.test\n");
  });
  after(async () => box?.destroy());

  const install = () =>
    box.run(
      `/opt/blockshare/deploy/blockshare install --config ${CONFIG} --server-name maple.test --public-url https://maple.test --name "Maple Block" ` +
        `--element-tarball /root/element-v1.11.200.tar.gz --element-sha256 ${elementSha256}`,
      { timeoutMs: 25 * 60_000 * slow },
    );

  /** Waits (up to 3 min, natively) for Synapse and the bots to answer; "active" per unit, then the journal of any that is not. */
  async function servicesActive(): Promise<string> {
    // Synapse's first start on PostgreSQL creates its schema, and the bots then provision the rooms.
    const result = await box.run(
      `for i in $(seq 1 ${90 * slow}); do curl -sf -o /dev/null http://127.0.0.1:8008/health && curl -sf -o /dev/null http://127.0.0.1:9009/health && systemctl is-active --quiet ${SERVICES.join(" ")} && break; sleep 2; done
       systemctl is-active ${SERVICES.join(" ")} blockshare.target
       for s in ${SERVICES.join(" ")}; do systemctl is-active --quiet $s || journalctl -u $s -n 25 --no-pager >&2; done
       curl -sf -o /dev/null http://127.0.0.1:8008/health || journalctl -u blockshare-synapse -n 25 --no-pager >&2`,
    );
    return `${result.stdout.trim()}${result.stderr ? `\n--- journal ---\n${result.stderr}` : ""}`;
  }

  test("the README's one command installs what is missing and starts the block", async () => {
    const result = await install();
    assert.equal(result.status, 0, `install failed:\n${result.stderr.slice(-4000)}\n${result.stdout.slice(-2000)}`);
    for (const step of [
      "Installing Node.js",
      "Installing Synapse",
      "Installing postgresql",
      "Installing nginx",
      "Creating the system user blockshare",
      "Starting blockshare.target",
    ]) {
      assert.ok(result.stderr.includes(step), `the install says "${step}"`);
    }
    assert.match(result.stdout, /Maple Block is installed\. Neighbors open https:\/\/maple\.test/);
    assert.equal(await servicesActive(), "active\nactive\nactive\nactive", "every service runs and no unit failed");
    assert.equal((await box.run("systemctl is-enabled blockshare.target nginx postgresql")).stdout.trim(), "enabled\nenabled\nenabled", "they start at boot");
  });

  test("neighbors reach Element, the client API and .well-known over TLS; other blocks reach federation on 8448", async () => {
    const get = async (url: string) => {
      const result = await box.run(curl(url));
      assert.equal(result.status, 0, `GET ${url}: ${result.stdout}${result.stderr}`);
      return result.stdout;
    };
    assert.match(await get("https://maple.test/"), /<title>Element<\/title>/);
    assert.equal(JSON.parse(await get("https://maple.test/config.json")).default_server_config["m.homeserver"].base_url, "https://maple.test");
    assert.ok(JSON.parse(await get("https://maple.test/_matrix/client/versions")).versions.includes("v1.11"));
    assert.equal(JSON.parse(await get("https://maple.test/.well-known/matrix/client"))["m.homeserver"].base_url, "https://maple.test/");
    assert.equal(JSON.parse(await get("https://maple.test/.well-known/matrix/server"))["m.server"], "maple.test:8448");
    assert.equal(
      JSON.parse(await get("https://maple.test:8448/_matrix/key/v2/server")).server_name,
      "maple.test",
      "federation requests reach Synapse through nginx",
    );
    // Synapse's admin API stays on the box (the CLI calls it on 127.0.0.1); 8448 is federation and keys only.
    const status = async (url: string) => (await box.run(curl(url).replace("--fail-with-body", "-o /dev/null -w '%{http_code}'"))).stdout.trim();
    assert.equal(await status("https://maple.test/_synapse/admin/v1/server_version"), "404", "nginx does not pass the admin API on 443");
    assert.equal(await status("https://maple.test:8448/_matrix/client/versions"), "404", "8448 does not serve the client API");
    assert.equal(await status("https://maple.test:8448/_synapse/admin/v1/server_version"), "404", "8448 does not serve /_synapse");
    assert.equal(await status("http://127.0.0.1:8008/_synapse/admin/v1/server_version"), "200", "the admin API answers on loopback");
    assert.match(
      (await box.run("curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' --resolve maple.test:80:127.0.0.1 http://maple.test/")).stdout,
      /^301 https:\/\/maple\.test\//,
    );
    const listening = (await box.run("ss -ltnH '( sport = :8008 or sport = :9009 or sport = :9000 or sport = :5432 )' | awk '{print $4}'")).stdout
      .trim()
      .split("\n");
    assert.ok(listening.length >= 4, `listeners: ${listening.join(", ")}`);
    assert.deepEqual(
      listening.filter((address) => !/^(127\.0\.0\.1|\[::1\]):/.test(address)),
      [],
      "Synapse, its metrics, the bots and PostgreSQL listen on loopback only",
    );
  });

  test("a neighbor signs up with a registration token and the bots answer in the Lobby", async () => {
    const token = await box.run(`/opt/blockshare/deploy/blockshare token create --uses 1 --config ${CONFIG}`);
    assert.equal(token.status, 0, token.stderr);
    const code = /New registration token: (\S+)/.exec(token.stdout)?.[1];
    assert.ok(code, token.stdout);
    const hello = await box.run(neighborSaysHello(`rosa 'tomatoes and ladders' ${code}`), { timeoutMs: 180_000 * slow });
    assert.equal(hello.status, 0, hello.stderr);
    const reply = JSON.parse(hello.stdout) as { user: string; replyFrom: string; body: string };
    assert.equal(reply.user, "@rosa:maple.test");
    assert.equal(reply.replyFrom, "@porch:maple.test");
    assert.match(reply.body, /Maple Block's own chat/);
  });

  test("the block's memory, idle and with neighbors keeping the bots busy, fits a 2 GB Raspberry Pi", async () => {
    const neighbors = 8;
    const token = await box.run(`/opt/blockshare/deploy/blockshare token create --uses ${neighbors} --config ${CONFIG}`);
    const code = /New registration token: (\S+)/.exec(token.stdout)?.[1];
    assert.ok(code, `${token.stdout}${token.stderr}`);
    // Five commands each: within a bot's per-neighbor burst, so no answer is held back by its rate limit.
    const measured = await box.run(
      `cd /opt/blockshare && NODE_EXTRA_CA_CERTS=/etc/blockshare/tls/blockshare.crt ${boxNode} deploy/production/tests/freshBox/stackMemoryUnderLoad.ts https://maple.test ${code} ${neighbors} 5 ${90 * slow}`,
      { timeoutMs: 300_000 * slow },
    );
    assert.equal(measured.status, 0, measured.stderr);
    const figures = JSON.parse(measured.stdout) as { busy_stack_rss_mb_guest: number; commands_answered: number };
    log(`stack_rss_mb on ${arch}${arch === "amd64" ? "" : " (qemu-user's own memory included)"}: ${measured.stdout.trim()}`);
    assert.equal(figures.commands_answered, neighbors * 5);
    // The goal is 600 MB busy; the test fails only well above it, where a 2 GB Pi would run short. Under
    // emulation the figure without qemu's own memory is the one a Pi would see (natively they are equal).
    assert.ok(figures.busy_stack_rss_mb_guest < 1000, `busy stack_rss_mb ${figures.busy_stack_rss_mb_guest}`);
  });

  test("the services run as the blockshare user, with the hardening the units ask for", async () => {
    const users = await box.run(`for s in ${SERVICES.join(" ")}; do echo "$s $(ps -o user= -p $(systemctl show -p MainPID --value $s))"; done`);
    assert.deepEqual(
      users.stdout.trim().split("\n"),
      SERVICES.map((service) => `${service} blockshare`),
      `${users.stdout}${users.stderr}${await servicesActive()}`,
    );
    const hardening = await box.run(`systemctl show -p ProtectSystem -p PrivateTmp -p NoNewPrivileges blockshare-synapse`);
    assert.deepEqual(hardening.stdout.trim().split("\n").sort(), ["NoNewPrivileges=yes", "PrivateTmp=yes", "ProtectSystem=strict"]);
    const modes = await box.run(
      "stat -c '%a %U %n' /var/lib/blockshare /var/lib/blockshare/secrets /var/lib/blockshare/synapse/homeserver.yaml /etc/blockshare/tls/blockshare.key",
    );
    assert.deepEqual(modes.stdout.trim().split("\n"), [
      "711 blockshare /var/lib/blockshare",
      "700 blockshare /var/lib/blockshare/secrets",
      "600 blockshare /var/lib/blockshare/synapse/homeserver.yaml",
      "600 root /etc/blockshare/tls/blockshare.key",
    ]);
  });

  test("after a reboot the block comes back by itself and remembers its neighbors", async () => {
    await box.reboot();
    assert.equal(await servicesActive(), "active\nactive\nactive\nactive");
    const hello = await box.run(neighborSaysHello("rosa 'tomatoes and ladders'"), { timeoutMs: 180_000 * slow });
    assert.equal(hello.status, 0, hello.stderr);
    assert.equal((JSON.parse(hello.stdout) as { replyFrom: string }).replyFrom, "@porch:maple.test");
  });

  test("running the install again changes nothing and keeps every secret", async () => {
    const secrets = "cd /var/lib/blockshare && sha256sum secrets/* synapse/*.key /etc/blockshare/tls/*";
    const before = (await box.run(secrets)).stdout;
    const result = await install();
    assert.equal(result.status, 0, result.stderr.slice(-3000));
    const changes = result.stdout.split("\n").filter((line) => /^\s+(new|changed)\s/.test(line));
    assert.deepEqual(changes, [], "no generated file is new or changed");
    assert.match(result.stdout, /BlockShare, Synapse, Node and Element Web unchanged|unchanged/);
    assert.equal((await box.run(secrets)).stdout, before, "secrets, signing key and TLS key byte for byte");
    assert.equal(await servicesActive(), "active\nactive\nactive\nactive");
  });

  test("a backup taken as root while the block runs", async () => {
    const result = await box.run(`/opt/blockshare/deploy/blockshare backup --out /root/maple-backup.tar.gz --config ${CONFIG}`, { timeoutMs: 300_000 * slow });
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
    const listing = await box.run("tar -tzf /root/maple-backup.tar.gz");
    assert.match(listing.stdout, /SHA256SUMS/);
    assert.match(listing.stdout, /database|\.dump/);
  });

  test("the README's restore, as root onto an emptied box, brings the neighbor and the bots back", async () => {
    const wipeAndRestore = await box.run(
      [
        "set -e",
        "systemctl stop blockshare.target",
        "mv /var/lib/blockshare /var/lib/blockshare.before-restore",
        "runuser -u postgres -- dropdb blockshare",
        "/opt/blockshare/deploy/production/ensureServices.sh postgresql",
        `/opt/blockshare/deploy/blockshare restore /root/maple-backup.tar.gz --config ${CONFIG}`,
      ].join("\n"),
      { timeoutMs: 300_000 * slow },
    );
    assert.equal(wipeAndRestore.status, 0, `${wipeAndRestore.stdout}\n${wipeAndRestore.stderr}`);
    const reinstall = await install();
    assert.equal(reinstall.status, 0, reinstall.stderr.slice(-3000));
    assert.equal(await servicesActive(), "active\nactive\nactive\nactive");
    const hello = await box.run(neighborSaysHello("rosa 'tomatoes and ladders'"), { timeoutMs: 180_000 * slow });
    assert.equal(hello.status, 0, `rosa's account came back with the restore: ${hello.stderr}`);
    assert.equal((JSON.parse(hello.stdout) as { replyFrom: string }).replyFrom, "@porch:maple.test");
  });
});
