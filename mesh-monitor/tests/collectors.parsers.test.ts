// Every parser over every relevant sample in telemetry-samples/, with the numbers a neighbor would see
// on the map checked against the files (hand-computed from the units in reference/mesh-telemetry.md).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { BabelState, parseBabelDump } from "../src/collectors/babel.ts";
import { parseBatadvVis, parseBatctl } from "../src/collectors/batman.ts";
import { parseTelemetry, type FormatName } from "../src/collectors/formats.ts";
import { parseGluonRespondd } from "../src/collectors/gluon.ts";
import { parseMeshviewer } from "../src/collectors/meshviewer.ts";
import { parseNetJsonDeviceMonitoring, parseNetJsonGraph } from "../src/collectors/netjson.ts";
import { parseOlsrJsoninfo, parseOlsrTxtinfo } from "../src/collectors/olsr.ts";
import type { MeshLink, MeshSnapshot } from "../src/model.ts";

const SAMPLES = new URL("../../../shared/telemetry-samples/", import.meta.url);
const text = (file: string) => readFileSync(new URL(file, SAMPLES), "utf8");
const json = (file: string): unknown => JSON.parse(text(file));
const context = { source: "test", collectedAt: Date.UTC(2026, 10, 1, 12, 0, 0) };

function link(snapshot: MeshSnapshot, source: string, target: string): MeshLink {
  const found = snapshot.links.find((l) => l.source === source && l.target === target);
  assert.ok(found, `no link ${source} → ${target} in ${JSON.stringify(snapshot.links)}`);
  return found;
}
const close = (actual: number | undefined, expected: number, what: string) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-6, `${what}: ${actual} ≠ ${expected}`);

