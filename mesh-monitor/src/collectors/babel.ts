// babeld's local configuration interface (babeld.man "LOCAL CONFIGURATION INTERFACE"): the reply to
// `dump` and the `monitor` stream share one line grammar, `<add|change|flush> <kind> <id> (<key> <value>)*`,
// so one incremental state serves both. Units per reference/mesh-telemetry.md §1.5: 16-bit costs,
// 65535 = unreachable, 256 = a perfect wireless hop (96 wired).
import type { MeshLink, MeshNode, MeshSnapshot } from "../model.ts";
import type { ParseContext } from "./parseContext.ts";
import { TelemetryError } from "./telemetryError.ts";

export const BABEL_INFINITY = 65535;
/** babeld's default rxcost for a wireless interface: a hop costing this much is as good as wifi gets. */
export const BABEL_NOMINAL_COST = 256;

const ACCEPTED =
  "babeld local-interface lines: the banner (BABEL 1.0, version, host, my-id), ok/no/bad, and `add|change|flush interface|neighbour|route|xroute <id> <key> <value> …`";

interface BabelNeighbour {
  address: string;
  ifname: string;
  reach: number;
  rxcost: number;
  txcost: number;
  cost: number;
}

interface BabelRoute {
  prefix: string;
  from: string;
  installed: boolean;
  routerId: string;
  metric: number;
  refmetric: number;
  via: string;
}

export type BabelChange = "interface" | "neighbour" | "route" | "xroute" | "header";

type Fields = Map<string, string>;
type KindHandler = (state: BabelState, verb: string, id: string, fields: Fields, line: string) => void;

const DEFAULT_PREFIXES = new Set(["0.0.0.0/0", "::/0"]);

/** Incremental view of one babeld, fed line by line from `dump` replies or the `monitor` stream. */
export class BabelState {
  myId?: string;
  host?: string;
  version?: string;
  readonly interfaces = new Map<string, boolean>();
  readonly neighbours = new Map<string, BabelNeighbour>();
  readonly routes = new Map<string, BabelRoute>();
  readonly xroutes = new Map<string, { prefix: string; metric: number }>();
  /** Neighbour link-local address → router id, learned from routes the neighbour originates
   * (refmetric 0). Sticky: it must survive the flush of that route so a dying link keeps its name. */
  readonly routerByAddress = new Map<string, string>();
  /** Once a default route was seen, its absence means "uplink lost" rather than "no uplink here". */
  sawDefaultRoute = false;

  /** Carry what must outlive one dump (learned router ids, whether a default route ever existed). */
  static continuing(previous: BabelState | undefined): BabelState {
    const state = new BabelState();
    if (previous) {
      for (const [address, router] of previous.routerByAddress) state.routerByAddress.set(address, router);
      state.sawDefaultRoute = previous.sawDefaultRoute;
    }
    return state;
  }

  /** Applies one line; returns what kind of thing changed, or undefined for ok/banner/blank lines. */
  apply(line: string): BabelChange | undefined {
    const text = line.trim();
    if (text === "" || text === "ok" || text === "BABEL 1.0") return undefined;
    if (text === "no" || text === "bad") {
      throw new TelemetryError("protocol", `babeld answered "${text}"`, ACCEPTED);
    }
    const tokens = text.split(/\s+/);
    const verb = tokens[0]!;
    const header = headerHandlers[verb];
    if (header) {
      if (tokens.length < 2) throw new TelemetryError("malformed", `the line "${clip(text)}" has no value`, ACCEPTED);
      header(this, tokens.slice(1).join(" "));
      return "header";
    }
    if (verb !== "add" && verb !== "change" && verb !== "flush") {
      throw new TelemetryError("malformed", `the line "${clip(text)}" does not start with add, change or flush`, ACCEPTED);
    }
    const kind = tokens[1];
    const id = tokens[2];
    if (kind === undefined || id === undefined) throw new TelemetryError("malformed", `the line "${clip(text)}" lacks a kind or id`, ACCEPTED);
    if ((tokens.length - 3) % 2 !== 0) throw new TelemetryError("malformed", `the line "${clip(text)}" has a key without a value`, ACCEPTED);
    const handler = kindHandlers[kind];
    if (!handler) return undefined; // a kind newer babeld versions may add: not ours to judge
    const fields: Fields = new Map();
    for (let i = 3; i < tokens.length; i += 2) fields.set(tokens[i]!, tokens[i + 1]!);
    handler(this, verb, id, fields, text);
    return kind as BabelChange;
  }

  /** Whether this router itself exports a default route (it is a gateway). */
  private exportsDefault(): boolean {
    for (const xroute of this.xroutes.values()) if (DEFAULT_PREFIXES.has(xroute.prefix)) return true;
    return false;
  }

