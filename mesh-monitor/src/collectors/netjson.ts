// NetJSON (netjson/netjson rfc): NetworkGraph (and a NetworkCollection of them) → topology snapshot;
// DeviceMonitoring → one node's resources. What a link's `cost` means depends on `metric`; the table
// below turns each known metric into 0–1 quality (reference/mesh-telemetry.md §1.1, §1.11).
import type { MeshLink, MeshNode, MeshSnapshot, NodeResources } from "../model.ts";
import { FieldReader, clamp01, type JsonObject } from "./fieldReader.ts";
import { detectOlsrCostEncoding, etxQuality, olsrEtx, type OlsrCostEncoding } from "./olsrCost.ts";
import type { ParseContext } from "./parseContext.ts";
import { BABEL_INFINITY, babelQuality } from "./babel.ts";

const graphReader: FieldReader = new FieldReader(
  'NetJSON NetworkGraph {"type": "NetworkGraph", "protocol", "version", "metric", "nodes": [{"id"}], "links": [{"source", "target", "cost": finite number}]} or a NetworkCollection of them',
);
const monitoringReader: FieldReader = new FieldReader(
  'NetJSON DeviceMonitoring {"type": "DeviceMonitoring", "general": {"uptime"}, "resources": {"load": [1, 5, 15 min], "memory": {total, free, …} bytes, "flash"/"disk"…}}',
);

interface RawLink {
  source: string;
  target: string;
  cost: number;
  lq?: number;
  nlq?: number;
}

/** Metric name (lower case) → how to turn the graph's costs into quality. */
type QualityRule = (links: RawLink[], graph: { protocol: string; version?: string }, encoding?: OlsrCostEncoding) => { quality: number; cost: number }[];

const etxRule: QualityRule = (links, graph, pinned) => {
  const encoding =
    pinned ??
    detectOlsrCostEncoding(
      graph.version,
      links.map((link) => link.cost),
    );
  return links.map((link) => {
    const etx = olsrEtx(link.cost, encoding);
    // Measured LQ/NLQ, when the producer includes them, beat a derived figure.
    const quality = link.lq !== undefined && link.nlq !== undefined ? clamp01(link.lq * link.nlq) : etxQuality(etx);
    return { quality, cost: etx };
  });
};

const qualityRules: Record<string, QualityRule> = {
  etx: etxRule,
  // netdiff's batman graphs carry the batadv-vis metric 255/TQ (≥ 1, lower is better).
  tq: (links) => links.map((link) => ({ quality: link.cost > 0 ? clamp01(1 / link.cost) : 0, cost: link.cost })),
  // babeld-style costs (256 = perfect wireless hop).
  rxcost: (links) => links.map((link) => ({ quality: babelQuality(link.cost), cost: Math.min(link.cost, BABEL_INFINITY) })),
  babel: (links) => links.map((link) => ({ quality: babelQuality(link.cost), cost: Math.min(link.cost, BABEL_INFINITY) })),
};

/** Metrics with no 0–1 scale (olsrd2's ff_dat_metric, hop counts…): a present link is quality 1 and is
 * ranked by its raw cost only. */
const presenceRule: QualityRule = (links) => links.map((link) => ({ quality: 1, cost: link.cost }));

export interface NetJsonOptions {
  /** Pin the OLSR cost encoding once a source's version is known (see olsrCost.ts). */
  olsrCostEncoding?: OlsrCostEncoding;
}

export function parseNetJsonGraph(value: unknown, context: ParseContext, options: NetJsonOptions = {}): MeshSnapshot {
  const root = graphReader.object(value, "the document");
  const type = graphReader.string(root.type, "type");
  const graphs =
    type === "NetworkCollection"
      ? graphReader
          .array(root.collection, "collection")
          .map((item, i) => graphReader.object(item, `collection[${i}]`))
          .filter((item) => item.type === "NetworkGraph")
      : type === "NetworkGraph"
        ? [root]
        : graphReader.fail("unknown_format", `type is "${type}", expected "NetworkGraph" or "NetworkCollection"`);
  const nodes = new Map<string, MeshNode>();
  const links: MeshLink[] = [];
  graphs.forEach((graph, g) => readGraph(graph, type === "NetworkCollection" ? `collection[${g}]` : "graph", context, options, nodes, links));
  return { source: context.source, protocol: "netjson", collectedAt: context.collectedAt, nodes: [...nodes.values()], links, gateways: [] };
}

