// The one normalized model every collector produces and everything downstream (rules, metrics, map)
// reads. Collectors translate each protocol's units here; nothing downstream knows about protocols
// except through `protocol` and the raw `cost`.

export type MeshProtocol = "babel" | "netjson" | "olsr" | "batman-adv" | "gluon" | "meshviewer";

/** Resource readings as fractions 0–1 where the source allows (undefined when it does not say). */
export interface NodeResources {
  /** 1-minute load average divided by the CPU count when known, else the raw load average. */
  cpuLoad?: number;
  memoryUsed?: number;
  diskUsed?: number;
  uptimeSeconds?: number;
  /** Count only: client MACs are never kept. */
  clients?: number;
}

export interface MeshNode {
  /** Stable id within the mesh (router id, MAC of the primary interface, node_id…). */
  id: string;
  /** Human name (hostname) when the source has one. */
  name?: string;
  /** When this node was last heard from, ms since the epoch (collection time when the source has no timestamp). */
  lastSeen: number;
  /** What the source itself says, when it says (meshviewer is_online, …); absent means "present = up". */
  reportedOnline?: boolean;
  resources?: NodeResources;
  /** Descriptive labels only (model, firmware, site); never in metric values. */
  info?: Record<string, string>;
  location?: { latitude: number; longitude: number };
}

export interface MeshLink {
  source: string;
  target: string;
  /** 0 (unusable) … 1 (perfect), derived from the protocol's metric. */
  quality: number;
  /** The protocol's own cost as reported (ETX, babel rxcost/metric, TQ 0–255, ×1024 OLSR…). */
  cost: number;
}

export interface MeshSnapshot {
  /** The collector that produced this, e.g. "babeld@/run/babeld.sock". */
  source: string;
  protocol: MeshProtocol;
  /** ms since the epoch. */
  collectedAt: number;
  nodes: MeshNode[];
  links: MeshLink[];
  /** Node ids that announce a default route / act as gateway. */
  gateways: string[];
  /** Whether the mesh has a working way to the internet, when the source can tell. */
  uplinkUp?: boolean;
}
