// Folds one cycle's collector reports into the knowledge, in place: who is listed now (and by which
// collectors), each link's worst-direction quality, the gateways and the uplink. Blind collectors add
// nothing, neither presence nor absence. A healthy node or link costs one map lookup and a few writes;
// nothing is allocated for it unless something about it changed.
import type { MeshLink, MeshNode } from "../model.ts";
import type { Knowledge, KnownLink, KnownNode } from "./knowledge.ts";
import { isBlind, type SourceReport } from "./meshView.ts";

export interface FoldResult {
  /** Collectors that told us nothing usable this cycle. */
  blind: Set<string>;
  /** Nodes announcing a way to the internet now. */
  gateways: Set<string>;
  uplinkUp?: boolean;
}

function updateSources(knowledge: Knowledge, reports: readonly SourceReport[], now: number): Set<string> {
  const blind = new Set<string>();
  for (const report of reports) {
    if (isBlind(report, knowledge.sources.get(report.source))) blind.add(report.source);
  }
  for (const report of reports) {
    let known = knowledge.sources.get(report.source);
    if (known === undefined) {
      known = { nodeCount: 0 };
      knowledge.sources.set(report.source, known);
      knowledge.revision++;
    }
    if (blind.has(report.source)) {
      if (known.failingSince === undefined) knowledge.revision++;
      known.failingSince ??= now;
      known.lastError = report.error ?? (report.ok ? "the collector returned no nodes" : "collection failed");
    } else {
      if (known.failingSince !== undefined) knowledge.revision++;
      delete known.failingSince;
      delete known.lastError;
      known.lastOk = now;
      known.nodeCount = report.snapshot?.nodes.length ?? 0;
    }
    if (report.reporterNodeId !== undefined && known.reporterNodeId !== report.reporterNodeId) {
      known.reporterNodeId = report.reporterNodeId;
      knowledge.revision++;
    }
  }
  return blind;
}

function nameBy(record: KnownNode | KnownLink, source: string, cycle: number): void {
  if (record.namedIn !== cycle) {
    record.namedIn = cycle;
    record.namedFirst = source;
    record.namedMore = undefined;
  } else if (record.namedFirst !== source && !(record.namedMore?.includes(source) ?? false)) (record.namedMore ??= []).push(source);
}

function listNode(knowledge: Knowledge, node: MeshNode, source: string, collectedAt: number, now: number): void {
  const cycle = knowledge.cycle;
  const lastSeen = Number.isFinite(node.lastSeen) ? node.lastSeen : collectedAt;
  let known = knowledge.nodes.get(node.id);
  if (known === undefined) known = knowledge.addNode(node.id, node.name, now, lastSeen);
  if (known.listedIn !== cycle || lastSeen >= known.readingSeen) {
    // The newest report decides; an older one only fills in what the newer did not say.
    const first = known.listedIn !== cycle;
    known.listedIn = cycle;
    known.readingSeen = lastSeen;
    known.reportedOnline = node.reportedOnline;
    known.resources = node.resources ?? (first ? undefined : known.resources);
    known.location = node.location ?? (first ? undefined : known.location);
    known.info = node.info ?? (first ? undefined : known.info);
    if (node.name !== undefined && node.name !== known.name) {
      known.name = node.name;
      knowledge.revision++;
    }
  } else {
    known.resources ??= node.resources;
    known.location ??= node.location;
    known.info ??= node.info;
  }
  if (lastSeen > known.lastSeen) known.lastSeen = lastSeen;
  nameBy(known, source, cycle);
}

function listLink(knowledge: Knowledge, link: MeshLink, source: string, now: number): void {
  if (link.source === link.target) return;
  const cycle = knowledge.cycle;
  const quality = Number.isFinite(link.quality) ? Math.min(1, Math.max(0, link.quality)) : 0;
  let known = knowledge.link(link.source, link.target);
  if (known === undefined) {
    if (quality <= 0) {
      // A link never seen working is not learned, but it still shows that its ends exist.
      const a = knowledge.nodes.get(link.source);
      const b = knowledge.nodes.get(link.target);
      if (a !== undefined) nameBy(a, source, cycle);
      if (b !== undefined) nameBy(b, source, cycle);
      return;
    }
    known = knowledge.addLink(link.source, link.target, now);
  }
  if (known.listedIn !== cycle) {
    known.listedIn = cycle;
    known.quality = quality;
    known.cost = link.cost;
  } else if (quality < (known.quality ?? 1)) {
    // The worse direction decides: a link is as good as its weaker half.
    known.quality = quality;
    known.cost = link.cost;
  }
  nameBy(known, source, cycle);
  if (known.low === undefined || known.high === undefined) {
    const [low, high] = link.source < link.target ? [link.source, link.target] : [link.target, link.source];
    known.low ??= knowledge.nodes.get(low);
    known.high ??= knowledge.nodes.get(high);
  }
  if (known.low !== undefined) nameBy(known.low, source, cycle);
  if (known.high !== undefined) nameBy(known.high, source, cycle);
}

