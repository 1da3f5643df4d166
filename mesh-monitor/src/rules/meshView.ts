// Folds each collection's snapshots into what the monitor knows (every node and link ever seen, with
// when and by which collector) and the merged view of the mesh right now. Rules, /api/state, the map
// and the metrics all read this one view, so they never disagree about whether a node is up.
import type { MeshSnapshot, NodeResources } from "../model.ts";

/** One collector's outcome this cycle. */
export interface SourceReport {
  source: string;
  /** The last attempt succeeded. */
  ok: boolean;
  /** The newest good snapshot (this cycle's when ok). */
  snapshot?: MeshSnapshot;
  error?: string;
  /** The node whose own agent this collector reads (a router's own babeld socket), when known. */
  reporterNodeId?: string;
}

export interface KnownNode {
  name?: string;
  firstSeen: number;
  lastSeen: number;
  /** Collectors that reported it in their latest good snapshot. */
  sources: string[];
}

export interface KnownLink {
  source: string;
  target: string;
  lastSeen: number;
  sources: string[];
}

export interface KnownSource {
  failingSince?: number;
  lastOk?: number;
  lastError?: string;
  nodeCount: number;
  reporterNodeId?: string;
}

/** What the monitor has learned; plain JSON so it can be saved and restored. */
export interface Knowledge {
  /** First evaluation: nodes present then are not "new". */
  baselineAt: number;
  nodes: Record<string, KnownNode>;
  links: Record<string, KnownLink>;
  gateways: Record<string, { lastSeen: number }>;
  sources: Record<string, KnownSource>;
  /** Whether any source ever told us the uplink state (no alert about an uplink nobody reports). */
  uplinkEverKnown: boolean;
}

export type NodeStatus = "up" | "down" | "agent-silent" | "unknown";

export interface MergedNode {
  id: string;
  name?: string;
  lastSeen: number;
  firstSeen: number;
  status: NodeStatus;
  gateway: boolean;
  resources?: NodeResources;
  location?: { latitude: number; longitude: number };
  info?: Record<string, string>;
  sources: string[];
}

export interface MergedLink {
  key: string;
  source: string;
  target: string;
  /** Present in a healthy collector's snapshot now. */
  present: boolean;
  /** Worst quality reported for either direction (undefined when absent). */
  quality?: number;
  cost?: number;
  sources: string[];
}

export interface MergedSource {
  source: string;
  ok: boolean;
  blind: boolean;
  error?: string;
  lastOk?: number;
  nodeCount: number;
}

export interface MeshView {
  at: number;
  nodes: MergedNode[];
  links: MergedLink[];
  gateways: string[];
  uplinkUp?: boolean;
  sources: MergedSource[];
}

export function linkKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

export function emptyKnowledge(now: number): Knowledge {
  return { baselineAt: now, nodes: {}, links: {}, gateways: {}, sources: {}, uplinkEverKnown: false };
}

/** A source is blind when its last attempt failed, or it suddenly answers with no nodes at all (yanic #137). */
export function isBlind(report: SourceReport, known: KnownSource | undefined): boolean {
  if (!report.ok || report.snapshot === undefined) return true;
  return report.snapshot.nodes.length === 0 && (known?.nodeCount ?? 0) > 0;
}

interface CurrentReadings {
  nodes: Map<string, { lastSeen: number; reportedOnline?: boolean; resources?: NodeResources; location?: MergedNode["location"]; info?: Record<string, string>; name?: string }>;
  links: Map<string, { source: string; target: string; quality: number; cost: number; sources: Set<string> }>;
  gateways: Set<string>;
  uplinkVotes: boolean[];
}

/** Merges the snapshots of healthy sources; blind ones add nothing (neither presence nor absence). */
function readCurrent(reports: readonly SourceReport[], blind: ReadonlySet<string>): CurrentReadings {
  const current: CurrentReadings = { nodes: new Map(), links: new Map(), gateways: new Set(), uplinkVotes: [] };
  for (const report of reports) {
    if (blind.has(report.source) || report.snapshot === undefined) continue;
    const snapshot = report.snapshot;
    for (const node of snapshot.nodes) {
      const seen = current.nodes.get(node.id);
      const lastSeen = Number.isFinite(node.lastSeen) ? node.lastSeen : snapshot.collectedAt;
      if (seen === undefined || lastSeen >= seen.lastSeen) {
        current.nodes.set(node.id, {
          lastSeen,
          reportedOnline: node.reportedOnline,
          resources: node.resources ?? seen?.resources,
          location: node.location ?? seen?.location,
          info: node.info ?? seen?.info,
          name: node.name ?? seen?.name,
        });
      } else {
        seen.resources ??= node.resources;
        seen.location ??= node.location;
        seen.info ??= node.info;
        seen.name ??= node.name;
      }
    }
    for (const link of snapshot.links) {
      if (link.source === link.target) continue;
      const key = linkKey(link.source, link.target);
      const quality = Number.isFinite(link.quality) ? Math.min(1, Math.max(0, link.quality)) : 0;
      const seen = current.links.get(key);
      if (seen === undefined) {
        current.links.set(key, { source: link.source, target: link.target, quality, cost: link.cost, sources: new Set([report.source]) });
      } else {
        // The worse direction decides: a link is as good as its weaker half.
        if (quality < seen.quality) {
          seen.quality = quality;
          seen.cost = link.cost;
        }
        seen.sources.add(report.source);
      }
    }
    for (const gateway of snapshot.gateways) current.gateways.add(gateway);
    if (snapshot.uplinkUp !== undefined) current.uplinkVotes.push(snapshot.uplinkUp);
  }
  return current;
}

