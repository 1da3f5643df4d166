// A small pretend mesh (seven rooftops on one block, one gateway) served as an ordinary source, so a new
// neighborhood sees the map and a real alert before it owns a router. A scripted timeline repeats:
// one link degrades and later recovers; optionally a node goes offline for a while.
import type { MeshLink, MeshNode, MeshSnapshot } from "../model.ts";
import type { PolledSource } from "../monitor.ts";
import type { SourceReport } from "../rules/meshView.ts";

export interface SimulationConfig {
  /** The link that degrades, as two node ids. */
  degradeLink: [string, string];
  /** Seconds after the start of each cycle when the link degrades; null for never. */
  degradeAfterSeconds: number | null;
  degradeForSeconds: number;
  /** Quality while degraded (0–1). */
  degradedQuality: number;
  /** The node that goes offline on the timer. */
  downNode: string;
  downAfterSeconds: number | null;
  downForSeconds: number;
  /** Nodes offline from the start and for good (a Prometheus demo, a test). */
  offline: string[];
  /** The timeline repeats after this long. */
  cycleSeconds: number;
}

export const defaultSimulation: SimulationConfig = {
  degradeLink: ["library", "corner-store"],
  degradeAfterSeconds: 60,
  degradeForSeconds: 180,
  degradedQuality: 0.3,
  downNode: "garden-shed",
  downAfterSeconds: null,
  downForSeconds: 300,
  offline: [],
  cycleSeconds: 900,
};

interface SimNode {
  id: string;
  name: string;
  lat: number;
  lon: number;
  model: string;
}

// A made-up block (coordinates near 0/0 in the Gulf of Guinea, so they point at nobody's house).
const nodes: readonly SimNode[] = [
  { id: "rooftop-gw", name: "Rooftop gateway", lat: 0.0012, lon: 0.001, model: "Ubiquiti NanoStation" },
  { id: "church-tower", name: "Church tower", lat: 0.002, lon: 0.0026, model: "TP-Link CPE510" },
  { id: "library", name: "Library", lat: 0.0004, lon: 0.003, model: "GL.iNet AR300M" },
  { id: "corner-store", name: "Corner store", lat: -0.0004, lon: 0.0044, model: "TP-Link Archer C7" },
  { id: "school", name: "School", lat: 0.0026, lon: 0.0046, model: "Ubiquiti LiteBeam" },
  { id: "apt-4b", name: "Apartment 4B", lat: -0.0008, lon: 0.0018, model: "GL.iNet MT300N" },
  { id: "garden-shed", name: "Garden shed", lat: -0.0016, lon: 0.0032, model: "TP-Link TL-WR842" },
];

const baseLinks: readonly [string, string, number][] = [
  ["rooftop-gw", "church-tower", 0.95],
  ["rooftop-gw", "apt-4b", 0.9],
  ["rooftop-gw", "library", 0.8],
  ["church-tower", "school", 0.85],
  ["church-tower", "library", 0.6],
  ["library", "corner-store", 0.9],
  ["school", "corner-store", 0.7],
  ["apt-4b", "garden-shed", 0.85],
  ["corner-store", "garden-shed", 0.75],
];

export const simulatedNodeIds: readonly string[] = nodes.map((node) => node.id);

function within(elapsed: number, after: number | null, duration: number): boolean {
  return after !== null && elapsed >= after && elapsed < after + duration;
}

export class SimulatedMesh implements PolledSource {
  readonly source = "simulation";
  readonly simulated = true;
  private readonly config: SimulationConfig;
  private readonly startedAt: number;
  private readonly clock: () => number;
  private readonly downSince = new Map<string, number>();

  constructor(config: Partial<SimulationConfig> = {}, clock: () => number = Date.now) {
    this.config = { ...defaultSimulation, ...config };
    for (const id of [...this.config.offline, this.config.downNode, ...this.config.degradeLink]) {
      if (!simulatedNodeIds.includes(id)) throw new Error(`simulation: no node "${id}"; nodes are ${simulatedNodeIds.join(", ")}`);
    }
    this.clock = clock;
    this.startedAt = clock();
  }

