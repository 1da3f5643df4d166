// What the monitor has learned about the mesh: every node and link ever seen (never forgotten while it
// runs, and saved across restarts), by which collectors, and when. Each record also carries this
// cycle's reading, so the merged view *is* these records: a cycle at 10,000 nodes updates them in place
// instead of building 30,000 new objects, and a healthy node costs a few field writes.
import type { NodeResources } from "../model.ts";
import type { MergedLink, MergedNode, NodeStatus } from "./meshView.ts";

export interface KnownSource {
  failingSince?: number;
  lastOk?: number;
  lastError?: string;
  nodeCount: number;
  reporterNodeId?: string;
}

export class KnownNode implements MergedNode {
  readonly id: string;
  name: string | undefined;
  firstSeen: number;
  lastSeen: number;
  /** Collectors that named it (as a node or a link end) in their latest good snapshot, sorted. */
  sources: readonly string[];
  // This cycle's reading (undefined when no healthy collector listed it this cycle).
  status: NodeStatus = "up";
  gateway = false;
  resources: NodeResources | undefined = undefined;
  location: { latitude: number; longitude: number } | undefined = undefined;
  info: Record<string, string> | undefined = undefined;
  reportedOnline: boolean | undefined = undefined;
  /** The cycle the reading belongs to, and the reading's own "last seen" (the newest report wins). */
  listedIn = 0;
  readingSeen = 0;
  /** Collectors naming it this cycle, valid when `namedIn` is this cycle: the first, then any others
   * (usually none, so no array is needed). */
  namedIn = 0;
  namedFirst = "";
  namedMore: string[] | undefined = undefined;

  constructor(id: string, name: string | undefined, firstSeen: number, lastSeen: number, sources: readonly string[]) {
    this.id = id;
    this.name = name;
    this.firstSeen = firstSeen;
    this.lastSeen = lastSeen;
    this.sources = sources;
  }
}

export class KnownLink implements MergedLink {
  /** `a|b` with a < b: the subject of this link's alerts. */
  readonly key: string;
  /** As first reported. */
  readonly source: string;
  readonly target: string;
  lastSeen: number;
  sources: readonly string[];
  // This cycle's reading.
  present = false;
  quality: number | undefined = undefined;
  cost: number | undefined = undefined;
  listedIn = 0;
  namedIn = 0;
  namedFirst = "";
  namedMore: string[] | undefined = undefined;
  /** Its two ends once they are known nodes (looked up once, not every cycle). */
  low: KnownNode | undefined = undefined;
  high: KnownNode | undefined = undefined;

  constructor(key: string, source: string, target: string, lastSeen: number, sources: readonly string[]) {
    this.key = key;
    this.source = source;
    this.target = target;
    this.lastSeen = lastSeen;
    this.sources = sources;
  }
}

const highEnd = (link: KnownLink): string => (link.source < link.target ? link.target : link.source);

export class Knowledge {
  /** First evaluation: nodes present in the first few cycles after it are not "new". */
  baselineAt: number;
  /** Evaluations so far; a record's reading is current when it carries this number. */
  cycle = 0;
  /** Bumped whenever something worth saving changes (not for a mere "last seen"). */
  revision = 0;
  uplinkEverKnown = false;
  readonly nodes = new Map<string, KnownNode>();
  /** The same nodes in the order first seen: the view's list, stable across cycles. */
  readonly nodeList: KnownNode[] = [];
  /** lower id → its links to higher ids (one, or a short list): found without building a key string
   * per link per cycle, and without a map per node. */
  private readonly linkIndex = new Map<string, KnownLink | KnownLink[]>();
  readonly linkList: KnownLink[] = [];
  /** Gateway id → when last seen announcing. */
  readonly gateways = new Map<string, number>();
  readonly sources = new Map<string, KnownSource>();

  constructor(baselineAt: number) {
    this.baselineAt = baselineAt;
  }

  addNode(id: string, name: string | undefined, firstSeen: number, lastSeen: number, sources: readonly string[] = []): KnownNode {
    const node = new KnownNode(id, name, firstSeen, lastSeen, sources);
    this.nodes.set(id, node);
    this.nodeList.push(node);
    this.revision++;
    return node;
  }

  link(a: string, b: string): KnownLink | undefined {
    const low = a < b ? a : b;
    const high = a < b ? b : a;
    const entry = this.linkIndex.get(low);
    if (entry === undefined) return undefined;
    if (!Array.isArray(entry)) return highEnd(entry) === high ? entry : undefined;
    for (const link of entry) if (highEnd(link) === high) return link;
    return undefined;
  }

  addLink(source: string, target: string, lastSeen: number, sources: readonly string[] = []): KnownLink {
    // Share the node records' id strings: each parse brings fresh copies of every id.
    const from = this.nodes.get(source)?.id ?? source;
    const to = this.nodes.get(target)?.id ?? target;
    const [low, high] = from < to ? [from, to] : [to, from];
    // join() builds one flat string; a template literal would keep two rope nodes per link alive.
    const link = new KnownLink([low, high].join("|"), from, to, lastSeen, sources);
    const entry = this.linkIndex.get(low);
    if (entry === undefined) this.linkIndex.set(low, link);
    else if (Array.isArray(entry)) entry.push(link);
    else this.linkIndex.set(low, [entry, link]);
    this.linkList.push(link);
    this.revision++;
    return link;
  }
}
