// The monitor's Prometheus exposition, in its own prom-client Registry. The per-node and per-link
// families are read from the current merged mesh state when scraped instead of being `set()` one by
// one (at 10,000 nodes and 20,000 links that would be ~150,000 label hashings per cycle): `update()`
// only keeps a reference, so a collection cycle pays nothing for metrics, and nothing per node is held
// between scrapes. A scrape builds each node's and link's label text once, and writes every family
// from it straight into buffers (no line strings, no joined copies: at 10,000 nodes that garbage was
// three times the exposition); prom-client formats the few other series. Descriptive labels live only
// on `mesh_node_info`, so a renamed router does not break every other series (join on `node`).
import { Counter, Gauge, Registry } from "prom-client";
import type { RejectionEntry } from "../collectors/rejectionCounter.ts";
import type { NodeResources } from "../model.ts";

/** The parts of a merged view the metrics read; the rules' MeshView and a MeshSnapshot both fit. */
export interface MetricsNode {
  id: string;
  name?: string | undefined;
  lastSeen: number;
  resources?: NodeResources | undefined;
  info?: Record<string, string> | undefined;
  /** The rules' verdict (MeshView), when there is one. */
  status?: string;
  /** What the collector said (MeshSnapshot), used when there is no verdict. */
  reportedOnline?: boolean;
}

export interface MetricsLink {
  source: string;
  target: string;
  /** Undefined (with present false) for a known link that is gone right now. */
  quality?: number | undefined;
  cost?: number | undefined;
  present?: boolean;
}

export interface MetricsState {
  nodes: readonly MetricsNode[];
  links: readonly MetricsLink[];
  gateways?: readonly string[];
  uplinkUp?: boolean;
  /** Collectors and whether each is blind (failing, or suddenly empty) right now. */
  sources?: readonly { source: string; blind: boolean }[];
}

export interface MetricsUpdate {
  state: MetricsState;
  /** Decided by the rules (silence, neighbours' view…), not here. Default: the node's `status` is not
   * "down", or (without a status) its collector did not report it offline. */
  nodeUp?: (node: MetricsNode) => boolean;
}

// Help texts stay ASCII: one non-Latin-1 character would make V8 store the whole 9 MB exposition of a
// 10,000-node mesh as a two-byte string.

/** The only descriptive labels exported; anything else in `info` stays out of Prometheus. */
export const INFO_LABELS = ["name", "model", "firmware", "domain"] as const;

const defaultNodeUp = (node: MetricsNode): boolean => (node.status !== undefined ? node.status !== "down" : node.reportedOnline !== false);