describe("babeld local interface", () => {
  const NODE2 = "64:4f:e0:7e:dc:1d:70:ee";
  const NODE1 = "80:ce:dc:82:00:0a:b9:d7";
  const NODE3 = "c8:04:21:01:b2:6f:54:20";
  const NODE4 = "30:97:b0:c3:e3:5c:2e:e6";

  it("reads node 2's dump: itself, three routers by router id, and its three links with babeld's costs", () => {
    const { snapshot } = parseBabelDump(text("babel/babeld-1.12.1-dump-node2.txt"), context);
    assert.equal(snapshot.protocol, "babel");
    assert.deepEqual(snapshot.nodes.map((n) => n.id).sort(), [NODE4, NODE2, NODE1, NODE3].sort());
    assert.equal(snapshot.nodes.find((n) => n.id === NODE2)?.name, "vm");
    // Neighbour lines name link-local addresses; the routes with refmetric 0 say which router is behind each.
    assert.equal(link(snapshot, NODE2, NODE4).cost, 262);
    close(link(snapshot, NODE2, NODE4).quality, 256 / 262, "e24 quality");
    assert.equal(link(snapshot, NODE2, NODE1).cost, 266);
    assert.equal(link(snapshot, NODE2, NODE3).cost, 260);
    assert.equal(snapshot.links.length, 3);
    // No default route anywhere in this capture: the uplink is not something babel can speak about here.
    assert.deepEqual(snapshot.gateways, []);
    assert.equal(snapshot.uplinkUp, undefined);
  });

  it("follows the monitor stream through the 2–4 link cut: the link drops to quality 0, node 4 stays reachable via 3", () => {
    const state = new BabelState();
    const lines = text("babel/babeld-1.12.1-monitor-node2-link-cut.txt").split("\n");
    const qualities: number[] = [];
    let sawInterfaceDown = false;
    for (const line of lines) {
      state.apply(line);
      if (line.startsWith("change interface e24 up false")) sawInterfaceDown = true;
      if (state.myId !== undefined && state.neighbours.size > 0) {
        const l = state.snapshot(context).links.find((x) => x.target === NODE4);
        if (l) qualities.push(l.quality);
      }
      if (line.startsWith("change interface e24 up false") && !qualities.includes(0)) {
        // the interface going down is enough to call the link dead, before babeld's cost catches up
        assert.equal(state.snapshot(context).links.find((x) => x.target === NODE4)?.quality, 0);
      }
    }
    assert.ok(sawInterfaceDown);
    assert.ok(qualities[0]! > 0.95, `link started healthy (${qualities[0]})`);
    assert.equal(qualities.at(-1), 0, "at the end of the capture the neighbour's cost is still 65535");
    const end = state.snapshot(context);
    assert.equal(link(end, NODE2, NODE4).cost, 65535);
    assert.ok(
      end.nodes.some((n) => n.id === NODE4),
      "node 4 is still routed (via node 3)",
    );
    assert.equal(link(end, NODE2, NODE3).quality, 1);
  });

  it("a default route makes a gateway and an uplink; losing it afterwards is 'uplink down', not 'unknown'", () => {
    const state = new BabelState();
    for (const line of text("babel/babeld-1.12.1-dump-node2.txt").split("\n")) state.apply(line);
    state.apply(
      "add route 5571ecdef000 prefix 0.0.0.0/0 from 0.0.0.0/0 installed yes id " + NODE1 + " metric 268 refmetric 0 via fe80::ac5b:1eff:fe6d:7498 if e21",
    );
    let snapshot = state.snapshot(context);
    assert.deepEqual(snapshot.gateways, [NODE1]);
    assert.equal(snapshot.uplinkUp, true);
    state.apply(
      "flush route 5571ecdef000 prefix 0.0.0.0/0 from 0.0.0.0/0 installed yes id " + NODE1 + " metric 268 refmetric 0 via fe80::ac5b:1eff:fe6d:7498 if e21",
    );
    snapshot = state.snapshot(context);
    assert.deepEqual(snapshot.gateways, []);
    assert.equal(snapshot.uplinkUp, false);
    // the router itself exporting ::/0 is a gateway too
    state.apply("add xroute ::/0-::/0 prefix ::/0 from ::/0 metric 0");
    assert.deepEqual(state.snapshot(context).gateways, [NODE2]);
    assert.equal(state.snapshot(context).uplinkUp, true);
  });

  it("a router whose routes are all retracted (metric 65535) is no longer listed, though babeld still holds them", () => {
    const state = new BabelState();
    for (const line of text("babel/babeld-1.12.1-dump-node2.txt").split("\n")) state.apply(line);
    // Node 4 stops: babeld keeps its routes at infinite metric until they expire, and the neighbour's cost goes to infinity.
    for (const [route, via, iface] of [
      ["5571ec59b8e0", "fe80::f4c2:a4ff:fec9:387e", "e24"],
      ["5571ec59b650", "fe80::9e:23ff:fe1c:bd77", "e23"],
      ["5571ec59b7a0", "fe80::ac5b:1eff:fe6d:7498", "e21"],
    ]) {
      state.apply(`change route ${route} prefix 10.77.0.4/32 from 0.0.0.0/0 installed no id ${NODE4} metric 65535 refmetric 65535 via ${via} if ${iface}`);
    }
    state.apply(
      `add route 5571ec59b8f0 prefix 0.0.0.0/0 from 0.0.0.0/0 installed no id ${NODE4} metric 65535 refmetric 65535 via fe80::f4c2:a4ff:fec9:387e if e24`,
    );
    state.apply("change neighbour 5571ec59b430 address fe80::f4c2:a4ff:fec9:387e if e24 reach 0000 ureach 0000 rxcost 65535 txcost 65535 cost 65535");
    const snapshot = state.snapshot(context);
    assert.equal(state.routes.size, 10, "the retracted routes are still in babeld's table");
    assert.deepEqual(snapshot.nodes.map((n) => n.id).sort(), [NODE2, NODE1, NODE3].sort(), "node 4 is not kept alive by them");
    assert.equal(link(snapshot, NODE2, NODE4).quality, 0, "the link to it is reported, as lost");
    assert.deepEqual(snapshot.gateways, [], "a retracted default route is no gateway");
  });

  it("a flushed neighbour is a lost link", () => {
    const state = new BabelState();
    for (const line of text("babel/babeld-1.12.1-dump-node2.txt").split("\n")) state.apply(line);
    state.apply("flush neighbour 5571ec59b430 address fe80::f4c2:a4ff:fec9:387e if e24 reach 0000 ureach 0000 rxcost 65535 txcost 65535 cost 65535");
    assert.equal(
      state.snapshot(context).links.some((l) => l.target === NODE4),
      false,
    );
  });
});