export interface FoldResult {
  knowledge: Knowledge;
  current: CurrentReadings;
  blind: Set<string>;
  uplinkUp?: boolean;
}

/** The sources seen now, plus previous ones that are blind (they may still see it once back). Returns
 * the previous array itself when nothing changed. */
function mergeSources(previous: string[], now: string[], blind: ReadonlySet<string> | undefined): string[] {
  const kept = blind === undefined ? [] : previous.filter((source) => blind.has(source) && !now.includes(source));
  if (kept.length === 0 && now.length === previous.length && now.every((source) => previous.includes(source))) return previous;
  return [...now, ...kept].sort();
}

/** Updates the knowledge with this cycle's reports, in place (it is large; copying it every cycle would
 * cost more than the rest of the cycle), and returns it. */
export function foldReports(knowledge: Knowledge, reports: readonly SourceReport[], now: number): FoldResult {
  const blind = new Set<string>();
  for (const report of reports) {
    const known = knowledge.sources[report.source];
    if (isBlind(report, known)) blind.add(report.source);
  }
  for (const report of reports) {
    const known: KnownSource = knowledge.sources[report.source] ?? { nodeCount: 0 };
    if (blind.has(report.source)) {
      known.failingSince ??= now;
      known.lastError = report.error ?? (report.ok ? "the collector returned no nodes" : "collection failed");
    } else {
      delete known.failingSince;
      delete known.lastError;
      known.lastOk = now;
      known.nodeCount = report.snapshot?.nodes.length ?? 0;
    }
    if (report.reporterNodeId !== undefined) known.reporterNodeId = report.reporterNodeId;
    knowledge.sources[report.source] = known;
  }
  const current = readCurrent(reports, blind);
  // A node's evidence is every collector that names it: as a node, or as the end of a link. Source lists
  // are tiny (usually one); they are only rebuilt when they change, which matters at 10,000 nodes.
  const nodeSources = new Map<string, string[]>();
  const name = (id: string, source: string): void => {
    const list = nodeSources.get(id);
    if (list === undefined) nodeSources.set(id, [source]);
    else if (!list.includes(source)) list.push(source);
  };
  for (const report of reports) {
    if (blind.has(report.source) || report.snapshot === undefined) continue;
    for (const node of report.snapshot.nodes) name(node.id, report.source);
    for (const link of report.snapshot.links) {
      name(link.source, report.source);
      name(link.target, report.source);
    }
  }
  const anyBlind = blind.size > 0;
  for (const [id, reading] of current.nodes) {
    const known = knowledge.nodes[id];
    const sources = nodeSources.get(id) ?? [];
    nodeSources.delete(id);
    if (known === undefined) {
      knowledge.nodes[id] = { name: reading.name, firstSeen: now, lastSeen: reading.lastSeen, sources: sources.sort() };
    } else {
      if (reading.lastSeen > known.lastSeen) known.lastSeen = reading.lastSeen;
      if (reading.name !== undefined) known.name = reading.name;
      // Keep the collectors of nodes that vanished from one healthy source, so blindness is judged right.
      known.sources = mergeSources(known.sources, sources, anyBlind ? blind : undefined);
    }
  }
  // Nodes only named by links (not listed themselves) keep their evidence fresh without a "last seen".
  for (const [id, sources] of nodeSources) {
    const known = knowledge.nodes[id];
    if (known !== undefined) known.sources = mergeSources(known.sources, sources, anyBlind ? blind : undefined);
  }
  for (const [key, reading] of current.links) {
    if (reading.quality <= 0) continue;
    const known = knowledge.links[key];
    if (known === undefined) knowledge.links[key] = { source: reading.source, target: reading.target, lastSeen: now, sources: [...reading.sources].sort() };
    else {
      known.lastSeen = now;
      known.sources = mergeSources(known.sources, [...reading.sources], anyBlind ? blind : undefined);
    }
  }
  // A gateway's own agent is the authority on whether it still offers internet: its neighbours keep a
  // withdrawn default route until it expires (babeld: tens of seconds).
  for (const report of reports) {
    const self = report.reporterNodeId;
    if (self !== undefined && !blind.has(report.source) && report.snapshot !== undefined && !report.snapshot.gateways.includes(self)) current.gateways.delete(self);
  }
  for (const gateway of current.gateways) knowledge.gateways[gateway] = { lastSeen: now };
  let uplinkUp: boolean | undefined;
  const gatewaysKnown = Object.keys(knowledge.gateways).length > 0;
  if (current.uplinkVotes.length > 0) uplinkUp = current.uplinkVotes.includes(true) && (!gatewaysKnown || current.gateways.size > 0);
  else if (gatewaysKnown && blind.size < reports.length) uplinkUp = current.gateways.size > 0;
  if (uplinkUp !== undefined) knowledge.uplinkEverKnown = true;
  return { knowledge, current, blind, uplinkUp };
}

/** Every collector behind this evidence is blind: the monitor cannot tell, so it says nothing. */
export function onlyBlindEvidence(sources: readonly string[], blind: ReadonlySet<string>): boolean {
  return sources.length > 0 && sources.every((source) => blind.has(source));
}