function readGraph(graph: JsonObject, at: string, context: ParseContext, options: NetJsonOptions, nodes: Map<string, MeshNode>, links: MeshLink[]): void {
  const protocol = graphReader.string(graph.protocol, at, "protocol");
  const version = graphReader.optString(graph.version, at, "version");
  const metric = graphReader.optString(graph.metric, at, "metric");
  graphReader.array(graph.nodes, at, "nodes").forEach((item, i) => {
    const where = `${at}.nodes[${i}]`;
    const raw = graphReader.object(item, where);
    const node: MeshNode = { id: graphReader.id(raw.id, where, "id"), lastSeen: context.collectedAt };
    const properties = graphReader.optObject(raw.properties, where, "properties");
    const name = graphReader.optString(raw.label, where, "label") ?? (typeof properties?.hostname === "string" ? properties.hostname : undefined);
    if (name !== undefined) node.name = name;
    nodes.set(node.id, node);
  });
  const rawLinks = graphReader.array(graph.links, at, "links").map((item, i): RawLink => {
    const where = `${at}.links[${i}]`;
    const raw = graphReader.object(item, where);
    const link: RawLink = {
      source: graphReader.id(raw.source, where, "source"),
      target: graphReader.id(raw.target, where, "target"),
      cost: graphReader.number(raw.cost, where, "cost"),
    };
    const properties = graphReader.optObject(raw.properties, where, "properties");
    const lq = graphReader.optNumber(properties?.lq, where, "properties.lq");
    const nlq = graphReader.optNumber(properties?.nlq, where, "properties.nlq");
    if (lq !== undefined) link.lq = lq;
    if (nlq !== undefined) link.nlq = nlq;
    return link;
  });
  const rule = qualityRules[(metric ?? "").toLowerCase()] ?? presenceRule;
  const graded = rule(rawLinks, { protocol, ...(version !== undefined ? { version } : {}) }, options.olsrCostEncoding);
  rawLinks.forEach((link, i) => {
    for (const end of [link.source, link.target]) if (!nodes.has(end)) nodes.set(end, { id: end, lastSeen: context.collectedAt });
    links.push({ source: link.source, target: link.target, quality: graded[i]!.quality, cost: graded[i]!.cost });
  });
}

/** DeviceMonitoring carries no node id (the URL or the push credential says whose it is). The
 * device's own `local_time` is not used as "last seen": routers without NTP boot in 1970. */
export function parseNetJsonDeviceMonitoring(value: unknown, context: ParseContext & { nodeId: string; name?: string }): MeshSnapshot {
  const r: FieldReader = monitoringReader;
  const root = r.object(value, "the document");
  const type = r.string(root.type, "type");
  if (type !== "DeviceMonitoring") r.fail("unknown_format", `type is "${type}", expected "DeviceMonitoring"`);
  const general = r.optObject(root.general, "general");
  const resourcesRaw = r.optObject(root.resources, "resources");
  const resources: NodeResources = {};
  const uptime = r.optNumber(general?.uptime, "general", "uptime");
  if (uptime !== undefined) resources.uptimeSeconds = uptime;
  if (resourcesRaw !== undefined) readDeviceResources(resourcesRaw, resources);
  const interfaces = r.optArray(root.interfaces, "interfaces") ?? [];
  let clients: number | undefined;
  interfaces.forEach((item, i) => {
    const wireless = r.optObject(r.object(item, `interfaces[${i}]`).wireless, `interfaces[${i}]`, "wireless");
    const list = r.optArray(wireless?.clients, `interfaces[${i}]`, "wireless.clients");
    if (list !== undefined) clients = (clients ?? 0) + list.length; // count only: the MACs are dropped here
  });
  if (clients !== undefined) resources.clients = clients;
  const node: MeshNode = { id: context.nodeId, lastSeen: context.collectedAt, resources };
  if (context.name !== undefined) node.name = context.name;
  return { source: context.source, protocol: "netjson", collectedAt: context.collectedAt, nodes: [node], links: [], gateways: [] };
}

function readDeviceResources(raw: JsonObject, resources: NodeResources): void {
  const r: FieldReader = monitoringReader;
  const load = r.optArray(raw.load, "resources", "load");
  if (load !== undefined && load.length > 0) {
    const load1 = r.number(load[0], "resources", "load[0]");
    const cpus = r.optNumber(raw.cpus, "resources", "cpus"); // OpenWISP extension
    resources.cpuLoad = cpus !== undefined && cpus > 0 ? load1 / cpus : load1;
  }
  const memory = r.optObject(raw.memory, "resources", "memory");
  if (memory !== undefined) {
    const total = r.optNumber(memory.total, "resources", "memory.total");
    if (total !== undefined && total > 0) {
      const available = r.optNumber(memory.available, "resources", "memory.available");
      const free = r.optNumber(memory.free, "resources", "memory.free") ?? 0;
      const buffered = r.optNumber(memory.buffered, "resources", "memory.buffered") ?? 0;
      const cache = r.optNumber(memory.cache, "resources", "memory.cache") ?? 0;
      resources.memoryUsed = clamp01(1 - (available ?? free + buffered + cache) / total);
    }
  }
  const disks = r.optArray(raw.disk, "resources", "disk");
  if (disks !== undefined && disks.length > 0) {
    // The fullest filesystem is the one that breaks the router.
    let fullest = 0;
    disks.forEach((item, i) => {
      const disk = r.object(item, `resources.disk[${i}]`);
      const percent = r.optNumber(disk.used_percent, `resources.disk[${i}]`, "used_percent");
      const used = r.optNumber(disk.used_bytes, `resources.disk[${i}]`, "used_bytes");
      const size = r.optNumber(disk.size_bytes, `resources.disk[${i}]`, "size_bytes");
      const fraction = percent !== undefined ? percent / 100 : used !== undefined && size ? used / size : 0;
      fullest = Math.max(fullest, fraction);
    });
    resources.diskUsed = clamp01(fullest);
  } else {
    for (const key of ["flash", "storage"] as const) {
      const store = r.optObject(raw[key], "resources", key);
      const total = r.optNumber(store?.total, "resources", `${key}.total`);
      const free = r.optNumber(store?.free, "resources", `${key}.free`);
      if (total !== undefined && total > 0 && free !== undefined) {
        resources.diskUsed = clamp01(1 - free / total);
        break;
      }
    }
  }
}