describe("NetJSON", () => {
  it("NetworkGraph with raw olsrd ×1024 costs (netdiff): 28334 is ETX 27.67, quality 1/ETX", () => {
    const snapshot = parseNetJsonGraph(json("netjson/netdiff-netjson-2-links.json"), context);
    close(link(snapshot, "10.150.0.3", "10.150.0.2").cost, 28334 / 1024, "cost as ETX");
    close(link(snapshot, "10.150.0.3", "10.150.0.2").quality, 1024 / 28334, "quality");
    assert.equal(link(snapshot, "10.150.0.3", "10.150.0.4").quality, 1);
    assert.equal(snapshot.nodes.find((n) => n.id === "10.150.0.4")?.name, "router4.nnx");
    assert.equal(snapshot.nodes.find((n) => n.id === "10.150.0.3")?.name, "nodeA");
  });

  it("the 3-link graph adds the 10.150.0.5 link and reads 1048 as ETX 1.023", () => {
    const snapshot = parseNetJsonGraph(json("netjson/netdiff-netjson-3-links.json"), context);
    assert.equal(snapshot.links.length, 3);
    close(link(snapshot, "10.150.0.3", "10.150.0.4").quality, 1024 / 1048, "quality");
    assert.equal(link(snapshot, "10.150.0.5", "10.150.0.4").quality, 1);
  });

  it("the spec's graph: measured lq × nlq (1.0 × 0.497) beats the scaled cost 1.0", () => {
    const snapshot = parseNetJsonGraph(json("netjson/netjson-spec-network-graph.json"), context);
    close(link(snapshot, "172.16.40.24", "172.16.40.60").quality, 0.497, "quality");
    assert.equal(link(snapshot, "172.16.40.24", "172.16.40.60").cost, 1);
  });

  it("a NetworkCollection: the OLSR graph and the olsrv2 DAT graph (present = quality 1, raw cost kept)", () => {
    const snapshot = parseNetJsonGraph(json("netjson/netjson-spec-network-collection.json"), context);
    assert.equal(snapshot.nodes.length, 6);
    assert.equal(snapshot.links.length, 7);
    assert.equal(link(snapshot, "192.168.0.101", "192.168.0.102").cost, 2105088);
    assert.equal(link(snapshot, "192.168.0.101", "192.168.0.102").quality, 1);
  });

  it("DeviceMonitoring: load, memory (bytes), flash as disk, uptime", () => {
    const snapshot = parseNetJsonDeviceMonitoring(json("netjson/netjson-spec-device-monitoring.json"), { ...context, nodeId: "router-1" });
    const resources = snapshot.nodes[0]?.resources;
    assert.equal(snapshot.nodes[0]?.id, "router-1");
    assert.equal(resources?.cpuLoad, 0.08);
    close(resources?.memoryUsed, 1 - (3156 + 2072 + 6884) / 67108864, "memory");
    close(resources?.diskUsed, 1 - 1388608 / 8388608, "flash");
    assert.equal(resources?.uptimeSeconds, 3501937);
  });

  it("OpenWISP's extensions: cpus divide the load, the fullest disk counts, wireless clients are counted not kept", () => {
    const document = {
      type: "DeviceMonitoring",
      resources: {
        load: [1.8, 1, 1],
        cpus: 2,
        memory: { total: 1000, free: 100, available: 250 },
        disk: [
          { mount_point: "/", used_percent: 40 },
          { mount_point: "/tmp", used_bytes: 90, size_bytes: 100 },
        ],
      },
      interfaces: [{ name: "wlan0", wireless: { clients: [{ mac: "aa:bb:cc:dd:ee:01" }, { mac: "aa:bb:cc:dd:ee:02" }] } }],
    };
    const snapshot = parseNetJsonDeviceMonitoring(document, { ...context, nodeId: "r" });
    const resources = snapshot.nodes[0]?.resources;
    close(resources?.cpuLoad, 0.9, "cpu");
    close(resources?.memoryUsed, 0.75, "memory");
    close(resources?.diskUsed, 0.9, "disk");
    assert.equal(resources?.clients, 2);
    assert.doesNotMatch(JSON.stringify(snapshot), /aa:bb:cc/);
  });
});

