// batman-adv: batctl's JSON netlink output (originators_json, neighbors_json, gateways_json, mesh_json,
// transtable_local_json) read together as one router's view, and alfred's `batadv-vis -f jsondoc` as the
// whole mesh's view. Units per reference/mesh-telemetry.md §1.4: TQ 0–255; the vis metric is 255/TQ as
// a string; gateway bandwidth in 100 kbit/s. Client MACs (vis `clients`, the local TT) become counts.
import type { MeshLink, MeshNode, MeshSnapshot } from "../model.ts";
import { FieldReader, clamp01 } from "./fieldReader.ts";
import type { ParseContext } from "./parseContext.ts";

const batctlReader: FieldReader = new FieldReader(
  "batctl JSON: mesh_json {mesh_address, gw_mode…}, originators_json [{orig_address, neigh_address, tq 0–255, last_seen_msecs, best}], neighbors_json [{neigh_address, last_seen_msecs, throughput?}], gateways_json [{orig_address, tq, best}], transtable_local_json [{tt_address, tt_flags}]",
);
const visReader: FieldReader = new FieldReader(
  'batadv-vis -f jsondoc: {"source_version", "algorithm", "vis": [{"primary", "secondary"?: [], "neighbors": [{"router", "neighbor", "metric": "255/TQ as text"}], "clients"?: []}]}',
);

/** The outputs of one router's batctl calls; each is the parsed JSON of that command, all optional
 * except originators or neighbors (a router view without either says nothing about the mesh). */
export interface BatctlOutputs {
  mesh?: unknown;
  originators?: unknown;
  neighbors?: unknown;
  gateways?: unknown;
  transtableLocal?: unknown;
}

export function parseBatctl(outputs: BatctlOutputs, context: ParseContext & { nodeId?: string }): MeshSnapshot {
  const r: FieldReader = batctlReader;
  const mesh = outputs.mesh === undefined ? undefined : r.object(outputs.mesh, "mesh_json");
  const self = context.nodeId ?? (mesh ? r.id(mesh.mesh_address ?? mesh.hard_address, "mesh_json", "mesh_address") : undefined);
  if (self === undefined) r.fail("missing_field", "no mesh_json.mesh_address and no node id configured for this router");
  if (outputs.originators === undefined && outputs.neighbors === undefined) r.fail("missing_field", "neither originators_json nor neighbors_json was given");
  const now = context.collectedAt;
  const nodes = new Map<string, MeshNode>([[self, { id: self, lastSeen: now }]]);
  const seen = (id: string, lastSeen: number) => {
    const node = nodes.get(id);
    if (!node) nodes.set(id, { id, lastSeen });
    else if (lastSeen > node.lastSeen) node.lastSeen = lastSeen;
  };
  const links = new Map<string, MeshLink>();
  (outputs.originators === undefined ? [] : r.array(outputs.originators, "originators_json")).forEach((item, i) => {
    const at = `originators_json[${i}]`;
    const raw = r.object(item, at);
    const originator = r.id(raw.orig_address, at, "orig_address");
    const neighbour = r.id(raw.neigh_address, at, "neigh_address");
    const tq = r.number(raw.tq, at, "tq");
    seen(originator, now - (r.optNumber(raw.last_seen_msecs, at, "last_seen_msecs") ?? 0));
    // A direct link is the originator entry reached through itself; other rows are multi-hop paths.
    if (originator === neighbour) links.set(neighbour, { source: self, target: neighbour, quality: clamp01(tq / 255), cost: tq });
  });
  (outputs.neighbors === undefined ? [] : r.array(outputs.neighbors, "neighbors_json")).forEach((item, i) => {
    const at = `neighbors_json[${i}]`;
    const raw = r.object(item, at);
    const neighbour = r.id(raw.neigh_address, at, "neigh_address");
    seen(neighbour, now - (r.optNumber(raw.last_seen_msecs, at, "last_seen_msecs") ?? 0));
    // BATMAN_V gives throughput (kbit/s) and no TQ: no 0–1 scale, so a present neighbour is quality 1.
    if (!links.has(neighbour)) links.set(neighbour, { source: self, target: neighbour, quality: 1, cost: r.optNumber(raw.throughput, at, "throughput") ?? 0 });
  });
  const gateways: string[] = [];
  let uplinkUp: boolean | undefined;
  if (outputs.gateways !== undefined) {
    const list = r.array(outputs.gateways, "gateways_json");
    uplinkUp = false;
    list.forEach((item, i) => {
      const at = `gateways_json[${i}]`;
      const raw = r.object(item, at);
      const gateway = r.id(raw.orig_address, at, "orig_address");
      r.number(raw.tq ?? raw.throughput, at, "tq");
      gateways.push(gateway);
      seen(gateway, now);
      if (r.optBoolean(raw.best, at, "best") === true) uplinkUp = true;
    });
  }
  if (mesh?.gw_mode === "server") {
    gateways.push(self);
    uplinkUp = true;
  } else if (mesh?.gw_mode === "off" && outputs.gateways !== undefined && gateways.length === 0) uplinkUp = undefined;
  const selfNode = nodes.get(self)!;
  if (typeof mesh?.version === "string") selfNode.info = { firmware: `batman-adv ${mesh.version}` };
  if (outputs.transtableLocal !== undefined) selfNode.resources = { clients: countLocalClients(outputs.transtableLocal) };
  return {
    source: context.source,
    protocol: "batman-adv",
    collectedAt: now,
    nodes: [...nodes.values()],
    links: [...links.values()],
    gateways,
    ...(uplinkUp !== undefined ? { uplinkUp } : {}),
  };
}

