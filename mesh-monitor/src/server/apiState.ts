// The JSON behind /api/state (and so the map): the merged mesh with positions, link quality levels,
// the uplink, and active and recent alerts. Only descriptive data; no client MACs ever reach here.
import { LayoutCache } from "../map/layout.ts";
import type { MeshMonitor } from "../monitor.ts";
import type { MeshAlert } from "../rules/alert.ts";
import type { NodeStatus } from "../rules/meshView.ts";

export type LinkLevel = "good" | "fair" | "poor" | "lost";

export interface ApiNode {
  id: string;
  name: string;
  status: NodeStatus;
  gateway: boolean;
  lastSeen: string;
  x: number;
  y: number;
  location?: { latitude: number; longitude: number };
  resources?: Record<string, number>;
  info?: Record<string, string>;
}

export interface ApiLink {
  source: string;
  target: string;
  quality: number | null;
  cost: number | null;
  level: LinkLevel;
}

export interface ApiState {
  generatedAt: string;
  /** null before the first collection. */
  collectedAt: string | null;
  uplink: { up: boolean | null; gateways: string[] };
  thresholds: { poorBelow: number; goodAbove: number };
  nodes: ApiNode[];
  links: ApiLink[];
  alerts: { active: MeshAlert[]; recent: (MeshAlert & { at: string })[] };
  sources: { source: string; ok: boolean; blind: boolean; error?: string }[];
  /** Some of the mesh is the simulation: the map says so. */
  simulated: boolean;
}

export function linkLevel(quality: number | undefined, present: boolean, poorBelow: number, goodAbove: number): LinkLevel {
  if (!present || quality === undefined) return "lost";
  if (quality < poorBelow) return "poor";
  return quality > goodAbove ? "good" : "fair";
}

export function createStateBuilder(monitor: MeshMonitor): () => ApiState {
  const layout = new LayoutCache();
  return () => {
    const cycle = monitor.latestCycle;
    const { enterBelow, leaveAbove } = monitor.rules.linkDegraded;
    const view = cycle?.view;
    const nodes = view?.nodes ?? [];
    const links = view?.links ?? [];
    const positions = layout.get(nodes, links);
    return {
      generatedAt: new Date().toISOString(),
      collectedAt: cycle === undefined ? null : new Date(cycle.at).toISOString(),
      uplink: { up: view?.uplinkUp ?? null, gateways: view?.gateways ?? [] },
      thresholds: { poorBelow: enterBelow, goodAbove: leaveAbove },
      nodes: nodes.map((node) => {
        const position = positions.get(node.id) ?? { x: 0.5, y: 0.5 };
        const resources =
          node.resources === undefined ? undefined : Object.fromEntries(Object.entries(node.resources).filter(([, value]) => typeof value === "number"));
        return {
          id: node.id,
          name: node.name ?? node.id,
          status: node.status,
          gateway: node.gateway,
          lastSeen: new Date(node.lastSeen).toISOString(),
          x: position.x,
          y: position.y,
          ...(node.location !== undefined ? { location: node.location } : {}),
          ...(resources !== undefined ? { resources } : {}),
          ...(node.info !== undefined ? { info: node.info } : {}),
        };
      }),
      links: links.map((link) => ({
        source: link.source,
        target: link.target,
        quality: link.quality ?? null,
        cost: link.cost ?? null,
        level: linkLevel(link.quality, link.present, enterBelow, leaveAbove),
      })),
      alerts: { active: cycle?.active ?? [], recent: [...monitor.recent] },
      sources: (view?.sources ?? []).map((source) => ({
        source: source.source,
        ok: source.ok,
        blind: source.blind,
        ...(source.error !== undefined ? { error: source.error } : {}),
      })),
      simulated: monitor.simulated,
    };
  };
}