describe("OLSRd v1", () => {
  const files = ["netdiff-olsr-2-links.json", "netdiff-olsr-2-links-newformat.json", "netdiff-olsr-5-links.json", "netdiff-olsr-2-links-cost-changed.json"];
  for (const file of files) {
    it(`${file}: olsrd 0.6.6 → ×1024 costs detected; quality = LQ × NLQ`, () => {
      const snapshot = parseOlsrJsoninfo(json(`olsrd/${file}`), context);
      assert.equal(snapshot.costEncoding, "fixed1024");
      assert.ok(
        snapshot.nodes.some((n) => n.id === "10.0.1.77"),
        "the router itself (config main address)",
      );
      const weak = snapshot.links.find((l) => l.quality < 0.5)!;
      close(weak.quality, 0.195 * 0.184, "weak link quality");
      close(weak.cost, file.includes("cost-changed") ? 1334 / 1024 : 28334 / 1024, "weak link ETX");
    });
  }

  it("the 5-link topology has its five edges and six routers", () => {
    const snapshot = parseOlsrJsoninfo(json("olsrd/netdiff-olsr-5-links.json"), context);
    assert.equal(snapshot.links.length, 5);
    assert.equal(link(snapshot, "10.150.0.7", "10.150.0.6").quality, 1);
  });

  it("olsrd ≥ 0.9.5 prints ETX floats: the same link reads the same", () => {
    const document = {
      version: { releaseVersion: "0.9.8" },
      topology: [{ lastHopIP: "10.0.0.1", destinationIP: "10.0.0.2", tcEdgeCost: 27.669, validityTime: 1000 }],
    };
    const snapshot = parseOlsrJsoninfo(document, context);
    assert.equal(snapshot.costEncoding, "etx");
    close(link(snapshot, "10.0.0.1", "10.0.0.2").quality, 1 / 27.669, "quality");
    // without any version, the numbers decide: a cost below 1024 cannot be fixed point
    assert.equal(parseOlsrJsoninfo({ topology: document.topology }, context).costEncoding, "etx");
    // a broken link (LINK_COST_BROKEN) is quality 0, in either encoding
    const broken = parseOlsrJsoninfo({ topology: [{ lastHopIP: "a", destinationIP: "b", tcEdgeCost: 4194304 }] }, context);
    assert.equal(broken.links[0]?.quality, 0);
  });

  it("gateways: HNA 0.0.0.0/0 names a gateway; a selected smart gateway or a default route means uplink up", () => {
    const hna = parseOlsrJsoninfo({ topology: [], hna: [{ destination: "0.0.0.0", genmask: 0, gateway: "10.0.0.9" }], routes: [] }, context);
    assert.deepEqual(hna.gateways, ["10.0.0.9"]);
    assert.equal(hna.uplinkUp, false, "announced but no default route here");
    const routed = parseOlsrJsoninfo(
      { hna: [{ destination: "0.0.0.0", genmask: 0, gateway: "10.0.0.9" }], routes: [{ destination: "0.0.0.0", genmask: 0, gateway: "10.0.0.2" }] },
      context,
    );
    assert.equal(routed.uplinkUp, true);
    const smart = parseOlsrJsoninfo(
      {
        gateways: {
          ipv4: [
            { originator: "10.0.0.9", selected: false },
            { originator: "10.0.0.8", selected: true },
          ],
          ipv6: [],
        },
      },
      context,
    );
    assert.deepEqual(smart.gateways.sort(), ["10.0.0.8", "10.0.0.9"]);
    assert.equal(smart.uplinkUp, true);
    assert.equal(parseOlsrJsoninfo(json("olsrd/netdiff-olsr-2-links.json"), context).uplinkUp, undefined, "no default anywhere: nothing to lose");
  });

  for (const file of ["netdiff-olsr-2-links.txt", "netdiff-olsr-5-links.txt"]) {
    it(`txtinfo ${file}: ETX printed as floats, same quality as jsoninfo`, () => {
      const snapshot = parseOlsrTxtinfo(text(`olsrd/${file}`), context);
      assert.equal(snapshot.costEncoding, "etx");
      const weak = snapshot.links.find((l) => l.quality < 0.5)!;
      close(weak.quality, 0.195 * 0.184, "quality");
      assert.equal(weak.cost, 27.669);
      assert.equal(link(snapshot, "10.150.0.4", "176.62.53.97").quality, 1, "the local Links table");
    });
  }
});

