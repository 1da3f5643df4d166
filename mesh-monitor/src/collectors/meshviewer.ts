// yanic's meshviewer-ffrgb `meshviewer.json` → MeshSnapshot. Fields and units per
// reference/mesh-telemetry.md §1.7: tq and usages are already 0–1, `uptime` is the boot time as a date,
// client counts are zeroed by yanic for offline nodes.
import type { MeshLink, MeshNode, MeshSnapshot, NodeResources } from "../model.ts";
import { FieldReader, clamp01, type JsonObject } from "./fieldReader.ts";
import type { ParseContext } from "./parseContext.ts";

const reader: FieldReader = new FieldReader('yanic meshviewer.json: {"timestamp": ISO date, "nodes": [{"node_id", "is_online", "lastseen", …}], "links": [{"source", "target", "source_tq", "target_tq"}]}');

export function parseMeshviewer(value: unknown, context: ParseContext): MeshSnapshot {
  const root = reader.object(value, "the document");
  const timestamp = reader.optDate(root.timestamp, "timestamp") ?? context.collectedAt;
  const rawNodes = reader.array(root.nodes, "nodes");
  const rawLinks = reader.optArray(root.links, "links") ?? [];
  const nodes: MeshNode[] = new Array(rawNodes.length);
  const gateways: string[] = [];
  let onlineGateway = false;
  for (let i = 0; i < rawNodes.length; i++) {
    const at = `nodes[${i}]`;
    const raw = reader.object(rawNodes[i], at);
    const node = readNode(raw, at, timestamp);
    nodes[i] = node;
    if (reader.optBoolean(raw.is_gateway, at, "is_gateway") === true) {
      gateways.push(node.id);
      if (node.reportedOnline !== false) onlineGateway = true;
    }
  }
  const links: MeshLink[] = new Array(rawLinks.length);
  for (let i = 0; i < rawLinks.length; i++) links[i] = readLink(rawLinks[i], `links[${i}]`);
  return {
    source: context.source,
    protocol: "meshviewer",
    collectedAt: context.collectedAt,
    nodes,
    links,
    gateways,
    // yanic knows gateways only as "announces itself as one"; an online gateway is the best it can say.
    uplinkUp: gateways.length > 0 ? onlineGateway : undefined,
  };
}

function readNode(raw: JsonObject, at: string, timestamp: number): MeshNode {
  const id = reader.id(raw.node_id, at, "node_id");
  const node: MeshNode = { id, lastSeen: reader.optDate(raw.lastseen, at, "lastseen") ?? timestamp };
  const name = reader.optString(raw.hostname, at, "hostname");
  if (name !== undefined) node.name = name;
  const online = reader.optBoolean(raw.is_online, at, "is_online");
  if (online !== undefined) node.reportedOnline = online;
  node.resources = readResources(raw, at, timestamp);
  const info: Record<string, string> = {};
  const model = reader.optString(raw.model, at, "model");
  if (model !== undefined) info.model = model;
  const firmware = reader.optObject(raw.firmware, at, "firmware");
  if (firmware !== undefined) {
    const release = reader.optString(firmware.release, at, "firmware.release");
    if (release !== undefined) info.firmware = release;
    const base = reader.optString(firmware.base, at, "firmware.base");
    if (base !== undefined) info.firmware_base = base;
  }
  const domain = reader.optString(raw.domain, at, "domain");
  if (domain !== undefined) info.domain = domain;
  node.info = info;
  const location = reader.optObject(raw.location, at, "location");
  if (location !== undefined) {
    node.location = {
      latitude: reader.number(location.latitude, at, "location.latitude"),
      longitude: reader.number(location.longitude, at, "location.longitude"),
    };
  }
  return node;
}

function readResources(raw: JsonObject, at: string, timestamp: number): NodeResources {
  const resources: NodeResources = {};
  const load = reader.optNumber(raw.loadavg, at, "loadavg");
  const cpus = reader.optNumber(raw.nproc, at, "nproc");
  if (load !== undefined) resources.cpuLoad = cpus !== undefined && cpus > 0 ? load / cpus : load;
  const memory = reader.optNumber(raw.memory_usage, at, "memory_usage");
  if (memory !== undefined) resources.memoryUsed = clamp01(memory);
  const disk = reader.optNumber(raw.rootfs_usage, at, "rootfs_usage");
  if (disk !== undefined) resources.diskUsed = clamp01(disk);
  const clients = reader.optNumber(raw.clients, at, "clients");
  if (clients !== undefined) resources.clients = clients;
  // yanic writes the boot time as a date; older outputs wrote seconds.
  if (typeof raw.uptime === "number") resources.uptimeSeconds = reader.number(raw.uptime, at, "uptime");
  else {
    const boot = reader.optDate(raw.uptime, at, "uptime");
    if (boot !== undefined) resources.uptimeSeconds = Math.max(0, (timestamp - boot) / 1000);
  }
  return resources;
}

function readLink(value: unknown, at: string): MeshLink {
  const raw = reader.object(value, at);
  const sourceTq = reader.optNumber(raw.source_tq, at, "source_tq");
  const targetTq = reader.optNumber(raw.target_tq, at, "target_tq");
  if (sourceTq === undefined && targetTq === undefined) reader.fail("missing_field", `${at} has neither source_tq nor target_tq`);
  // The weaker direction decides what a neighbor experiences.
  const tq = clamp01(Math.min(sourceTq ?? 1, targetTq ?? 1));
  return {
    source: reader.id(raw.source, at, "source"),
    target: reader.id(raw.target, at, "target"),
    quality: tq,
    cost: tq * 255,
  };
}
