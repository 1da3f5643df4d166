// olsrd v1 jsoninfo (lib/jsoninfo) and txtinfo → snapshot. Both are read into the same tables first.
// Costs: see olsrCost.ts (ETX floats since 0.9.5, ×1024 fixed point before; txtinfo always prints ETX).
// Gateways: smart-gateway list when present, else HNA 0.0.0.0/0 or ::/0; uplink from a selected
// gateway or an installed default route.
import type { MeshLink, MeshNode, MeshSnapshot } from "../model.ts";
import { FieldReader, clamp01, type JsonObject } from "./fieldReader.ts";
import { detectOlsrCostEncoding, etxQuality, olsrEtx, type OlsrCostEncoding } from "./olsrCost.ts";
import type { ParseContext } from "./parseContext.ts";
import { TelemetryError } from "./telemetryError.ts";

const reader: FieldReader = new FieldReader(
  'olsrd jsoninfo (/all, /runtime or /topology…): {"topology": [{"lastHopIP", "destinationIP", "linkQuality", "neighborLinkQuality", "tcEdgeCost"}], "links", "mid", "hna", "routes", "gateways", "config", "version"}',
);
const TXT_ACCEPTED = "olsrd txtinfo: `Table: <name>` blocks (Links, Neighbors, Topology, HNA, MID, Routes) of tab-separated rows";

interface Edge {
  from: string;
  to: string;
  lq?: number;
  nlq?: number;
  /** As reported (encoding decided later) — except txtinfo, which always prints ETX. */
  cost: number;
  lost?: boolean;
}

interface OlsrTables {
  selfIp?: string;
  versionText?: string;
  topology: Edge[];
  links: Edge[];
  mainByAlias: Map<string, string>;
  mains: string[];
  defaultHnaGateways: string[];
  selfAnnouncesDefault: boolean;
  hasDefaultRoute?: boolean;
  smartGateways?: { originator: string; selected: boolean }[];
  /** txtinfo prints ETX floats whatever the version. */
  fixedEncoding?: OlsrCostEncoding;
}

export interface OlsrOptions {
  /** Pin the encoding once known for this source; otherwise detected from version and numbers. */
  costEncoding?: OlsrCostEncoding;
}

export function parseOlsrJsoninfo(value: unknown, context: ParseContext, options: OlsrOptions = {}): MeshSnapshot & { costEncoding: OlsrCostEncoding } {
  return tablesToSnapshot(readJsoninfo(reader.object(value, "the document")), context, options);
}

export function parseOlsrTxtinfo(text: string, context: ParseContext): MeshSnapshot & { costEncoding: OlsrCostEncoding } {
  return tablesToSnapshot(readTxtinfo(text), context, {});
}

const isDefault = (destination: string, prefixLength: number) => prefixLength === 0 && (destination === "0.0.0.0" || destination === "::");