describe("batman-adv", () => {
  it("batadv-vis jsondoc: secondary MACs fold into their node, metric 255/TQ → 1/metric, clients counted not kept", () => {
    const snapshot = parseBatadvVis(json("batman-adv/netdiff-alfred-vis-batman.json"), context);
    assert.equal(snapshot.nodes.length, 5);
    close(link(snapshot, "10:fe:ed:37:3a:39", "a0:f3:c1:ac:6c:44").quality, 1 / 1.016, "quality");
    assert.equal(link(snapshot, "10:fe:ed:37:3a:39", "a0:f3:c1:ac:6c:44").cost, 1.016);
    // 90:f6:52:f2:8c:2d is a secondary interface of 90:f6:52:f2:8c:2c
    assert.equal(link(snapshot, "a0:f3:c1:96:94:06", "90:f6:52:f2:8c:2c").quality, 1);
    assert.ok(!snapshot.nodes.some((n) => n.id === "90:f6:52:f2:8c:2d"));
    assert.equal(snapshot.nodes.find((n) => n.id === "a0:f3:c1:96:94:06")?.resources?.clients, 4, "5 entries, one repeated");
    assert.doesNotMatch(JSON.stringify(snapshot), /86:a6:e8:ff:fd:6c/);
  });

  it("batadv-vis with duplicated entries gives each link once", () => {
    const snapshot = parseBatadvVis(json("batman-adv/netdiff-alfred-vis-batman-duplicated.json"), context);
    assert.equal(snapshot.links.filter((l) => l.source === "a0:f3:c1:96:94:06").length, 1);
    assert.equal(snapshot.nodes.length, 5);
  });

  it("batctl outputs: direct neighbours by TQ, originators' last seen, the best gateway means uplink up, own TT entries are not clients", () => {
    const snapshot = parseBatctl(
      {
        mesh: json("batman-adv/batctl-readme-mesh_json.json"),
        originators: json("batman-adv/batctl-readme-originators_json.json"),
        neighbors: json("batman-adv/batctl-readme-neighbors_json.json"),
        gateways: json("batman-adv/batctl-readme-gateways_json.json"),
        transtableLocal: json("batman-adv/batctl-readme-transtable_local_json.json"),
      },
      context,
    );
    const self = "3e:dc:94:68:80:e8";
    close(link(snapshot, self, "16:7b:3c:c2:bf:b8").quality, 251 / 255, "tq 251");
    assert.equal(link(snapshot, self, "16:7b:3c:c2:bf:b8").cost, 251);
    assert.ok(!snapshot.links.some((l) => l.target === "12:6d:7d:6f:f9:03"), "reached via another hop: no direct link");
    assert.equal(snapshot.nodes.find((n) => n.id === "12:6d:7d:6f:f9:03")?.lastSeen, context.collectedAt - 4728);
    assert.deepEqual(snapshot.gateways, ["02:62:e7:ab:01:01", "02:62:e7:ab:05:01", "02:62:e7:ab:06:01"]);
    assert.equal(snapshot.uplinkUp, true);
    assert.equal(snapshot.nodes.find((n) => n.id === self)?.resources?.clients, 0);
    // hardifs_json parses as JSON but carries nothing for the model; it must not be mistaken for originators
    assert.ok(Array.isArray(json("batman-adv/batctl-readme-hardifs_json.json")));
  });

  it("no best gateway in gateways_json = uplink down", () => {
    const gateways = (json("batman-adv/batctl-readme-gateways_json.json") as Record<string, unknown>[]).map(({ best: _best, ...rest }) => rest);
    const snapshot = parseBatctl({ originators: [], gateways }, { ...context, nodeId: "me" });
    assert.equal(snapshot.uplinkUp, false);
  });
});

