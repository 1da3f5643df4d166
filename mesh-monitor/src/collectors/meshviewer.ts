// yanic's meshviewer-ffrgb `meshviewer.json` → MeshSnapshot. Fields and units per
// reference/mesh-telemetry.md §1.7: tq and usages are already 0–1, `uptime` is the boot time as a date,
// client counts are zeroed by yanic for offline nodes.
import type { MeshLink, MeshNode, MeshSnapshot, NodeResources } from "../model.ts";
import { FieldReader, IndexPath, clamp01, type FieldPath, type JsonObject } from "./fieldReader.ts";
import type { ParseContext } from "./parseContext.ts";

const reader: FieldReader = new FieldReader(
  'yanic meshviewer.json: {"timestamp": ISO date, "nodes": [{"node_id", "is_online", "lastseen", …}], "links": [{"source", "target", "source_tq", "target_tq"}]}',
);

export function parseMeshviewer(value: unknown, context: ParseContext): MeshSnapshot {
  const root = reader.object(value, "the document");
  const timestamp = reader.optDate(root.timestamp, "timestamp") ?? context.collectedAt;
  const rawNodes = reader.array(root.nodes, "nodes");
  const rawLinks = reader.optArray(root.links, "links") ?? [];
  const nodes: MeshNode[] = new Array(rawNodes.length);
  const gateways: string[] = [];
  let onlineGateway = false;
  const at = new IndexPath("nodes");
  for (let i = 0; i < rawNodes.length; i++) {
    at.index = i;
    const raw = reader.object(rawNodes[i], at);
    const node = readNode(raw, at, timestamp);
    nodes[i] = node;
    if (reader.optBoolean(raw.is_gateway, at, "is_gateway") === true) {
      gateways.push(node.id);
      if (node.reportedOnline !== false) onlineGateway = true;
    }
  }
  const links: MeshLink[] = new Array(rawLinks.length);
  // Link ends name nodes listed above: share those id strings rather than keep 40,000 copies per parse.
  const ids = new Map<string, string>();
  for (const node of nodes) ids.set(node.id, node.id);
  const linkAt = new IndexPath("links");
  for (let i = 0; i < rawLinks.length; i++) {
    linkAt.index = i;
    const link = readLink(rawLinks[i], linkAt);
    link.source = ids.get(link.source) ?? link.source;
    link.target = ids.get(link.target) ?? link.target;
    links[i] = link;
  }
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

/** Model, firmware and domain repeat across thousands of nodes: nodes with the same four share one
 * (never mutated) info object rather than each holding its own, per parse. Bounded, so odd input cannot
 * grow it without limit. */
const sharedInfo = new Map<string, Record<string, string>>();
function infoOf(model: string | undefined, firmware: string | undefined, firmwareBase: string | undefined, domain: string | undefined): Record<string, string> {
  const key = `${model ?? ""}\u0000${firmware ?? ""}\u0000${firmwareBase ?? ""}\u0000${domain ?? ""}`;
  const known = sharedInfo.get(key);
  if (known !== undefined) return known;
  const info: Record<string, string> = {};
  if (model !== undefined) info.model = model;
  if (firmware !== undefined) info.firmware = firmware;
  if (firmwareBase !== undefined) info.firmware_base = firmwareBase;
  if (domain !== undefined) info.domain = domain;
  if (sharedInfo.size >= 4096) sharedInfo.clear();
  sharedInfo.set(key, Object.freeze(info));
  return info;
}

function readNode(raw: JsonObject, at: FieldPath, timestamp: number): MeshNode {
  const firmware = reader.optObject(raw.firmware, at, "firmware");
  const info = infoOf(
    reader.optString(raw.model, at, "model"),
    firmware === undefined ? undefined : reader.optString(firmware.release, at, "firmware.release"),
    firmware === undefined ? undefined : reader.optString(firmware.base, at, "firmware.base"),
    reader.optString(raw.domain, at, "domain"),
  );
  const location = reader.optObject(raw.location, at, "location");
  // One literal with every field (absent ones undefined) gives all nodes one compact shape.
  return {
    id: reader.id(raw.node_id, at, "node_id"),
    name: reader.optString(raw.hostname, at, "hostname"),
    lastSeen: reader.optDate(raw.lastseen, at, "lastseen") ?? timestamp,
    reportedOnline: reader.optBoolean(raw.is_online, at, "is_online"),
    resources: readResources(raw, at, timestamp),
    info,
    location:
      location === undefined
        ? undefined
        : { latitude: reader.number(location.latitude, at, "location.latitude"), longitude: reader.number(location.longitude, at, "location.longitude") },
  };
}

function readResources(raw: JsonObject, at: FieldPath, timestamp: number): NodeResources {
  const load = reader.optNumber(raw.loadavg, at, "loadavg");
  const cpus = reader.optNumber(raw.nproc, at, "nproc");
  const memory = reader.optNumber(raw.memory_usage, at, "memory_usage");
  const disk = reader.optNumber(raw.rootfs_usage, at, "rootfs_usage");
  // yanic writes the boot time as a date; older outputs wrote seconds.
  let uptimeSeconds: number | undefined;
  if (typeof raw.uptime === "number") uptimeSeconds = reader.number(raw.uptime, at, "uptime");
  else {
    const boot = reader.optDate(raw.uptime, at, "uptime");
    if (boot !== undefined) uptimeSeconds = Math.max(0, (timestamp - boot) / 1000);
  }
  return {
    cpuLoad: load !== undefined && cpus !== undefined && cpus > 0 ? load / cpus : load,
    memoryUsed: memory === undefined ? undefined : clamp01(memory),
    diskUsed: disk === undefined ? undefined : clamp01(disk),
    clients: reader.optNumber(raw.clients, at, "clients"),
    uptimeSeconds,
  };
}

function readLink(value: unknown, at: FieldPath): MeshLink {
  const raw = reader.object(value, at);
  const sourceTq = reader.optNumber(raw.source_tq, at, "source_tq");
  const targetTq = reader.optNumber(raw.target_tq, at, "target_tq");
  if (sourceTq === undefined && targetTq === undefined) reader.fail("missing_field", `${String(at)} has neither source_tq nor target_tq`);
  // The weaker direction decides what a neighbor experiences.
  const tq = clamp01(Math.min(sourceTq ?? 1, targetTq ?? 1));
  return {
    source: reader.id(raw.source, at, "source"),
    target: reader.id(raw.target, at, "target"),
    quality: tq,
    cost: tq * 255,
  };
}
