// The monitor's Prometheus exposition, in its own prom-client Registry. The per-node and per-link
// families are computed from the current merged mesh state when scraped instead of being `set()` one
// by one (at 10,000 nodes and 20,000 links that would be ~150,000 label hashings per cycle), and their
// label text is cached per node/link and reused across scrapes: `render()` writes those families from
// the cache and lets prom-client format the rest. Descriptive labels live only on `mesh_node_info`, so
// a renamed router does not break every other series (join on `node`).
import { Counter, Gauge, Registry } from "prom-client";
import type { RejectionEntry } from "../collectors/rejectionCounter.ts";
import type { NodeResources } from "../model.ts";

/** The parts of a merged view the metrics read; the rules' MeshView and a MeshSnapshot both fit. */
export interface MetricsNode {
  id: string;
  name?: string;
  lastSeen: number;
  resources?: NodeResources;
  info?: Record<string, string>;
}

export interface MetricsLink {
  source: string;
  target: string;
  /** Undefined (with present false) for a known link that is gone right now. */
  quality?: number;
  cost?: number;
  present?: boolean;
}

export interface MetricsState {
  nodes: readonly MetricsNode[];
  links: readonly MetricsLink[];
  gateways?: readonly string[];
  uplinkUp?: boolean;
}

export interface MetricsUpdate {
  state: MetricsState;
  /** Decided by the rules (silence, neighbours' view…), not here. */
  nodeUp: (id: string) => boolean;
}

/** The only descriptive labels exported; anything else in `info` stays out of Prometheus. */
export const INFO_LABELS = ["name", "model", "firmware", "domain"] as const;

/** One series: its label text (`{node="x"}`, cached), a way to get the label object (for the JSON
 * API, rarely used) and its value. */
type Emit = (labelText: string, labels: () => Record<string, string>, value: number) => void;

/** Prometheus text-format escaping (the same rules prom-client applies). */
const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const escapeHelp = (value: string) => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

/** A gauge whose series are produced from the current state at scrape time. */
class StateGauge extends Gauge<string> {
  private readonly each: (emit: Emit) => void;
  private readonly helpText: string;
  readonly metricName: string;

  constructor(registry: Registry, name: string, help: string, labelNames: readonly string[], each: (emit: Emit) => void) {
    super({ name, help, labelNames, registers: [registry] });
    this.each = each;
    this.helpText = help;
    this.metricName = name;
  }

  /** prom-client's object form (registry.getMetricsAsJSON()). */
  override async get() {
    const base = await super.get();
    const values: { value: number; labels: Record<string, string> }[] = [];
    this.each((_text, labels, value) => values.push({ value, labels: labels() }));
    return { ...base, values };
  }

  /** The text form, from cached label strings. */
  text(): string {
    const name = this.metricName;
    const lines = [`# HELP ${name} ${escapeHelp(this.helpText)}`, `# TYPE ${name} gauge`];
    this.each((labelText, _labels, value) => lines.push(`${name}${labelText} ${value}`));
    return lines.join("\n");
  }
}

type ResourceKey = "cpuLoad" | "memoryUsed" | "diskUsed" | "clients" | "uptimeSeconds";
const resourceGauges: [string, string, ResourceKey][] = [
  ["mesh_node_cpu_load", "1-minute load average per CPU (raw load average when the CPU count is unknown).", "cpuLoad"],
  ["mesh_node_memory_used_ratio", "Fraction of memory in use, 0–1.", "memoryUsed"],
  ["mesh_node_disk_used_ratio", "Fraction of the root/flash filesystem in use, 0–1.", "diskUsed"],
  ["mesh_node_clients", "Clients connected to the node (a count; client addresses are never kept).", "clients"],
  ["mesh_node_uptime_seconds", "Seconds since the node booted, as last reported.", "uptimeSeconds"],
];

export class MeshMetrics {
  readonly registry = new Registry();
  private state: MetricsState = { nodes: [], links: [] };
  private nodeUp: (id: string) => boolean = () => false;
  /** Label text caches, kept across updates for nodes/links that persist. */
  private nodeText = new Map<string, string>();
  private linkText = new Map<string, Map<string, string>>();
  private infoText = new Map<string, { key: string; text: string }>();
  /** Aligned with state.nodes / state.links, so a scrape does no lookups at all. */
  private nodeTexts: string[] = [];
  private linkTexts: string[] = [];
  private infoTexts: string[] = [];
  private readonly fast: StateGauge[] = [];