describe("Gluon respondd", () => {
  it("statistics: memory kB → 1 − (free+buffers+cached)/total, rootfs fraction, clients, uptime, gateway, VPN uplink", () => {
    const snapshot = parseGluonRespondd(json("gluon-respondd/yanic-testdata-statistics.json"), context);
    const node = snapshot.nodes[0]!;
    assert.equal(node.id, "f81a67a601ea");
    close(node.resources?.memoryUsed, 1 - (86452 + 2308 + 8596) / 126200, "memory");
    close(node.resources?.diskUsed, 0.04178994082840237, "rootfs");
    assert.equal(node.resources?.cpuLoad, 0.48);
    assert.equal(node.resources?.clients, 35);
    assert.equal(node.resources?.uptimeSeconds, 138355.13);
    assert.deepEqual(snapshot.gateways, ["525400a9f76e"]);
    assert.equal(snapshot.uplinkUp, true, "vpn06 established");
  });

  it("nodeinfo + statistics of the same node merge; load is divided by nproc; the owner's e-mail is not kept", () => {
    const snapshot = parseGluonRespondd([json("gluon-respondd/yanic-testdata-nodeinfo.json"), json("gluon-respondd/yanic-testdata-statistics.json")], context);
    assert.equal(snapshot.nodes.length, 1);
    const node = snapshot.nodes[0]!;
    assert.equal(node.name, "foo-bar");
    assert.deepEqual(node.info, { model: "TP-Link TL-WDR4900 v1", firmware: "2016.1.2+bremen1", firmware_base: "gluon-v2016.1.2", domain: "ffhb" });
    // biome-ignore lint/correctness/noPrecisionLoss: the very double the parser reads from the sample, digit for digit
    assert.deepEqual(node.location, { latitude: 53.079362250000006, longitude: 8.88002693 });
    assert.equal(node.resources?.cpuLoad, 0.48 / 1);
    assert.doesNotMatch(JSON.stringify(snapshot), /freifunk@example\.com/);
  });

  it("neighbours: batadv TQ between nodes, resolved through interface MACs; unknown MACs are left out", () => {
    const snapshot = parseGluonRespondd(
      [json("gluon-respondd/yanic-testdata-node1-nodeinfo-neighbours.json"), json("gluon-respondd/yanic-testdata-node3-nodeinfo-neighbours.json")],
      context,
    );
    close(link(snapshot, "node1.json", "node3.json").quality, 250 / 255, "1→3");
    close(link(snapshot, "node3.json", "node1.json").quality, 200 / 255, "3→1");
    assert.equal(snapshot.links.length, 2, "'b' is nobody we know");
  });

  it("alfred-json data type 159: two nodes keyed by MAC", () => {
    const snapshot = parseGluonRespondd(json("gluon-respondd/gluon-docs-alfred-json-statistics-159.json"), context);
    assert.deepEqual(snapshot.nodes.map((n) => n.id).sort(), ["90f6523eb950", "f8d1117e97dc"]);
    close(snapshot.nodes.find((n) => n.id === "f8d1117e97dc")?.resources?.memoryUsed, 1 - (1660 + 2236 + 8268) / 29212, "memory");
  });

  it("yanic's state file lists its nodes", () => {
    const snapshot = parseGluonRespondd(json("yanic-meshviewer/yanic-testdata-state-nodes.json"), context);
    assert.deepEqual(snapshot.nodes.map((n) => n.id).sort(), ["f4f26dd7a30a", "f4f26dd7a30b"]);
  });
});

