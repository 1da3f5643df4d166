// When `run` serves clients over HTTPS: only with a valid community-CA certificate naming public_url's host,
// never behind nginx; then public_url, Synapse's listeners and the ports `run` checks all say so, and
// without one `run` names the command that gets it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { loadNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { createCommunityCa, federationPaths, issueCertificate } from "../../homeserver-config/communityCa.ts";
import { synapseConfig, synapsePaths } from "../../homeserver-config/synapseConfig.ts";
import { httpsPublicUrl } from "../../homeserver-config/clientHttps.ts";
import { plannedListeners } from "../src/portsInUse.ts";
import { describeRunHttps, httpsChangedSinceStart } from "../src/blockCertificate.ts";

function block(settings: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "blockshare-https-"));
  const file = join(dir, "neighborhood.yaml");
  writeFileSync(file, stringify({ name: "Maple", server_name: "maple.mesh", public_url: "http://10.0.0.5:8008", ...settings }));
  const paths = federationPaths(join(dir, "data"));
  return { file, paths, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

test("httpsPublicUrl keeps the host and path and takes the HTTPS port", () => {
  assert.equal(httpsPublicUrl("http://10.0.0.5:8008", 8443), "https://10.0.0.5:8443");
  assert.equal(httpsPublicUrl("http://[fd00::5]:8008/", 8443), "https://[fd00::5]:8443");
  assert.equal(httpsPublicUrl("http://maple.mesh", 443), "https://maple.mesh");
});

test("without a certificate run stays on HTTP and says the mesh needs a CA first", () => {
  using b = block();
  const neighborhood = loadNeighborhood(b.file);
  assert.equal(neighborhood.public_url, "http://10.0.0.5:8008");
  assert.equal(neighborhood.clientTls, undefined);
  assert.ok(!plannedListeners(neighborhood).some((listener) => /_https$/.test(listener.setting)));
  const said = describeRunHttps(neighborhood).join("\n");
  assert.match(said, /Phones cannot use this block yet/);
  assert.match(said, /deploy\/blockshare ca create, then deploy\/blockshare cert issue/);
});

test("a certificate naming public_url's host turns on HTTPS: public_url, Synapse's TLS client listener, the ports run checks", () => {
  using b = block({ ports: { client_https: 9443, element_https: 9444 } });
  createCommunityCa(b.paths, "Maple mesh");
  issueCertificate(b.paths, "maple.mesh", dirname(b.paths.certificate), { alsoFor: ["10.0.0.5"] });
  const neighborhood = loadNeighborhood(b.file);
  assert.equal(neighborhood.public_url, "https://10.0.0.5:9443");
  assert.deepEqual(neighborhood.clientTls, { certificate: b.paths.certificate, key: b.paths.key });
  const config = synapseConfig(neighborhood, synapsePaths(neighborhood.dataDir)) as {
    listeners: Array<Record<string, unknown>>;
    public_baseurl: string;
    tls_certificate_path: string;
  };
  assert.equal(config.public_baseurl, "https://10.0.0.5:9443/");
  assert.equal(config.tls_certificate_path, b.paths.certificate);
  const tlsClient = config.listeners.find((listener) => listener.port === 9443);
  assert.equal(tlsClient?.tls, true);
  assert.deepEqual(tlsClient?.resources, [{ names: ["client"], compress: false }]);
  assert.ok(tlsClient?.additional_resources, "the admin API stays off the mesh-facing TLS listener too");
  assert.deepEqual(
    plannedListeners(neighborhood)
      .filter((listener) => /_https$/.test(listener.setting))
      .map((listener) => listener.port),
    [9443, 9444],
  );
  assert.match(describeRunHttps(neighborhood).join("\n"), /https:\/\/10\.0\.0\.5:9443 .*https:\/\/10\.0\.0\.5:9444\/join/);
});

test("a certificate that does not name public_url's host, nginx in front, or workers leave run's clients as they were", () => {
  using b = block();
  createCommunityCa(b.paths, "Maple mesh");
  issueCertificate(b.paths, "maple.mesh", dirname(b.paths.certificate));
  const neighborhood = loadNeighborhood(b.file);
  assert.equal(neighborhood.public_url, "http://10.0.0.5:8008");
  assert.match(describeRunHttps(neighborhood).join("\n"), /does not name 10\.0\.0\.5.*\n.*cert renew/);

  issueCertificate(b.paths, "maple.mesh", dirname(b.paths.certificate), { alsoFor: ["10.0.0.5"] });
  writeFileSync(b.file, stringify({ name: "Maple", server_name: "maple.mesh", public_url: "https://10.0.0.5", reverse_proxy: true }));
  const proxied = loadNeighborhood(b.file);
  assert.equal(proxied.public_url, "https://10.0.0.5");
  assert.equal(proxied.clientTls, undefined);
  assert.deepEqual(describeRunHttps(proxied), [], "behind nginx the install speaks about phones, not run");

  // With workers run's client API is a loopback proxy: it says phones need the production install instead.
  writeFileSync(
    b.file,
    stringify({ name: "Maple", server_name: "maple.mesh", public_url: "http://10.0.0.5:8008", database: { engine: "postgresql" }, workers: { enabled: true } }),
  );
  const withWorkers = loadNeighborhood(b.file);
  assert.equal(withWorkers.public_url, "http://10.0.0.5:8008");
  assert.equal(withWorkers.clientTls, undefined);
  assert.match(describeRunHttps(withWorkers).join("\n"), /loopback proxy only.*deploy\/blockshare install/);
});

test("a certificate issued while run runs: run says to restart it so the join page and Element use HTTPS too", () => {
  using b = block();
  const started = loadNeighborhood(b.file);
  assert.equal(httpsChangedSinceStart(started), undefined);
  createCommunityCa(b.paths, "Maple mesh");
  issueCertificate(b.paths, "maple.mesh", dirname(b.paths.certificate), { alsoFor: ["10.0.0.5"] });
  assert.match(httpsChangedSinceStart(started) ?? "", /now lets it serve phones over HTTPS \(https:\/\/10\.0\.0\.5:8443\): restart run/);
  assert.equal(httpsChangedSinceStart(loadNeighborhood(b.file)), undefined);
});