  constructor(rejected: () => readonly RejectionEntry[] = () => []) {
    const r = this.registry;
    const gauge = (name: string, help: string, labelNames: readonly string[], each: (emit: Emit) => void) => this.fast.push(new StateGauge(r, name, help, labelNames, each));
    gauge("mesh_node_up", "1 when the monitor considers the node up, 0 when down (explicit, so alerts never hinge on a series vanishing).", ["node"], (emit) =>
      this.perNode(emit, (node) => (this.nodeUp(node.id) ? 1 : 0)),
    );
    gauge("mesh_node_last_seen_timestamp_seconds", "When any collector last heard of the node, Unix seconds.", ["node"], (emit) => this.perNode(emit, (node) => node.lastSeen / 1000));
    for (const [name, help, key] of resourceGauges) gauge(name, help, ["node"], (emit) => this.perNode(emit, (node) => node.resources?.[key]));
    gauge("mesh_node_gateway", "1 for nodes that announce a way to the internet (default route / gateway flag).", ["node"], (emit) => {
      for (const id of this.state.gateways ?? []) emit(this.nodeText.get(id) ?? `{node="${escapeLabel(id)}"}`, () => ({ node: id }), 1);
    });
    gauge("mesh_node_info", "Descriptive labels of a node (value always 1); join on `node`.", ["node", ...INFO_LABELS], (emit) => {
      const nodes = this.state.nodes;
      for (let i = 0; i < nodes.length; i++) emit(this.infoTexts[i]!, () => infoLabels(nodes[i]!), 1);
    });
    gauge("mesh_link_up", "1 while the link is reported by a healthy collector, 0 for a known link that is gone.", ["source", "target"], (emit) =>
      this.perLink(emit, (link) => (link.present === false ? 0 : 1)),
    );
    gauge("mesh_link_quality", "Link quality 0 (unusable) … 1 (perfect), from the protocol's metric.", ["source", "target"], (emit) => this.perLink(emit, (link) => link.quality));
    gauge("mesh_link_cost", "The protocol's own link cost as reported (ETX, babel cost, TQ 0–255…); compare within one protocol only.", ["source", "target"], (emit) =>
      this.perLink(emit, (link) => link.cost),
    );
    gauge("mesh_uplink_up", "1 when the mesh has a working way to the internet, 0 when lost; absent while no source can tell.", [], (emit) => {
      if (this.state.uplinkUp !== undefined) emit("", () => ({}), this.state.uplinkUp ? 1 : 0);
    });
    // Few series: prom-client's own counter formatting is fine here.
    const rejectedCounter = new Counter({
      name: "mesh_telemetry_rejected_total",
      help: "Telemetry refused, by source and reason (malformed, wrong_type, not_finite, too_large, timeout…).",
      labelNames: ["source", "reason"],
      registers: [r],
      collect() {
        this.reset();
        for (const entry of rejected()) this.inc({ source: entry.source, reason: entry.reason }, entry.count);
      },
    });
    void rejectedCounter;
  }

  /** Takes the new state; cached label text of nodes and links that still exist is reused. */
  update(update: MetricsUpdate): void {
    this.state = update.state;
    this.nodeUp = update.nodeUp;
    const { nodes, links } = update.state;
    const nodeText = new Map<string, string>();
    const infoText = new Map<string, { key: string; text: string }>();
    const nodeTexts: string[] = new Array(nodes.length);
    const infoTexts: string[] = new Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      const text = this.nodeText.get(node.id) ?? `{node="${escapeLabel(node.id)}"}`;
      nodeText.set(node.id, text);
      nodeTexts[i] = text;
      const info = node.info;
      const key = `${node.name ?? ""}\u0000${info?.model ?? ""}\u0000${info?.firmware ?? ""}\u0000${info?.domain ?? ""}`;
      const previous = this.infoText.get(node.id);
      const entry = previous !== undefined && previous.key === key ? previous : { key, text: infoLabelText(node) };
      infoText.set(node.id, entry);
      infoTexts[i] = entry.text;
    }
    const linkText = new Map<string, Map<string, string>>();
    const linkTexts: string[] = new Array(links.length);
    for (let i = 0; i < links.length; i++) {
      const { source, target } = links[i]!;
      let bySource = linkText.get(source);
      if (bySource === undefined) linkText.set(source, (bySource = new Map()));
      const text = this.linkText.get(source)?.get(target) ?? `{source="${escapeLabel(source)}",target="${escapeLabel(target)}"}`;
      bySource.set(target, text);
      linkTexts[i] = text;
    }
    this.nodeText = nodeText;
    this.infoText = infoText;
    this.linkText = linkText;
    this.nodeTexts = nodeTexts;
    this.infoTexts = infoTexts;
    this.linkTexts = linkTexts;
  }

  /** The text Prometheus scrapes (the same format as `registry.metrics()`, written faster). */
  async render(): Promise<string> {
    const parts: string[] = [];
    for (const metric of this.registry.getMetricsAsArray()) {
      const fast = this.fast.find((gauge) => gauge.metricName === metric.name);
      parts.push(fast ? fast.text() : await this.registry.getSingleMetricAsString(metric.name));
    }
    return `${parts.join("\n\n")}\n`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private perNode(emit: Emit, read: (node: MetricsNode) => number | undefined): void {
    const nodes = this.state.nodes;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      const value = read(node);
      if (value !== undefined && Number.isFinite(value)) emit(this.nodeTexts[i]!, () => ({ node: node.id }), value);
    }
  }

  private perLink(emit: Emit, read: (link: MetricsLink) => number | undefined): void {
    const links = this.state.links;
    for (let i = 0; i < links.length; i++) {
      const link = links[i]!;
      const value = read(link);
      if (value !== undefined && Number.isFinite(value)) emit(this.linkTexts[i]!, () => ({ source: link.source, target: link.target }), value);
    }
  }
}

function infoLabels(node: MetricsNode): Record<string, string> {
  return { node: node.id, name: node.name ?? "", model: node.info?.model ?? "", firmware: node.info?.firmware ?? "", domain: node.info?.domain ?? "" };
}

function infoLabelText(node: MetricsNode): string {
  const labels = infoLabels(node);
  return `{${Object.entries(labels)
    .map(([name, value]) => `${name}="${escapeLabel(value)}"`)
    .join(",")}}`;
}