  snapshot(context: ParseContext): MeshSnapshot {
    const self = this.myId;
    if (self === undefined) throw new TelemetryError("missing_field", "no `my-id` line arrived before the data", ACCEPTED);
    const nodes = new Map<string, MeshNode>();
    const selfNode: MeshNode = { id: self, lastSeen: context.collectedAt, info: {} };
    if (this.host !== undefined) selfNode.name = this.host;
    if (this.version !== undefined) selfNode.info!.firmware = this.version;
    nodes.set(self, selfNode);
    const gateways = new Set<string>();
    if (this.exportsDefault()) gateways.add(self);
    let installedDefault = gateways.size > 0;
    for (const route of this.routes.values()) {
      // A retracted route (metric 65535) lingers in babeld's table until it expires: it says the router
      // is gone, not that it was heard, so it must not keep the node alive.
      if (route.metric >= BABEL_INFINITY) continue;
      if (!nodes.has(route.routerId)) nodes.set(route.routerId, { id: route.routerId, lastSeen: context.collectedAt });
      if (DEFAULT_PREFIXES.has(route.prefix)) {
        gateways.add(route.routerId);
        if (route.installed) installedDefault = true;
      }
    }
    const links: MeshLink[] = [];
    for (const neighbour of this.neighbours.values()) {
      const target = this.routerByAddress.get(neighbour.address);
      if (target === undefined) continue; // not yet known by router id; the next route update names it
      const interfaceUp = this.interfaces.get(neighbour.ifname) !== false;
      const quality = interfaceUp ? babelQuality(neighbour.cost) : 0;
      // A neighbour heard over a working link is alive; one at infinite cost is only a lost link.
      if (quality > 0 && !nodes.has(target)) nodes.set(target, { id: target, lastSeen: context.collectedAt });
      links.push({ source: self, target, quality, cost: neighbour.cost });
    }
    if (gateways.size > 0) this.sawDefaultRoute = true;
    return {
      source: context.source,
      protocol: "babel",
      collectedAt: context.collectedAt,
      nodes: [...nodes.values()],
      links,
      gateways: [...gateways],
      uplinkUp: installedDefault ? true : this.sawDefaultRoute ? false : undefined,
    };
  }
}

/** 256/cost, so a perfect wireless hop is 1, an ETX-2 hop 0.5, and 65535 (unreachable) 0. */
export function babelQuality(cost: number): number {
  if (cost >= BABEL_INFINITY) return 0;
  return cost <= BABEL_NOMINAL_COST ? 1 : BABEL_NOMINAL_COST / cost;
}

const headerHandlers: Record<string, (state: BabelState, value: string) => void> = {
  "my-id": (state, value) => (state.myId = value),
  host: (state, value) => (state.host = value),
  version: (state, value) => (state.version = value),
};

const kindHandlers: Record<string, KindHandler> = {
  interface: (state, verb, id, fields) => {
    if (verb === "flush") state.interfaces.delete(id);
    else state.interfaces.set(id, fields.get("up") === "true");
  },
  neighbour: (state, verb, id, fields, line) => {
    if (verb === "flush") {
      state.neighbours.delete(id);
      return;
    }
    state.neighbours.set(id, {
      address: required(fields, "address", line),
      ifname: required(fields, "if", line),
      reach: hex16(required(fields, "reach", line), line),
      rxcost: cost(required(fields, "rxcost", line), line),
      txcost: cost(required(fields, "txcost", line), line),
      cost: cost(required(fields, "cost", line), line),
    });
  },
  route: (state, verb, id, fields, line) => {
    if (verb === "flush") {
      state.routes.delete(id);
      return;
    }
    const route: BabelRoute = {
      prefix: required(fields, "prefix", line),
      from: fields.get("from") ?? "::/0",
      installed: fields.get("installed") === "yes",
      routerId: required(fields, "id", line),
      metric: cost(required(fields, "metric", line), line),
      refmetric: cost(required(fields, "refmetric", line), line),
      via: required(fields, "via", line),
    };
    state.routes.set(id, route);
    // A route the neighbour originates itself names the router behind that link-local address.
    if (route.refmetric === 0) state.routerByAddress.set(route.via, route.routerId);
  },
  xroute: (state, verb, id, fields, line) => {
    if (verb === "flush") state.xroutes.delete(id);
    else state.xroutes.set(id, { prefix: required(fields, "prefix", line), metric: cost(required(fields, "metric", line), line) });
  },
};

function required(fields: Fields, key: string, line: string): string {
  const value = fields.get(key);
  if (value === undefined) throw new TelemetryError("missing_field", `the line "${clip(line)}" has no "${key}"`, ACCEPTED);
  return value;
}

function cost(text: string, line: string): number {
  if (!/^\d+$/.test(text)) {
    const reason = /^[-+]?(nan|inf)/i.test(text) ? "not_finite" : "wrong_type";
    throw new TelemetryError(reason, `the line "${clip(line)}" has the cost "${text}", expected an integer 0–65535`, ACCEPTED);
  }
  return Math.min(Number(text), BABEL_INFINITY);
}

function hex16(text: string, line: string): number {
  if (!/^[0-9a-f]{1,4}$/i.test(text))
    throw new TelemetryError("wrong_type", `the line "${clip(line)}" has the reach "${text}", expected 4 hex digits`, ACCEPTED);
  return Number.parseInt(text, 16);
}

function clip(line: string): string {
  return line.length > 80 ? `${line.slice(0, 80)}…` : line;
}

/** The reply to `dump` (with or without the connection banner) → snapshot. `previous` carries what a
 * poller learned before (router ids behind neighbour addresses, whether a default route ever existed). */
export function parseBabelDump(text: string, context: ParseContext, previous?: BabelState): { snapshot: MeshSnapshot; state: BabelState } {
  const state = BabelState.continuing(previous);
  if (previous?.myId !== undefined) state.myId = previous.myId;
  if (previous?.host !== undefined) state.host = previous.host;
  if (previous?.version !== undefined) state.version = previous.version;
  for (const line of text.split("\n")) state.apply(line);
  return { snapshot: state.snapshot(context), state };
}