function readJsoninfo(root: JsonObject): OlsrTables {
  const known = ["topology", "links", "neighbors", "mid", "hna", "routes", "gateways", "config", "version"];
  if (!known.some((key) => key in root)) reader.fail("unknown_format", `none of ${known.join(", ")} is present`);
  const config = reader.optObject(root.config, "config");
  const version = reader.optObject(root.version, "version");
  const tables: OlsrTables = {
    topology: [],
    links: [],
    mainByAlias: new Map(),
    mains: [],
    defaultHnaGateways: [],
    selfAnnouncesDefault: false,
  };
  const selfIp = reader.optString(config?.mainIp ?? config?.mainIpAddress, "config", "mainIp");
  if (selfIp !== undefined) tables.selfIp = selfIp;
  const versionText =
    reader.optString(version?.releaseVersion, "version", "releaseVersion") ??
    reader.optString(version?.version, "version", "version") ??
    reader.optString(config?.olsrdVersion, "config", "olsrdVersion");
  if (versionText !== undefined) tables.versionText = versionText;

  (reader.optArray(root.topology, "topology") ?? []).forEach((item, i) => {
    const at = `topology[${i}]`;
    const raw = reader.object(item, at);
    tables.topology.push(
      edge(raw, at, reader.id(raw.lastHopIP, at, "lastHopIP"), reader.id(raw.destinationIP, at, "destinationIP"), raw.tcEdgeCost, "tcEdgeCost"),
    );
  });
  (reader.optArray(root.links, "links") ?? []).forEach((item, i) => {
    const at = `links[${i}]`;
    const raw = reader.object(item, at);
    const link = edge(raw, at, reader.id(raw.localIP, at, "localIP"), reader.id(raw.remoteIP, at, "remoteIP"), raw.linkCost, "linkCost");
    const status = reader.optString(raw.currentLinkStatus, at, "currentLinkStatus");
    if (status === "LOST") link.lost = true;
    tables.links.push(link);
  });
  (reader.optArray(root.mid, "mid") ?? []).forEach((item, i) => {
    const at = `mid[${i}]`;
    const raw = reader.object(item, at);
    // Old layout: {ipAddress, aliases}; newer: {main: {ipAddress}, aliases}.
    const mainObject = reader.optObject(raw.main, at, "main");
    const main = reader.id(mainObject ? mainObject.ipAddress : raw.ipAddress, at, mainObject ? "main.ipAddress" : "ipAddress");
    tables.mains.push(main);
    (reader.optArray(raw.aliases, at, "aliases") ?? []).forEach((alias, j) => {
      const aliasAt = `${at}.aliases[${j}]`;
      const address = typeof alias === "string" ? alias : reader.id(reader.object(alias, aliasAt).ipAddress, aliasAt, "ipAddress");
      tables.mainByAlias.set(address, main);
    });
  });
  const readHna = (list: unknown[] | undefined, at: string, own: boolean) =>
    (list ?? []).forEach((item, i) => {
      const raw = reader.object(item, `${at}[${i}]`);
      const destination = reader.string(raw.destination, `${at}[${i}]`, "destination");
      const prefixLength = reader.number(raw.genmask ?? raw.prefixLength, `${at}[${i}]`, "genmask");
      if (!isDefault(destination, prefixLength)) return;
      if (own) tables.selfAnnouncesDefault = true;
      else tables.defaultHnaGateways.push(reader.id(raw.gateway, `${at}[${i}]`, "gateway"));
    });
  readHna(reader.optArray(root.hna, "hna"), "hna", false);
  readHna(reader.optArray(config?.hna, "config", "hna"), "config.hna", true);
  const routes = reader.optArray(root.routes, "routes");
  if (routes !== undefined) {
    tables.hasDefaultRoute = routes.some((item, i) => {
      const raw = reader.object(item, `routes[${i}]`);
      return isDefault(reader.string(raw.destination, `routes[${i}]`, "destination"), reader.number(raw.genmask, `routes[${i}]`, "genmask"));
    });
  }
  if (root.gateways !== undefined && root.gateways !== null) tables.smartGateways = readSmartGateways(root.gateways);
  return tables;
}

function edge(raw: JsonObject, at: string, from: string, to: string, cost: unknown, costKey: string): Edge {
  const result: Edge = { from, to, cost: reader.number(cost, at, costKey) };
  const lq = reader.optNumber(raw.linkQuality, at, "linkQuality");
  const nlq = reader.optNumber(raw.neighborLinkQuality, at, "neighborLinkQuality");
  if (lq !== undefined) result.lq = lq;
  if (nlq !== undefined) result.nlq = nlq;
  return result;
}

/** jsoninfo ≥ 0.9: {ipv4: [...], ipv6: [...]}; older: a flat array. Entries name the originator. */
function readSmartGateways(value: unknown): { originator: string; selected: boolean }[] {
  const lists = Array.isArray(value)
    ? [["gateways", value] as const]
    : Object.entries(reader.object(value, "gateways")).filter((entry): entry is [string, unknown[]] => Array.isArray(entry[1]));
  const result: { originator: string; selected: boolean }[] = [];
  for (const [name, list] of lists) {
    list.forEach((item, i) => {
      const at = `${name === "gateways" ? "gateways" : `gateways.${name}`}[${i}]`;
      const raw = reader.object(item, at);
      const originator = reader.id(raw.originator ?? raw.ipAddress, at, "originator");
      const selected = reader.optBoolean(raw.selected, at, "selected") === true || raw.ipv4Status === "selected" || raw.ipv6Status === "selected";
      result.push({ originator, selected });
    });
  }
  return result;
}