/** The collectors naming it now, plus previous ones that are blind (they may still see it once back).
 * Returns the previous array itself when nothing changed (the common case: one collector, the same). */
function mergeSources(previous: readonly string[], record: KnownNode | KnownLink, blind: ReadonlySet<string>): readonly string[] {
  const first = record.namedFirst;
  const more = record.namedMore;
  const names = (source: string) => source === first || (more?.includes(source) ?? false);
  let kept: string[] | undefined;
  if (blind.size > 0) for (const source of previous) if (blind.has(source) && !names(source)) (kept ??= []).push(source);
  const count = 1 + (more?.length ?? 0);
  if (kept === undefined && count === previous.length && previous.every(names)) return previous;
  return sharedList(more === undefined && kept === undefined ? [first] : [first, ...(more ?? []), ...(kept ?? [])].sort());
}

/** Source lists are few (combinations of the configured collectors) and never mutated: 30,000
 * records share a handful of arrays instead of holding one each. Bounded, in case names run wild. */
const sharedLists = new Map<string, string[]>();
function sharedList(list: string[]): string[] {
  const key = list.join("\u0000");
  const shared = sharedLists.get(key);
  if (shared !== undefined) return shared;
  if (sharedLists.size < 1000) sharedLists.set(key, list);
  return list;
}

/** Settles this cycle's readings: stale ones cleared, evidence lists reconciled. */
function settle(knowledge: Knowledge, blind: ReadonlySet<string>, now: number): void {
  const cycle = knowledge.cycle;
  for (const node of knowledge.nodeList) {
    if (node.listedIn !== cycle && node.readingSeen !== 0) {
      node.readingSeen = 0;
      node.reportedOnline = undefined;
      node.resources = undefined;
      node.location = undefined;
      node.info = undefined;
    }
    if (node.namedIn === cycle) {
      const sources = mergeSources(node.sources, node, blind);
      if (sources !== node.sources) {
        node.sources = sources;
        knowledge.revision++;
      }
    }
  }
  for (const link of knowledge.linkList) {
    const present = link.listedIn === cycle && link.quality !== undefined && link.quality > 0;
    link.present = present;
    if (link.listedIn !== cycle) {
      link.quality = undefined;
      link.cost = undefined;
    } else if (!present) link.quality = undefined;
    if (!present) continue;
    link.lastSeen = now;
    const sources = mergeSources(link.sources, link, blind);
    if (sources !== link.sources) {
      link.sources = sources;
      knowledge.revision++;
    }
  }
}

/** Updates the knowledge with this cycle's reports, in place (it is large; copying it every cycle would
 * cost more than the rest of the cycle). */
export function foldReports(knowledge: Knowledge, reports: readonly SourceReport[], now: number): FoldResult {
  knowledge.cycle++;
  const blind = updateSources(knowledge, reports, now);
  const healthy = reports.filter((report) => !blind.has(report.source) && report.snapshot !== undefined);
  // Nodes first, then links, so a link names its ends whichever report listed them.
  for (const report of healthy) {
    const snapshot = report.snapshot!;
    for (const node of snapshot.nodes) listNode(knowledge, node, report.source, snapshot.collectedAt, now);
  }
  for (const report of healthy) {
    for (const link of report.snapshot!.links) listLink(knowledge, link, report.source, now);
  }
  settle(knowledge, blind, now);

  const gateways = new Set<string>();
  const uplinkVotes: boolean[] = [];
  for (const report of healthy) {
    const snapshot = report.snapshot!;
    for (const gateway of snapshot.gateways) gateways.add(gateway);
    if (snapshot.uplinkUp !== undefined) uplinkVotes.push(snapshot.uplinkUp);
  }
  // A gateway's own agent is the authority on whether it still offers internet: its neighbours keep a
  // withdrawn default route until it expires (babeld: tens of seconds).
  for (const report of healthy) {
    const self = report.reporterNodeId;
    if (self !== undefined && !report.snapshot!.gateways.includes(self)) gateways.delete(self);
  }
  for (const gateway of gateways) {
    if (!knowledge.gateways.has(gateway)) knowledge.revision++;
    knowledge.gateways.set(gateway, now);
  }
  let uplinkUp: boolean | undefined;
  const gatewaysKnown = knowledge.gateways.size > 0;
  if (uplinkVotes.length > 0) uplinkUp = uplinkVotes.includes(true) && (!gatewaysKnown || gateways.size > 0);
  else if (gatewaysKnown && blind.size < reports.length) uplinkUp = gateways.size > 0;
  if (uplinkUp !== undefined && !knowledge.uplinkEverKnown) {
    knowledge.uplinkEverKnown = true;
    knowledge.revision++;
  }
  return { blind, gateways, ...(uplinkUp !== undefined ? { uplinkUp } : {}) };
}
