import { test } from "node:test";
import assert from "node:assert/strict";
import { labelsKey, readAlertmanagerPayload } from "../alertmanagerPayload.ts";
import { splitLink, nodesOf } from "../incident.ts";
import { alertWords, isUplinkAlert, severityLook } from "../alertWording.ts";
import { speaker } from "../../framework/speak.ts";

const english = speaker("en", "UTC");

test("Alertmanager's zero time means 'not set', and times become milliseconds", () => {
  const reading = readAlertmanagerPayload({
    alerts: [{ status: "firing", labels: { alertname: "X" }, startsAt: "2025-06-01T12:00:00.123456789+02:00", endsAt: "0001-01-01T00:00:00Z" }],
  });
  assert.ok(reading.ok);
  const [alert] = reading.batch.alerts;
  assert.equal(alert?.startsAt, Date.UTC(2025, 5, 1, 10, 0, 0, 123));
  assert.equal(alert?.endsAt, undefined);
  assert.equal(alert?.key, labelsKey({ alertname: "X" }));
});

test("the labels key ignores label order and tells different labels apart", () => {
  assert.equal(labelsKey({ a: "1", b: "2" }), labelsKey({ b: "2", a: "1" }));
  assert.notEqual(labelsKey({ a: "1", b: "2" }), labelsKey({ a: "1", b: "3" }));
  assert.notEqual(labelsKey({ a: "1=b" }), labelsKey({ "a=1": "b" }));
});

test("long label and annotation values are cut, not refused; too many labels are refused", () => {
  const long = "x".repeat(5000);
  const reading = readAlertmanagerPayload({ alerts: [{ status: "resolved", labels: { node: long }, annotations: { description: long } }] });
  assert.ok(reading.ok);
  assert.equal(reading.batch.alerts[0]?.labels.node?.length, 500);
  assert.equal(reading.batch.alerts[0]?.annotations.description?.length, 2000);
  const labels = Object.fromEntries(Array.from({ length: 65 }, (_, index) => [`l${index}`, "v"]));
  const refused = readAlertmanagerPayload({ alerts: [{ status: "firing", labels }] });
  assert.ok(!refused.ok);
  assert.match(refused.problems[0] ?? "", /has 65 entries; at most 64/);
});

test("links read both ways of writing them", () => {
  assert.deepEqual(splitLink("a—b"), ["a", "b"]);
  assert.deepEqual(splitLink("roof top – garden"), ["roof top", "garden"]);
  assert.deepEqual(splitLink("a<->b"), ["a", "b"]);
  assert.deepEqual(splitLink("node-with-dashes"), []);
  assert.deepEqual(nodesOf({ labels: { link: "a—b" } }), ["a", "b"]);
  assert.deepEqual(nodesOf({ labels: { link: "a—b", source: "a", target: "b", node: "a" } }), ["a", "b"]);
  assert.equal(alertWords(english, { alertname: "MeshLinkLost", link: "a—b" }, {}).firing, english.plain("mesh.alert.MeshLinkLost.firing", { link: "a ↔ b" }));
});

test("every built-in rule has its own words, and unknown ones fall back to the summary or the name", () => {
  for (const alertname of [
    "MeshNodeDown",
    "MeshAgentSilent",
    "MeshLinkLost",
    "MeshLinkDegraded",
    "MeshUplinkLost",
    "MeshGatewayLost",
    "MeshNodeCpuHigh",
    "MeshNodeMemoryHigh",
    "MeshNodeDiskHigh",
    "MeshNewNode",
    "MeshCollectorBlind",
  ]) {
    const words = alertWords(english, { alertname, node: "n1", source: "n1", target: "n2" }, {});
    assert.ok(words.explanation, alertname);
    assert.doesNotMatch(words.firing, /Mesh[A-Z]/, `${alertname} reads as words: ${words.firing}`);
    assert.notEqual(words.firing, words.resolved);
  }
  assert.equal(
    alertWords(english, { alertname: "DiskFull", instance: "pi:9100" }, {}).firing,
    english.plain("mesh.alert.on", { alertname: "DiskFull", where: "pi:9100" }),
  );
  assert.equal(alertWords(english, {}, {}).firing, english.plain("mesh.alert.anAlert"));
  assert.equal(
    alertWords(english, { alertname: "Y" }, { summary: "Backups failed" }).resolved,
    english.plain("mesh.alert.resolvedSummary", { summary: "Backups failed" }),
  );
  assert.equal(severityLook(english, { severity: "CRITICAL" }).word, english.plain("mesh.severity.critical"));
  assert.equal(severityLook(english, { severity: "page" }).word, "page");
  assert.ok(
    isUplinkAlert({ alertname: "MeshUplinkLost" }) && isUplinkAlert({ alertname: "WanUplinkDown" }) && !isUplinkAlert({ alertname: "MeshGatewayLost" }),
  );
});
