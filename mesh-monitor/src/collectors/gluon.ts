// Freifunk Gluon respondd (nodeinfo / statistics / neighbours) → snapshot. Accepts what collectors
// really hold: single-category replies, combined {nodeinfo, statistics, neighbours} replies, alfred-json
// maps keyed by primary MAC, and yanic's state file {nodes: {id: {nodeinfo, statistics, neighbours,
// lastseen}}}. Units per reference/mesh-telemetry.md §1.6: memory in kB, rootfs_usage 0–1, loadavg
// 1-minute only, batadv TQ 0–255. Client MACs never appear in respondd; counts only.
import type { MeshLink, MeshNode, MeshSnapshot, NodeResources } from "../model.ts";
import { FieldReader, clamp01, type JsonObject } from "./fieldReader.ts";
import type { ParseContext } from "./parseContext.ts";

const reader: FieldReader = new FieldReader(
  'Gluon respondd JSON: a nodeinfo, statistics or neighbours object (each with "node_id"), an object {nodeinfo, statistics, neighbours}, a map of such keyed by MAC (alfred-json), or yanic\'s state {nodes: {...}} — or an array of these',
);

interface Reply {
  nodeId: string;
  nodeinfo?: JsonObject;
  statistics?: JsonObject;
  neighbours?: JsonObject;
  lastSeen?: number;
  online?: boolean;
}

/** Which category an object is, from the fields only that category has. */
const categoryTests: [keyof Pick<Reply, "nodeinfo" | "statistics" | "neighbours">, (o: JsonObject) => boolean][] = [
  ["neighbours", (o) => "batadv" in o || "wifi" in o || "babel" in o || "lldp" in o],
  ["statistics", (o) => "uptime" in o || "memory" in o || "loadavg" in o || "clients" in o || "traffic" in o],
  ["nodeinfo", (o) => "hostname" in o || "network" in o || "software" in o || "hardware" in o],
];

export function parseGluonRespondd(value: unknown, context: ParseContext): MeshSnapshot {
  const replies = new Map<string, Reply>();
  const inputs = Array.isArray(value) ? value : [value];
  inputs.forEach((input, i) =>
    collect(reader.object(input, inputs.length > 1 ? `[${i}]` : "the document"), inputs.length > 1 ? `[${i}]` : "the document", replies),
  );
  if (replies.size === 0) reader.fail("unknown_format", "no nodeinfo, statistics or neighbours object with a node_id was found");
  return build([...replies.values()], context);
}

function collect(object: JsonObject, at: string, replies: Map<string, Reply>): void {
  const merge = (reply: Reply) => {
    const existing = replies.get(reply.nodeId);
    replies.set(reply.nodeId, existing ? { ...existing, ...stripUndefined(reply) } : reply);
  };
  if ("nodes" in object && !("node_id" in object)) {
    // yanic state file, or meshviewer-style list in the wrong place
    const nodes = reader.object(object.nodes, at, "nodes");
    for (const [key, entry] of Object.entries(nodes)) {
      const where = `${at}.nodes.${key}`;
      const raw = reader.object(entry, where);
      const reply = fromCombined(raw, where, key);
      const lastSeen = reader.optDate(raw.lastseen, where, "lastseen");
      if (lastSeen !== undefined) reply.lastSeen = lastSeen;
      const online = reader.optBoolean(raw.online, where, "online");
      if (online !== undefined) reply.online = online;
      merge(reply);
    }
    return;
  }
  if ("nodeinfo" in object || "statistics" in object || "neighbours" in object) {
    merge(fromCombined(object, at, undefined));
    return;
  }
  if ("node_id" in object) {
    merge(single(object, at));
    return;
  }
  // alfred-json: {"<mac>": {category object}, …}
  const entries = Object.entries(object);
  if (entries.length === 0) reader.fail("unknown_format", `${at} is an empty object`);
  for (const [key, entry] of entries) merge(single(reader.object(entry, `${at}.${key}`), `${at}.${key}`));
}

function single(object: JsonObject, at: string): Reply {
  const nodeId = reader.id(object.node_id, at, "node_id");
  const category = categoryTests.find(([, test]) => test(object))?.[0];
  if (category === undefined) reader.fail("unknown_format", `${at} has node_id but none of the fields of nodeinfo, statistics or neighbours`);
  return { nodeId, [category]: object };
}

