// Where each node sits on the map, as x/y in 0–1: from coordinates when the mesh has them (an
// equirectangular projection is exact enough for a block), else a force layout that is deterministic
// (seeded from the node ids, fixed iterations) so the map does not reshuffle between refreshes.

export interface LayoutNode {
  id: string;
  location?: { latitude: number; longitude: number };
}

export interface LayoutLink {
  source: string;
  target: string;
}

export type Positions = Map<string, { x: number; y: number }>;

const MARGIN = 0.08;

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) / 4294967296;
}

function fit(points: Map<string, { x: number; y: number }>, keepAspect: boolean): Positions {
  const values = [...points.values()];
  const minX = Math.min(...values.map((p) => p.x));
  const maxX = Math.max(...values.map((p) => p.x));
  const minY = Math.min(...values.map((p) => p.y));
  const maxY = Math.max(...values.map((p) => p.y));
  let spanX = maxX - minX || 1;
  let spanY = maxY - minY || 1;
  if (keepAspect) spanX = spanY = Math.max(spanX, spanY);
  const out: Positions = new Map();
  const usable = 1 - 2 * MARGIN;
  for (const [id, p] of points) {
    const x = values.length === 1 ? 0.5 : MARGIN + ((p.x - minX) / spanX) * usable + (keepAspect ? (usable - ((maxX - minX) / spanX) * usable) / 2 : 0);
    const y = values.length === 1 ? 0.5 : MARGIN + ((p.y - minY) / spanY) * usable + (keepAspect ? (usable - ((maxY - minY) / spanY) * usable) / 2 : 0);
    out.set(id, { x, y });
  }
  return out;
}

function geographic(nodes: readonly LayoutNode[]): Positions {
  const located = nodes.filter((node) => node.location !== undefined);
  const meanLat = located.reduce((sum, node) => sum + node.location!.latitude, 0) / located.length;
  const cos = Math.cos((meanLat * Math.PI) / 180);
  const points = new Map<string, { x: number; y: number }>();
  for (const node of located) points.set(node.id, { x: node.location!.longitude * cos, y: -node.location!.latitude });
  const placed = fit(points, true);
  // Nodes without coordinates go in a row along the bottom, in id order.
  const rest = nodes.filter((node) => node.location === undefined).sort((a, b) => (a.id < b.id ? -1 : 1));
  rest.forEach((node, i) => placed.set(node.id, { x: MARGIN + ((i + 0.5) / rest.length) * (1 - 2 * MARGIN), y: 1 - MARGIN / 2 }));
  return placed;
}

function forceDirected(nodes: readonly LayoutNode[], links: readonly LayoutLink[]): Positions {
  const ids = nodes.map((node) => node.id).sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  const n = ids.length;
  const x = ids.map((id) => Math.cos(hash(id) * 2 * Math.PI) * (0.5 + hash(`${id}r`)));
  const y = ids.map((id) => Math.sin(hash(id) * 2 * Math.PI) * (0.5 + hash(`${id}r`)));
  const edges = links.flatMap((link) => {
    const a = index.get(link.source);
    const b = index.get(link.target);
    return a === undefined || b === undefined || a === b ? [] : [[a, b] as const];
  });
  // Fruchterman–Reingold; O(n²) repulsion is fine for a block's mesh (hundreds of nodes). Big meshes get
  // fewer iterations so the page stays responsive.
  const iterations = n > 400 ? 30 : 200;
  const k = 1 / Math.sqrt(Math.max(n, 1));
  for (let iter = 0; iter < iterations; iter++) {
    const temperature = 0.1 * (1 - iter / iterations) + 0.005;
    const dx = new Float64Array(n);
    const dy = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const ddx = x[i]! - x[j]!;
        const ddy = y[i]! - y[j]!;
        const d2 = Math.max(ddx * ddx + ddy * ddy, 1e-6);
        const force = (k * k) / d2;
        dx[i]! += ddx * force;
        dy[i]! += ddy * force;
        dx[j]! -= ddx * force;
        dy[j]! -= ddy * force;
      }
    }
    for (const [a, b] of edges) {
      const ddx = x[a]! - x[b]!;
      const ddy = y[a]! - y[b]!;
      const d = Math.max(Math.sqrt(ddx * ddx + ddy * ddy), 1e-3);
      const force = d / k;
      dx[a]! -= (ddx / d) * force * d;
      dy[a]! -= (ddy / d) * force * d;
      dx[b]! += (ddx / d) * force * d;
      dy[b]! += (ddy / d) * force * d;
    }
    for (let i = 0; i < n; i++) {
      // Gentle pull to the centre keeps disconnected parts on screen.
      dx[i]! -= x[i]! * 0.05;
      dy[i]! -= y[i]! * 0.05;
      const d = Math.sqrt(dx[i]! * dx[i]! + dy[i]! * dy[i]!) || 1;
      x[i]! += (dx[i]! / d) * Math.min(d, temperature);
      y[i]! += (dy[i]! / d) * Math.min(d, temperature);
    }
  }
  const points = new Map<string, { x: number; y: number }>();
  ids.forEach((id, i) => points.set(id, { x: x[i]!, y: y[i]! }));
  return n === 0 ? new Map() : fit(points, true);
}

/** Geographic when at least half the nodes have coordinates, else force-directed. */
export function layoutMesh(nodes: readonly LayoutNode[], links: readonly LayoutLink[]): Positions {
  if (nodes.length === 0) return new Map();
  const located = nodes.filter((node) => node.location !== undefined).length;
  return located * 2 >= nodes.length && located > 1 ? geographic(nodes) : forceDirected(nodes, links);
}

/** Remembers the last layout for the same set of nodes and links (the map polls every few seconds). */
export class LayoutCache {
  private key = "";
  private positions: Positions = new Map();

  get(nodes: readonly LayoutNode[], links: readonly LayoutLink[]): Positions {
    const key = JSON.stringify([nodes.map((n) => [n.id, n.location?.latitude, n.location?.longitude]), links.map((l) => [l.source, l.target])]);
    if (key !== this.key) {
      this.positions = layoutMesh(nodes, links);
      this.key = key;
    }
    return this.positions;
  }
}
