// The merged view of the mesh right now, as rules, /api/state, the map and the metrics read it, so they
// never disagree about whether a node is up. Its nodes and links are the knowledge's own records
// (knowledge.ts), updated in place each evaluation: read a view before the next evaluation, or copy
// what you need from it.
import type { MeshSnapshot, NodeResources } from "../model.ts";
import type { KnownSource } from "./knowledge.ts";

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
  /** A made-up mesh (simulation/): its alerts are labelled as simulated. */
  simulated?: boolean;
}

export type NodeStatus = "up" | "down" | "agent-silent" | "unknown";

export interface MergedNode {
  readonly id: string;
  readonly name?: string | undefined;
  readonly lastSeen: number;
  readonly firstSeen: number;
  readonly status: NodeStatus;
  readonly gateway: boolean;
  readonly resources?: NodeResources | undefined;
  readonly location?: { latitude: number; longitude: number } | undefined;
  readonly info?: Record<string, string> | undefined;
  readonly sources: readonly string[];
}

export interface MergedLink {
  readonly key: string;
  readonly source: string;
  readonly target: string;
  /** Present in a healthy collector's snapshot now. */
  readonly present: boolean;
  /** Worst quality reported for either direction (undefined when absent). */
  readonly quality?: number | undefined;
  readonly cost?: number | undefined;
  readonly sources: readonly string[];
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
  nodes: readonly MergedNode[];
  links: readonly MergedLink[];
  gateways: string[];
  uplinkUp?: boolean;
  sources: MergedSource[];
}

/** A source is blind when its last attempt failed, or it suddenly answers with no nodes at all (yanic #137). */
export function isBlind(report: SourceReport, known: KnownSource | undefined): boolean {
  if (!report.ok || report.snapshot === undefined) return true;
  return report.snapshot.nodes.length === 0 && (known?.nodeCount ?? 0) > 0;
}

/** Every collector behind this evidence is blind: the monitor cannot tell, so it says nothing. */
export function onlyBlindEvidence(sources: readonly string[], blind: ReadonlySet<string>): boolean {
  if (blind.size === 0 || sources.length === 0) return false;
  for (const source of sources) if (!blind.has(source)) return false;
  return true;
}