function fromCombined(object: JsonObject, at: string, fallbackId: string | undefined): Reply {
  const nodeinfo = reader.optObject(object.nodeinfo, at, "nodeinfo");
  const statistics = reader.optObject(object.statistics, at, "statistics");
  const neighbours = reader.optObject(object.neighbours, at, "neighbours");
  const idSource = nodeinfo?.node_id ?? statistics?.node_id ?? neighbours?.node_id ?? fallbackId;
  const reply: Reply = { nodeId: reader.id(idSource, at, "nodeinfo.node_id") };
  if (nodeinfo) reply.nodeinfo = nodeinfo;
  if (statistics) reply.statistics = statistics;
  if (neighbours) reply.neighbours = neighbours;
  return reply;
}

function stripUndefined(reply: Reply): Partial<Reply> {
  return Object.fromEntries(Object.entries(reply).filter(([, v]) => v !== undefined));
}

function build(replies: Reply[], context: ParseContext): MeshSnapshot {
  // Every interface MAC a node lists (and its primary MAC) names that node in others' neighbour lists.
  const nodeByMac = new Map<string, string>();
  for (const reply of replies) {
    nodeByMac.set(reply.nodeId, reply.nodeId);
    const network = reader.optObject(reply.nodeinfo?.network, reply.nodeId, "nodeinfo.network");
    const mac = reader.optString(network?.mac, reply.nodeId, "nodeinfo.network.mac");
    if (mac !== undefined) nodeByMac.set(mac, reply.nodeId);
    for (const mac of interfaceMacs(network, reply.nodeId)) nodeByMac.set(mac, reply.nodeId);
  }
  const nodes: MeshNode[] = [];
  const links = new Map<string, MeshLink>();
  const gateways = new Set<string>();
  let uplinkEvidence: boolean | undefined;
  for (const reply of replies) {
    const at = reply.nodeId;
    const node: MeshNode = { id: reply.nodeId, lastSeen: reply.lastSeen ?? context.collectedAt };
    if (reply.online !== undefined) node.reportedOnline = reply.online;
    readNodeinfo(reply.nodeinfo, at, node);
    if (reply.statistics) {
      const nproc = reader.optNumber(reader.optObject(reply.nodeinfo?.hardware, at, "nodeinfo.hardware")?.nproc, at, "nodeinfo.hardware.nproc");
      node.resources = readStatistics(reply.statistics, at, nproc);
      const gateway = reader.optString(reply.statistics.gateway, at, "statistics.gateway");
      if (gateway !== undefined) gateways.add(nodeByMac.get(gateway) ?? gateway.replaceAll(":", ""));
      const nodeUplink = uplinkOf(reply.statistics, at);
      if (nodeUplink !== undefined) uplinkEvidence = (uplinkEvidence ?? false) || nodeUplink;
    }
    nodes.push(node);
    const batadv = reader.optObject(reply.neighbours?.batadv, at, "neighbours.batadv");
    for (const [localMac, entry] of Object.entries(batadv ?? {})) {
      const neighbours = reader.optObject(reader.object(entry, at, `neighbours.batadv.${localMac}`).neighbours, at, `neighbours.batadv.${localMac}.neighbours`);
      for (const [mac, rawLink] of Object.entries(neighbours ?? {})) {
        const where = `neighbours.batadv.${localMac}.neighbours.${mac}`;
        const tq = reader.number(reader.object(rawLink, at, where).tq, at, `${where}.tq`);
        const target = nodeByMac.get(mac);
        // Like yanic: a neighbour MAC no reply has claimed cannot be placed on the map yet.
        if (target === undefined || target === reply.nodeId) continue;
        const key = `${reply.nodeId}\u0000${target}`;
        const previous = links.get(key);
        if (!previous || tq > previous.cost) links.set(key, { source: reply.nodeId, target, quality: clamp01(tq / 255), cost: tq });
      }
    }
  }
  return {
    source: context.source,
    protocol: "gluon",
    collectedAt: context.collectedAt,
    nodes,
    links: [...links.values()],
    gateways: [...gateways],
    ...(uplinkEvidence !== undefined ? { uplinkUp: uplinkEvidence } : {}),
  };
}

function interfaceMacs(network: JsonObject | undefined, at: string): string[] {
  const macs: string[] = [];
  const mesh = reader.optObject(network?.mesh, at, "nodeinfo.network.mesh");
  for (const [name, meshIf] of Object.entries(mesh ?? {})) {
    const groups = reader.optObject(reader.object(meshIf, at, `nodeinfo.network.mesh.${name}`).interfaces, at, `nodeinfo.network.mesh.${name}.interfaces`);
    for (const [group, list] of Object.entries(groups ?? {})) {
      (reader.optArray(list, at, `nodeinfo.network.mesh.${name}.interfaces.${group}`) ?? []).forEach((mac, i) =>
        macs.push(reader.string(mac, at, `…interfaces.${group}[${i}]`)),
      );
    }
  }
  return macs;
}