describe("yanic meshviewer.json (Freifunk Bremen, 2020-05-13)", () => {
  const snapshot = parseMeshviewer(json("yanic-meshviewer/freifunk-bremen-meshviewer-2020-05-13-subset.json"), context);

  it("counts: 124 nodes, 83 online, the 6 VPN gateways, 315 links", () => {
    assert.equal(snapshot.nodes.length, 124);
    assert.equal(snapshot.nodes.filter((n) => n.reportedOnline === true).length, 83);
    assert.equal(snapshot.gateways.length, 6);
    assert.equal(snapshot.uplinkUp, true);
    assert.equal(snapshot.links.length, 315);
  });

  it("a node's numbers: last seen, load, memory, rootfs, uptime from its boot date, labels", () => {
    const node = snapshot.nodes.find((n) => n.id === "18a6f7d2e818")!;
    assert.equal(node.name, "FF-Hagen-Cux-Hagener-SV-Tennis");
    assert.equal(node.lastSeen, Date.parse("2020-05-13T13:11:41+02:00"));
    assert.equal(node.resources?.cpuLoad, 0.23);
    close(node.resources?.memoryUsed, 0.6662812545165486, "memory");
    assert.equal(node.resources?.diskUsed, 0.4609);
    assert.equal(node.resources?.uptimeSeconds, (Date.parse("2020-05-13T13:11:52+02:00") - Date.parse("2020-04-11T04:58:21+02:00")) / 1000);
    assert.equal(node.info?.model, "TP-Link TL-WR841N/ND v11");
    assert.equal(node.info?.firmware, "2019.1.1+bremen3");
    assert.deepEqual(node.location, { latitude: 53.35198904, longitude: 8.64006579 });
  });

  it("an offline node keeps its real last-seen time", () => {
    const node = snapshot.nodes.find((n) => n.id === "704f57af1610")!;
    assert.equal(node.reportedOnline, false);
    assert.equal(node.lastSeen, Date.parse("2020-05-11T15:54:14+02:00"));
  });

  it("link quality is the weaker of the two TQs; a one-way link is 0", () => {
    const l = link(snapshot, "18a6f7d2e818", "18a6f7caefdc");
    close(l.quality, 0.89411765, "min(0.894, 0.922)");
    close(l.cost, 0.89411765 * 255, "as TQ 0–255");
    assert.equal(snapshot.links.filter((x) => x.quality === 0).length, 81);
  });
});

describe("the format table", () => {
  const cases: [FormatName, string][] = [
    ["babeld-dump", "babel/babeld-1.12.1-dump-node2.txt"],
    ["netjson-graph", "netjson/netdiff-netjson-2-links.json"],
    ["olsr-jsoninfo", "olsrd/netdiff-olsr-5-links.json"],
    ["olsr-txtinfo", "olsrd/netdiff-olsr-5-links.txt"],
    ["batadv-vis", "batman-adv/netdiff-alfred-vis-batman.json"],
    ["gluon-respondd", "gluon-respondd/yanic-testdata-statistics.json"],
    ["meshviewer", "yanic-meshviewer/freifunk-bremen-meshviewer-2020-05-13-subset.json"],
  ];
  for (const [format, file] of cases) {
    it(`${format} parses ${file} from bytes`, () => {
      const snapshot = parseTelemetry(format, text(file), context);
      assert.ok(snapshot.nodes.length > 0);
      assert.equal(snapshot.source, "test");
    });
  }
});