  snapshot(now = this.clock()): MeshSnapshot {
    const elapsed = ((now - this.startedAt) / 1000) % this.config.cycleSeconds;
    const down = new Set(this.config.offline);
    if (within(elapsed, this.config.downAfterSeconds, this.config.downForSeconds)) down.add(this.config.downNode);
    for (const id of simulatedNodeIds) {
      if (down.has(id)) {
        // Offline from the start: last heard an hour before the monitor started.
        if (!this.downSince.has(id)) this.downSince.set(id, this.config.offline.includes(id) ? this.startedAt - 3_600_000 : now);
      } else this.downSince.delete(id);
    }
    const degraded = within(elapsed, this.config.degradeAfterSeconds, this.config.degradeForSeconds);
    const [da, db] = this.config.degradeLink;
    const meshNodes: MeshNode[] = nodes.map((node, i) => {
      const isDown = down.has(node.id);
      // Gentle, deterministic wobble so the numbers look alive.
      const wave = Math.sin(now / 60_000 + i);
      return {
        id: node.id,
        name: node.name,
        lastSeen: isDown ? (this.downSince.get(node.id) ?? now) : now,
        reportedOnline: !isDown,
        location: { latitude: node.lat, longitude: node.lon },
        info: { model: node.model, firmware: "OpenWrt 23.05 (simulated)" },
        ...(isDown ? {} : { resources: { cpuLoad: 0.15 + 0.1 * wave, memoryUsed: 0.45 + 0.05 * wave, diskUsed: 0.3 + i * 0.03, clients: 3 + i } }),
      };
    });
    const links: MeshLink[] = baseLinks
      .filter(([a, b]) => !down.has(a) && !down.has(b))
      .map(([a, b, quality]) => {
        const isDegraded = degraded && ((a === da && b === db) || (a === db && b === da));
        const q = isDegraded ? this.config.degradedQuality : quality;
        return { source: a, target: b, quality: q, cost: Math.round((1 / q) * 100) / 100 };
      });
    return {
      source: this.source,
      protocol: "netjson",
      collectedAt: now,
      nodes: meshNodes,
      links,
      gateways: down.has("rooftop-gw") ? [] : ["rooftop-gw"],
      uplinkUp: !down.has("rooftop-gw"),
    };
  }

  poll(): Promise<SourceReport> {
    return Promise.resolve({ source: this.source, ok: true, snapshot: this.snapshot(), simulated: true });
  }
}

/** Settings for `simulation:` in mesh-monitor.yaml, checked with errors naming the key. */
export function parseSimulationConfig(raw: unknown): Partial<SimulationConfig> {
  if (raw === undefined || raw === null || raw === true) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) throw new Error(`simulation must be a mapping (or true), got ${JSON.stringify(raw)}`);
  const out: Record<string, unknown> = {};
  const numberOrNull = new Set(["degradeAfterSeconds", "downAfterSeconds"]);
  const numbers = new Set(["degradeForSeconds", "degradedQuality", "downForSeconds", "cycleSeconds"]);
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (numbers.has(key) || numberOrNull.has(key)) {
      if (!(value === null && numberOrNull.has(key)) && !(typeof value === "number" && Number.isFinite(value) && value >= 0)) {
        throw new Error(`simulation.${key} is ${JSON.stringify(value)}; expected a number ≥ 0${numberOrNull.has(key) ? " or null (never)" : ""}`);
      }
    } else if (key === "downNode") {
      if (typeof value !== "string") throw new Error(`simulation.downNode must be a node id (${simulatedNodeIds.join(", ")})`);
    } else if (key === "offline") {
      if (!Array.isArray(value) || !value.every((item) => typeof item === "string"))
        throw new Error(`simulation.offline must be a list of node ids (${simulatedNodeIds.join(", ")})`);
    } else if (key === "degradeLink") {
      if (!Array.isArray(value) || value.length !== 2 || !value.every((item) => typeof item === "string"))
        throw new Error("simulation.degradeLink must be two node ids, e.g. [library, corner-store]");
    } else {
      throw new Error(`simulation.${key} is not a known setting; known: ${Object.keys(defaultSimulation).join(", ")}`);
    }
    out[key] = value;
  }
  return out as Partial<SimulationConfig>;
}
