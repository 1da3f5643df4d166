// The room and the map word one alert the same way, in every language the bots speak. The mesh monitor
// (English only: it may not import the bots' catalogs) sends each alert's headline as its summary, which
// the map shows and Mesh alerts posts to an English block; a Spanish block reads the mesh bot's catalog
// words instead. So the catalog's English headlines must be the monitor's, word for word, for every
// built-in rule — then the Spanish catalog, translating those keys, says what the map says.
import { test } from "node:test";
import assert from "node:assert/strict";
import { alertWording } from "../mesh-monitor/src/rules/alertWording.ts";
import { alertWords } from "../bots/mesh/alertWording.ts";
import { speaker } from "../bots/framework/speak.ts";
import { supportedLanguages } from "../bots/framework/languages.ts";

const node = { node: "n-roof", node_name: "Roof", source: "babel" };
const link = { link: "n-roof--n-shop", node_a: "n-roof", node_b: "n-shop", link_name: "Roof ↔ Shop", source: "babel" };
// Each built-in rule with the labels the monitor gives it (mesh-monitor/src/rules/*Rules.ts).
const monitorAlerts: Record<string, string>[] = [
  { alertname: "MeshNodeDown", severity: "critical", ...node },
  { alertname: "MeshAgentSilent", severity: "warning", ...node },
  { alertname: "MeshNewNode", severity: "info", ...node },
  { alertname: "MeshNodeCpuHigh", severity: "warning", ...node },
  { alertname: "MeshNodeMemoryHigh", severity: "warning", ...node },
  { alertname: "MeshNodeDiskHigh", severity: "warning", ...node },
  { alertname: "MeshLinkLost", severity: "warning", ...link },
  { alertname: "MeshLinkDegraded", severity: "warning", ...link },
  { alertname: "MeshUplinkLost", severity: "critical", source: "mesh" },
  { alertname: "MeshGatewayLost", severity: "warning", node: "n-gw", node_name: "Gateway box", source: "mesh" },
  { alertname: "MeshCollectorBlind", severity: "warning", source: "babel-socket" },
];

test("the mesh bot's English words for every built-in alert are the monitor's, simulated or not", () => {
  const english = speaker("en", "UTC");
  for (const labels of monitorAlerts.flatMap((labels) => [labels, { ...labels, simulated: "true" }])) {
    const map = alertWording(labels);
    const room = alertWords(english, labels, {});
    assert.equal(room.firing, map.firing, labels.alertname);
    assert.equal(room.resolved, map.resolved, labels.alertname);
  }
});

test("in every other language the room words a monitor alert from the catalog, not the monitor's English", () => {
  for (const language of supportedLanguages.filter((each) => each !== "en")) {
    const reader = speaker(language, "UTC");
    for (const labels of monitorAlerts) {
      const map = alertWording(labels);
      const room = alertWords(reader, labels, { summary: map.firing, description: map.explanation });
      assert.notEqual(room.firing, map.firing, `${language}: ${labels.alertname}`);
      assert.equal(room.description, undefined, `${language}: the monitor's English description is left out`);
      assert.ok(room.explanation, `${language}: ${labels.alertname} explained`);
    }
  }
});