/** Prometheus text-format escaping (the same rules prom-client applies); most ids need none. */
const needsEscape = /[\\\n"]/;
const escapeLabel = (value: string) => (needsEscape.test(value) ? value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"') : value);
const escapeHelp = (value: string) => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

/** One scrape's label text per node and per link (index-aligned with the state), built once and shared
 * by every family of that scrape, then dropped. */
class ScrapeLabels {
  private nodeTexts: string[] | undefined;
  private linkTexts: string[] | undefined;
  readonly state: MetricsState;

  constructor(state: MetricsState) {
    this.state = state;
  }

  nodes(): string[] {
    return (this.nodeTexts ??= this.state.nodes.map((node) => `{node="${escapeLabel(node.id)}"}`));
  }

  links(): string[] {
    return (this.linkTexts ??= this.state.links.map((link) => `{source="${escapeLabel(link.source)}",target="${escapeLabel(link.target)}"}`));
  }
}

/** Appends text to fixed-size buffers, handed out as they are (the server writes them one by one). */
class ExpositionWriter {
  private static readonly CHUNK = 256 * 1024;
  private readonly chunks: Buffer[] = [];
  private chunk = Buffer.allocUnsafe(ExpositionWriter.CHUNK);
  private offset = 0;

  write(text: string): void {
    // Room for the worst case (3 UTF-8 bytes per UTF-16 unit): node names can be in any script.
    if (this.offset + text.length * 3 > this.chunk.length) {
      this.chunks.push(this.chunk.subarray(0, this.offset));
      this.chunk = Buffer.allocUnsafe(Math.max(ExpositionWriter.CHUNK, text.length * 3));
      this.offset = 0;
    }
    this.offset += this.chunk.write(text, this.offset, "utf8");
  }

  finish(): Buffer[] {
    this.chunks.push(this.chunk.subarray(0, this.offset));
    return this.chunks;
  }
}

/** One series: its label text, a way to get the label object (for the JSON API, rarely used) and its value. */
type Emit = (labelText: string, labels: () => Record<string, string>, value: number) => void;
type Series = (scrape: ScrapeLabels, emit: Emit) => void;

/** A gauge whose series are produced from the current state at scrape time. */
class StateGauge extends Gauge<string> {
  private readonly series: Series;
  private readonly helpText: string;
  private readonly current: () => MetricsState;
  readonly metricName: string;

  constructor(registry: Registry, name: string, help: string, labelNames: readonly string[], current: () => MetricsState, series: Series) {
    super({ name, help, labelNames, registers: [registry] });
    this.series = series;
    this.helpText = help;
    this.current = current;
    this.metricName = name;
  }

  /** prom-client's object form (registry.getMetricsAsJSON()). */
  override async get() {
    const base = await super.get();
    const values: { value: number; labels: Record<string, string> }[] = [];
    this.series(new ScrapeLabels(this.current()), (_text, labels, value) => values.push({ value, labels: labels() }));
    return { ...base, values };
  }

  /** The text form, written out series by series. */
  write(scrape: ScrapeLabels, out: ExpositionWriter): void {
    const name = this.metricName;
    out.write(`# HELP ${name} ${escapeHelp(this.helpText)}\n# TYPE ${name} gauge\n`);
    this.series(scrape, (labelText, _labels, value) => {
      out.write(name);
      out.write(labelText);
      // 0 and 1 are most values (up, info, gateway): no string built for them.
      out.write(value === 1 ? " 1\n" : value === 0 ? " 0\n" : ` ${value}\n`);
    });
  }
}

type ResourceKey = "cpuLoad" | "memoryUsed" | "diskUsed" | "clients" | "uptimeSeconds";
const resourceGauges: [string, string, ResourceKey][] = [
  ["mesh_node_cpu_load", "1-minute load average per CPU (raw load average when the CPU count is unknown).", "cpuLoad"],
  ["mesh_node_memory_used_ratio", "Fraction of memory in use, 0-1.", "memoryUsed"],
  ["mesh_node_disk_used_ratio", "Fraction of the root/flash filesystem in use, 0-1.", "diskUsed"],
  ["mesh_node_clients", "Clients connected to the node (a count; client addresses are never kept).", "clients"],
  ["mesh_node_uptime_seconds", "Seconds since the node booted, as last reported.", "uptimeSeconds"],
];

function perNode(scrape: ScrapeLabels, emit: Emit, read: (node: MetricsNode) => number | undefined): void {
  const nodes = scrape.state.nodes;
  const texts = scrape.nodes();
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    const value = read(node);
    if (value !== undefined && Number.isFinite(value)) emit(texts[i]!, () => ({ node: node.id }), value);
  }
}

function perLink(scrape: ScrapeLabels, emit: Emit, read: (link: MetricsLink) => number | undefined): void {
  const links = scrape.state.links;
  const texts = scrape.links();
  for (let i = 0; i < links.length; i++) {
    const link = links[i]!;
    const value = read(link);
    if (value !== undefined && Number.isFinite(value)) emit(texts[i]!, () => ({ source: link.source, target: link.target }), value);
  }
}

export class MeshMetrics {
  readonly registry = new Registry();
  private state: MetricsState = { nodes: [], links: [] };
  private nodeUp: (node: MetricsNode) => boolean = defaultNodeUp;
  private readonly fast: StateGauge[] = [];

  constructor(rejected: () => readonly RejectionEntry[] = () => []) {
    const r = this.registry;
    const current = () => this.state;
    const gauge = (name: string, help: string, labelNames: readonly string[], series: Series) =>
      this.fast.push(new StateGauge(r, name, help, labelNames, current, series));
    gauge(
      "mesh_node_up",
      "1 when the monitor considers the node up, 0 when down (explicit, so alerts never hinge on a series vanishing).",
      ["node"],
      (scrape, emit) => perNode(scrape, emit, (node) => (this.nodeUp(node) ? 1 : 0)),
    );
    gauge("mesh_node_last_seen_timestamp_seconds", "When any collector last heard of the node, Unix seconds.", ["node"], (scrape, emit) =>
      perNode(scrape, emit, (node) => node.lastSeen / 1000),
    );
    for (const [name, help, key] of resourceGauges) gauge(name, help, ["node"], (scrape, emit) => perNode(scrape, emit, (node) => node.resources?.[key]));
    gauge("mesh_node_gateway", "1 for nodes that announce a way to the internet (default route / gateway flag).", ["node"], (scrape, emit) => {
      for (const id of scrape.state.gateways ?? []) emit(`{node="${escapeLabel(id)}"}`, () => ({ node: id }), 1);
    });
    gauge("mesh_node_info", "Descriptive labels of a node (value always 1); join on `node`.", ["node", ...INFO_LABELS], (scrape, emit) => {
      for (const node of scrape.state.nodes) emit(infoLabelText(node), () => infoLabels(node), 1);
    });
    gauge("mesh_link_up", "1 while the link is reported by a healthy collector, 0 for a known link that is gone.", ["source", "target"], (scrape, emit) =>
      perLink(scrape, emit, (link) => (link.present === false ? 0 : 1)),
    );
    gauge("mesh_link_quality", "Link quality 0 (unusable) to 1 (perfect), from the protocol's metric.", ["source", "target"], (scrape, emit) =>
      perLink(scrape, emit, (link) => link.quality),
    );
    gauge(
      "mesh_link_cost",
      "The protocol's own link cost as reported (ETX, babel cost, TQ 0-255...); compare within one protocol only.",
      ["source", "target"],
      (scrape, emit) => perLink(scrape, emit, (link) => link.cost),
    );
    gauge("mesh_uplink_up", "1 when the mesh has a working way to the internet, 0 when lost; absent while no source can tell.", [], (scrape, emit) => {
      if (scrape.state.uplinkUp !== undefined) emit("", () => ({}), scrape.state.uplinkUp ? 1 : 0);
    });
    gauge(
      "mesh_collector_up",
      "1 while the collector's last attempt succeeded with data, 0 while it is failing or suddenly returns no nodes (the monitor is blind there).",
      ["source"],
      (scrape, emit) => {
        for (const { source, blind } of scrape.state.sources ?? []) emit(`{source="${escapeLabel(source)}"}`, () => ({ source }), blind ? 0 : 1);
      },
    );
    // Few series: prom-client's own counter formatting is fine here.
    const rejectedCounter = new Counter({
      name: "mesh_telemetry_rejected_total",
      help: "Telemetry refused, by source and reason (malformed, wrong_type, not_finite, too_large, timeout...).",
      labelNames: ["source", "reason"],
      registers: [r],
      collect() {
        this.reset();
        for (const entry of rejected()) this.inc({ source: entry.source, reason: entry.reason }, entry.count);
      },
    });
    void rejectedCounter;
  }

  /** Takes the new state (by reference: it is read when scraped). */
  update(update: MetricsUpdate): void {
    this.state = update.state;
    this.nodeUp = update.nodeUp ?? defaultNodeUp;
  }

  /** The exposition Prometheus scrapes, as UTF-8 bytes in pieces (the same format as `registry.metrics()`). */
  async renderChunks(): Promise<Buffer[]> {
    const scrape = new ScrapeLabels(this.state);
    const out = new ExpositionWriter();
    let first = true;
    for (const metric of this.registry.getMetricsAsArray()) {
      if (!first) out.write("\n");
      first = false;
      const fast = this.fast.find((gauge) => gauge.metricName === metric.name);
      if (fast) fast.write(scrape, out);
      else out.write(`${await this.registry.getSingleMetricAsString(metric.name)}\n`);
    }
    return out.finish();
  }

  /** The same as text. */
  async render(): Promise<string> {
    return Buffer.concat(await this.renderChunks()).toString("utf8");
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

function infoLabels(node: MetricsNode): Record<string, string> {
  return { node: node.id, name: node.name ?? "", model: node.info?.model ?? "", firmware: node.info?.firmware ?? "", domain: node.info?.domain ?? "" };
}

function infoLabelText(node: MetricsNode): string {
  const info = node.info;
  return `{node="${escapeLabel(node.id)}",name="${escapeLabel(node.name ?? "")}",model="${escapeLabel(info?.model ?? "")}",firmware="${escapeLabel(info?.firmware ?? "")}",domain="${escapeLabel(info?.domain ?? "")}"}`;
}