function readNodeinfo(nodeinfo: JsonObject | undefined, at: string, node: MeshNode): void {
  if (!nodeinfo) return;
  const name = reader.optString(nodeinfo.hostname, at, "nodeinfo.hostname");
  if (name !== undefined) node.name = name;
  const info: Record<string, string> = {};
  const hardware = reader.optObject(nodeinfo.hardware, at, "nodeinfo.hardware");
  const model = reader.optString(hardware?.model, at, "nodeinfo.hardware.model");
  if (model !== undefined) info.model = model;
  const software = reader.optObject(nodeinfo.software, at, "nodeinfo.software");
  const firmware = reader.optObject(software?.firmware, at, "nodeinfo.software.firmware");
  const release = reader.optString(firmware?.release, at, "nodeinfo.software.firmware.release");
  if (release !== undefined) info.firmware = release;
  const base = reader.optString(firmware?.base, at, "nodeinfo.software.firmware.base");
  if (base !== undefined) info.firmware_base = base;
  const system = reader.optObject(nodeinfo.system, at, "nodeinfo.system");
  const domain = reader.optString(system?.domain_code ?? system?.site_code, at, "nodeinfo.system.site_code");
  if (domain !== undefined) info.domain = domain;
  // owner.contact is personal data (often an e-mail address): deliberately not kept.
  node.info = info;
  const location = reader.optObject(nodeinfo.location, at, "nodeinfo.location");
  if (location !== undefined && location.latitude !== undefined) {
    node.location = {
      latitude: reader.number(location.latitude, at, "nodeinfo.location.latitude"),
      longitude: reader.number(location.longitude, at, "nodeinfo.location.longitude"),
    };
  }
}

function readStatistics(statistics: JsonObject, at: string, nproc: number | undefined): NodeResources {
  const resources: NodeResources = {};
  const load = reader.optNumber(statistics.loadavg, at, "statistics.loadavg");
  if (load !== undefined) resources.cpuLoad = nproc !== undefined && nproc > 0 ? load / nproc : load;
  const memory = reader.optObject(statistics.memory, at, "statistics.memory");
  if (memory !== undefined) {
    const total = reader.optNumber(memory.total, at, "statistics.memory.total");
    if (total !== undefined && total > 0) {
      const available = reader.optNumber(memory.available, at, "statistics.memory.available");
      const free = reader.optNumber(memory.free, at, "statistics.memory.free") ?? 0;
      const buffers = reader.optNumber(memory.buffers, at, "statistics.memory.buffers") ?? 0;
      const cached = reader.optNumber(memory.cached, at, "statistics.memory.cached") ?? 0;
      resources.memoryUsed = clamp01(1 - (available ?? free + buffers + cached) / total);
    }
  }
  const disk = reader.optNumber(statistics.rootfs_usage, at, "statistics.rootfs_usage");
  if (disk !== undefined) resources.diskUsed = clamp01(disk);
  const uptime = reader.optNumber(statistics.uptime, at, "statistics.uptime");
  if (uptime !== undefined) resources.uptimeSeconds = uptime;
  const clients = reader.optObject(statistics.clients, at, "statistics.clients");
  const total = reader.optNumber(clients?.total, at, "statistics.clients.total");
  if (total !== undefined) resources.clients = total;
  return resources;
}

/** One node's internet: an established mesh-VPN peer, or a selected batman gateway. */
function uplinkOf(statistics: JsonObject, at: string): boolean | undefined {
  let verdict: boolean | undefined;
  const vpn = reader.optObject(statistics.mesh_vpn, at, "statistics.mesh_vpn");
  const groups = reader.optObject(vpn?.groups, at, "statistics.mesh_vpn.groups");
  for (const [name, group] of Object.entries(groups ?? {})) {
    const peers = reader.optObject(reader.object(group, at, `statistics.mesh_vpn.groups.${name}`).peers, at, `statistics.mesh_vpn.groups.${name}.peers`);
    for (const peer of Object.values(peers ?? {})) verdict = (verdict ?? false) || (peer !== null && typeof peer === "object");
  }
  if (typeof statistics.gateway === "string" && statistics.gateway !== "") verdict = true;
  return verdict;
}