/** Clients behind this router: local TT entries, minus the router's own (nopurge) addresses, counted by
 * distinct MAC — the MACs themselves are not kept. */
function countLocalClients(value: unknown): number {
  const r: FieldReader = batctlReader;
  const distinct = new Set<string>();
  r.array(value, "transtable_local_json").forEach((item, i) => {
    const at = `transtable_local_json[${i}]`;
    const raw = r.object(item, at);
    const flags = r.optObject(raw.tt_flags, at, "tt_flags");
    if (flags?.nopurge === true) return;
    distinct.add(r.string(raw.tt_address, at, "tt_address"));
  });
  return distinct.size;
}

export function parseBatadvVis(value: unknown, context: ParseContext): MeshSnapshot {
  const r: FieldReader = visReader;
  const root = r.object(value, "the document");
  const entries = r.array(root.vis, "vis").map((item, i) => r.object(item, `vis[${i}]`));
  // Secondary interface MACs belong to the node named by its primary MAC.
  const primaryOf = new Map<string, string>();
  entries.forEach((entry, i) => {
    const primary = r.id(entry.primary, `vis[${i}]`, "primary");
    primaryOf.set(primary, primary);
    (r.optArray(entry.secondary, `vis[${i}]`, "secondary") ?? []).forEach((mac, j) => primaryOf.set(r.id(mac, `vis[${i}]`, `secondary[${j}]`), primary));
  });
  const node = (mac: string) => primaryOf.get(mac) ?? mac;
  const nodes = new Map<string, MeshNode>();
  const links = new Map<string, MeshLink>();
  entries.forEach((entry, i) => {
    const at = `vis[${i}]`;
    const id = node(r.id(entry.primary, at, "primary"));
    const clients = r.optArray(entry.clients, at, "clients");
    const existing = nodes.get(id);
    const mesh: MeshNode = existing ?? { id, lastSeen: context.collectedAt };
    // Entries repeat (alfred merges several servers): count distinct client MACs, keep none.
    if (clients !== undefined) mesh.resources = { clients: new Set(clients.map((mac, j) => r.string(mac, at, `clients[${j}]`))).size };
    nodes.set(id, mesh);
    r.array(entry.neighbors, at, "neighbors").forEach((item, j) => {
      const linkAt = `${at}.neighbors[${j}]`;
      const raw = r.object(item, linkAt);
      const source = node(r.id(raw.router, linkAt, "router"));
      const target = node(r.id(raw.neighbor, linkAt, "neighbor"));
      const metric = r.numeric(raw.metric, linkAt, "metric");
      links.set(`${source}\u0000${target}`, { source, target, quality: metric > 0 ? clamp01(1 / metric) : 0, cost: metric });
    });
  });
  for (const link of links.values()) {
    for (const end of [link.source, link.target]) if (!nodes.has(end)) nodes.set(end, { id: end, lastSeen: context.collectedAt });
  }
  return {
    source: context.source,
    protocol: "batman-adv",
    collectedAt: context.collectedAt,
    nodes: [...nodes.values()],
    links: [...links.values()],
    gateways: [],
  };
}