/** txtinfo: `Table: Name`, a header row, then tab-separated rows until a blank line. */
function readTxtinfo(text: string): OlsrTables {
  const tables: OlsrTables = {
    topology: [],
    links: [],
    mainByAlias: new Map(),
    mains: [],
    defaultHnaGateways: [],
    selfAnnouncesDefault: false,
    fixedEncoding: "etx",
  };
  const blocks = new Map<string, string[][]>();
  let current: string[][] | undefined;
  let header = false;
  for (const line of text.split("\n")) {
    const title = /^Table: (\w+)/.exec(line);
    if (title) {
      current = [];
      blocks.set(title[1]!, current);
      header = true;
    } else if (line.trim() === "") current = undefined;
    else if (current && header) header = false;
    else if (current) current.push(line.split("\t"));
    else throw new TelemetryError("malformed", `the line "${line.slice(0, 60)}" is outside any "Table:" block`, TXT_ACCEPTED);
  }
  if (blocks.size === 0) throw new TelemetryError("unknown_format", "no `Table:` block found", TXT_ACCEPTED);
  const number = (cell: string | undefined, what: string) => {
    const value = Number(cell);
    if (cell === undefined || cell.trim() === "" || !Number.isFinite(value)) {
      throw new TelemetryError(/nan|inf/i.test(cell ?? "") ? "not_finite" : "wrong_type", `${what} is "${cell ?? ""}", expected a number`, TXT_ACCEPTED);
    }
    return value;
  };
  const cell = (row: string[], index: number, what: string) => {
    const value = row[index]?.trim();
    if (!value) throw new TelemetryError("missing_field", `a ${what} row has no column ${index + 1}`, TXT_ACCEPTED);
    return value;
  };
  for (const row of blocks.get("Links") ?? []) {
    tables.links.push({
      from: cell(row, 0, "Links"),
      to: cell(row, 1, "Links"),
      lq: number(row[3], "Links LQ"),
      nlq: number(row[4], "Links NLQ"),
      cost: number(row[5], "Links Cost"),
    });
  }
  for (const row of blocks.get("Topology") ?? []) {
    tables.topology.push({
      from: cell(row, 1, "Topology"),
      to: cell(row, 0, "Topology"),
      lq: number(row[2], "Topology LQ"),
      nlq: number(row[3], "Topology NLQ"),
      cost: number(row[4], "Topology Cost"),
    });
  }
  for (const row of blocks.get("MID") ?? []) {
    const main = cell(row, 0, "MID");
    tables.mains.push(main);
    for (const alias of (row[1] ?? "").split(";").filter(Boolean)) tables.mainByAlias.set(alias.trim(), main);
  }
  for (const row of blocks.get("HNA") ?? []) {
    const [destination, length] = cell(row, 0, "HNA").split("/");
    if (isDefault(destination ?? "", Number(length))) tables.defaultHnaGateways.push(cell(row, 1, "HNA"));
  }
  if (blocks.has("Routes")) {
    tables.hasDefaultRoute = (blocks.get("Routes") ?? []).some((row) => {
      const [destination, length] = cell(row, 0, "Routes").split("/");
      return isDefault(destination ?? "", Number(length));
    });
  }
  // txtinfo has no "main address" line: the local side of the Links table is this router.
  const localIp = tables.links[0]?.from;
  if (localIp !== undefined) tables.selfIp = localIp;
  return tables;
}

function tablesToSnapshot(tables: OlsrTables, context: ParseContext, options: OlsrOptions): MeshSnapshot & { costEncoding: OlsrCostEncoding } {
  const main = (address: string) => tables.mainByAlias.get(address) ?? address;
  const self = tables.selfIp !== undefined ? main(tables.selfIp) : undefined;
  const encoding =
    options.costEncoding ??
    tables.fixedEncoding ??
    detectOlsrCostEncoding(
      tables.versionText,
      [...tables.topology, ...tables.links].map((edge) => edge.cost),
    );
  const nodes = new Map<string, MeshNode>();
  const touch = (id: string) => {
    if (!nodes.has(id)) nodes.set(id, { id, lastSeen: context.collectedAt });
  };
  if (self !== undefined) touch(self);
  for (const id of tables.mains) touch(id);
  const links = new Map<string, MeshLink>();
  const add = (edge: Edge, from: string) => {
    const source = main(from);
    const target = main(edge.to);
    touch(source);
    touch(target);
    const etx = olsrEtx(edge.cost, encoding);
    const quality = edge.lost ? 0 : edge.lq !== undefined && edge.nlq !== undefined ? clamp01(edge.lq * edge.nlq) : etxQuality(etx);
    links.set(`${source}\u0000${target}`, { source, target, quality, cost: etx });
  };
  for (const edge of tables.topology) add(edge, edge.from);
  // The local link table is this router's own measurement: it wins over the flooded topology.
  for (const edge of tables.links) add(edge, self ?? edge.from);
  const gateways = new Set<string>(tables.defaultHnaGateways.map(main));
  if (tables.selfAnnouncesDefault && self !== undefined) gateways.add(self);
  for (const gateway of tables.smartGateways ?? []) gateways.add(main(gateway.originator));
  // Strongest evidence first: a smart-gateway choice, then the routing table, then mere announcements.
  const uplinkUp =
    tables.smartGateways !== undefined && tables.smartGateways.length > 0
      ? tables.smartGateways.some((gateway) => gateway.selected) || tables.selfAnnouncesDefault
      : tables.hasDefaultRoute === true || tables.selfAnnouncesDefault
        ? true
        : gateways.size > 0
          ? tables.hasDefaultRoute === undefined // announced, and no routing table to contradict it
          : undefined; // no sign of any uplink in this mesh: nothing to lose
  for (const id of gateways) touch(id);
  return {
    source: context.source,
    protocol: "olsr",
    collectedAt: context.collectedAt,
    nodes: [...nodes.values()],
    links: [...links.values()],
    gateways: [...gateways],
    ...(uplinkUp !== undefined ? { uplinkUp } : {}),
    costEncoding: encoding,
  };
}
