// The mesh monitor as `run` starts it (deploy/src/meshMonitorService.ts), alerting the mesh bot on a real
// Synapse: the map link in Mesh alerts points at an address neighbors reach (not the 0.0.0.0 the map
// listens on), the room's words are the map's words, and a simulated mesh's alerts go to the operator,
// labelled as a simulation, never to the neighbors' room.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { operatorClient, startTestNeighborhood, type TestNeighborhood } from "./harness/testNeighborhood.ts";
import type { NeighborClient, SeenEvent } from "./harness/neighborClient.ts";
import { freePort } from "./harness/freePort.ts";
import { validateNeighborhood } from "../homeserver-config/loadNeighborhood.ts";
import { startMeshMonitor } from "../deploy/src/meshMonitorService.ts";
import type { RunningMonitor } from "../mesh-monitor/src/cli.ts";
import type { ApiState } from "../mesh-monitor/src/server/apiState.ts";
import { meshBot } from "../bots/mesh/meshBot.ts";

/** A NetJSON graph of three rooftops, served on loopback as a router's telemetry would be. */
function graph(cut: boolean) {
  const links = [
    { source: "n-roof", target: "n-garden", cost: 1 },
    { source: "n-garden", target: "n-shop", cost: 1 },
    ...(cut ? [] : [{ source: "n-roof", target: "n-shop", cost: 1 }]),
  ];
  return {
    type: "NetworkGraph",
    protocol: "olsr",
    version: "0.9.8",
    metric: "etx",
    nodes: [
      { id: "n-roof", label: "Roof" },
      { id: "n-garden", label: "Garden" },
      { id: "n-shop", label: "Shop" },
    ],
    links,
  };
}

test("mesh_monitor.public_map_url must be an http(s) URL, and the error says so", () => {
  const base = { name: "Maple", server_name: "maple.mesh", public_url: "http://10.0.0.5:8008" };
  assert.throws(
    () => validateNeighborhood("neighborhood.yaml", { ...base, mesh_monitor: { public_map_url: "map.maple.mesh" } }),
    /mesh_monitor\.public_map_url.*http/,
  );
  assert.throws(() => validateNeighborhood("neighborhood.yaml", { ...base, mesh_monitor: { simulated_alerts: "everyone" } }), /mesh_monitor\.simulated_alerts/);
  assert.equal(
    validateNeighborhood("neighborhood.yaml", { ...base, mesh_monitor: { public_map_url: "http://map.maple.mesh/" } }).mesh_monitor.public_map_url,
    "http://map.maple.mesh/",
  );
});

describe("the mesh monitor, as run starts it, alerting on a real Synapse", () => {
  let block: TestNeighborhood;
  let vol: NeighborClient;
  let operator: NeighborClient;
  let mesh: string;
  let alertsRoom: string;
  let telemetry: Server;
  let cut = false;
  let monitor: RunningMonitor;
  let mapPort: number;

  const fromMesh = (match: (event: SeenEvent) => boolean) => (event: SeenEvent) =>
    event.sender === mesh && event.type === "m.room.message" && event.content["m.relates_to"] === undefined && match(event);

  before(async () => {
    block = await startTestNeighborhood({ bots: [meshBot] });
    mesh = `@mesh:${block.running.neighborhood.server_name}`;
    alertsRoom = block.running.rooms.get("mesh-alerts")!;
    vol = await block.addNeighbor("vol");
    await vol.client.joinRoom(alertsRoom);
    operator = await operatorClient(block.running);
    await operator.start();

    telemetry = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(graph(cut)));
    });
    await new Promise<void>((resolve) => telemetry.listen(0, "127.0.0.1", resolve));
    const address = telemetry.address() as { port: number };
    // Real routers (the graph) and, beside them, the simulated mesh with its weak link from the start.
    const configFile = join(block.dir, "mesh-monitor.yaml");
    writeFileSync(
      configFile,
      stringify({
        intervalSeconds: 1,
        sources: [
          { type: "http", format: "netjson-graph", url: `http://127.0.0.1:${address.port}/graph.json` },
          { type: "simulated", degradeAfterSeconds: 0, degradeForSeconds: 100_000 },
        ],
        rules: { linkLost: { forSeconds: 1, resolveAfterSeconds: 60 }, linkDegraded: { enterForSeconds: 1 } },
      }),
    );
    mapPort = await freePort();
    const { neighborhood } = block.running;
    // As on a fresh box: the map listens on every address; neighbors reach the box at public_url's host.
    monitor = await startMeshMonitor(
      {
        ...neighborhood,
        bind_address: "0.0.0.0",
        public_url: "http://10.77.0.5:8008",
        ports: { ...neighborhood.ports, mesh_map: mapPort },
        mesh_monitor: { simulate: true, simulated_alerts: "operator", config: configFile },
      },
      block.running.host.url,
      block.running.secrets.dir,
    );
  });
  after(async () => {
    operator?.stop();
    await monitor?.stop();
    telemetry?.close();
    await block?.stop();
  });

  test("a simulated alert reaches the operator, labelled as a simulation, and not the neighbors' Mesh alerts room", async () => {
    const dm = await operator.waitForEvent(
      fromMesh((event) => event.room_id !== alertsRoom && /Library/.test(String(event.content.body))),
      "the simulated alert in the operator's DM",
      60_000,
    );
    assert.match(dm.content.body, /Simulation: Link (Corner store ↔ Library|Library ↔ Corner store) is weak/);
    assert.match(dm.content.body, /simulated/i);
    // The same words on the map.
    const fingerprint = /#alert=([0-9a-f]{16})/.exec(dm.content.body)?.[1];
    const state = (await (await fetch(`http://127.0.0.1:${mapPort}/api/state`)).json()) as ApiState;
    const onMap = state.alerts.active.find((alert) => alert.fingerprint === fingerprint);
    assert.ok(onMap, `the DM links to an alert the map shows (${fingerprint})`);
    assert.ok(String(dm.content.body).includes(onMap.annotations.summary), `the DM says what the map says: "${onMap.annotations.summary}"`);
  });

  test("a real alert's map link uses public_url's host with the map's port, and the room's words are the map's", async () => {
    cut = true;
    const posted = await vol.waitForEvent(
      fromMesh((event) => event.room_id === alertsRoom && /roof.*shop|shop.*roof/i.test(String(event.content.body))),
      "the link-lost message in Mesh alerts",
      60_000,
    );
    const body = String(posted.content.body);
    assert.match(body, new RegExp(`Map: http://10\\.77\\.0\\.5:${mapPort}/#alert=[0-9a-f]{16}`), body);
    assert.doesNotMatch(body, /0\.0\.0\.0/);
    // The silence hint names a router at the link's end, not the collector that reported it.
    assert.match(body, /!mesh silence n-(roof|shop) 2h/);
    assert.equal(monitor.mapUrl, `http://10.77.0.5:${mapPort}/`, "run prints the same address");
    const fingerprint = /#alert=([0-9a-f]{16})/.exec(body)?.[1];
    const state = (await (await fetch(`http://127.0.0.1:${mapPort}/api/state`)).json()) as ApiState;
    const onMap = state.alerts.recent.find((alert) => alert.fingerprint === fingerprint);
    assert.ok(onMap, "the link opens an alert the map lists");
    assert.ok(body.includes(onMap.annotations.summary), `room "${body.split("\n")[0]}" vs map "${onMap.annotations.summary}"`);
    // By now the simulated alert was handled long ago: it never reached the neighbors' room.
    const simulatedInRoom = vol.seen(fromMesh((event) => event.room_id === alertsRoom && /Library|Corner store|Simulation/.test(String(event.content.body))));
    assert.deepEqual(
      simulatedInRoom.map((event) => event.content.body),
      [],
    );
  });
});
