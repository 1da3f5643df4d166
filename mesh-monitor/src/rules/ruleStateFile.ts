// The rule state on disk, so a monitor restart neither re-fires every alert nor announces every node as
// new: what was learned (nodes with first/last seen, links, gateways, collectors) and every pending or
// firing condition with its frozen labels (a later "resolved" carries the same fingerprint). Compact
// JSON, written atomically (temp file, fsync, rename): a crash leaves the old file or the new one,
// never half of one. A file that cannot be read is set aside (`.unreadable`) and the monitor starts fresh.
import { existsSync, readFileSync, renameSync } from "node:fs";
import { mkdir, open, rename } from "node:fs/promises";
import { dirname } from "node:path";
import { ConditionTable, type ConditionState, type FrozenAlert, type Phase } from "./condition.ts";
import type { RuleState } from "./evaluate.ts";
import { Knowledge, type KnownSource } from "./knowledge.ts";
import { isJsonObject } from "../../../common/jsonObject.ts";

const FORMAT = "blockshare-mesh-rule-state";
const VERSION = 1;

type SavedNode = [id: string, name: string | null, firstSeen: number, lastSeen: number, sources: string[]];
type SavedLink = [source: string, target: string, lastSeen: number, sources: string[]];
type SavedCondition = [alertname: string, subject: string, phase: Phase, since: number, firingSince: number | null, frozen: FrozenAlert | null];

interface SavedRuleState {
  format: typeof FORMAT;
  version: typeof VERSION;
  savedAt: string;
  baselineAt: number;
  uplinkEverKnown: boolean;
  nodes: SavedNode[];
  links: SavedLink[];
  gateways: [id: string, lastSeen: number][];
  sources: [name: string, known: KnownSource][];
  conditions: SavedCondition[];
}

export class RuleStateFileError extends Error {
  override name = "RuleStateFileError";
}

export function serializeRuleState(state: RuleState, now: number): string {
  const { knowledge, conditions } = state;
  const saved: SavedRuleState = {
    format: FORMAT,
    version: VERSION,
    savedAt: new Date(now).toISOString(),
    baselineAt: knowledge.baselineAt,
    uplinkEverKnown: knowledge.uplinkEverKnown,
    nodes: knowledge.nodeList.map((node) => [node.id, node.name ?? null, node.firstSeen, node.lastSeen, [...node.sources]]),
    links: knowledge.linkList.map((link) => [link.source, link.target, link.lastSeen, [...link.sources]]),
    gateways: [...knowledge.gateways],
    sources: [...knowledge.sources],
    conditions: [...conditions.entries()].map(([alertname, subject, condition]) => [
      alertname,
      subject,
      condition.phase,
      condition.since,
      condition.firingSince ?? null,
      condition.frozen ?? null,
    ]),
  };
  return JSON.stringify(saved);
}

// Strict reading: a damaged file is refused as a whole, with the place that is wrong.
const fail = (where: string, what: string): never => {
  throw new RuleStateFileError(`${where} ${what}`);
};
const text = (value: unknown, where: string): string => (typeof value === "string" ? value : fail(where, "is not text"));
const time = (value: unknown, where: string): number => (typeof value === "number" && Number.isFinite(value) ? value : fail(where, "is not a time in ms"));
const list = (value: unknown, where: string): unknown[] => (Array.isArray(value) ? value : fail(where, "is not a list"));
const texts = (value: unknown, where: string): string[] => list(value, where).map((item, i) => text(item, `${where}[${i}]`));
const tuple = (value: unknown, length: number, where: string): unknown[] => {
  const items = list(value, where);
  return items.length === length ? items : fail(where, `has ${items.length} fields, expected ${length}`);
};

function readSource(value: unknown, where: string): KnownSource {
  if (!isJsonObject(value)) return fail(where, "is not an object");
  const known: KnownSource = { nodeCount: time(value.nodeCount, `${where}.nodeCount`) };
  if (value.failingSince !== undefined) known.failingSince = time(value.failingSince, `${where}.failingSince`);
  if (value.lastOk !== undefined) known.lastOk = time(value.lastOk, `${where}.lastOk`);
  if (value.lastError !== undefined) known.lastError = text(value.lastError, `${where}.lastError`);
  if (value.reporterNodeId !== undefined) known.reporterNodeId = text(value.reporterNodeId, `${where}.reporterNodeId`);
  return known;
}

function readFrozen(value: unknown, where: string): FrozenAlert {
  if (!isJsonObject(value) || !isJsonObject(value.labels)) return fail(where, "is not {labels, summary, description}");
  const labels: Record<string, string> = {};
  for (const [key, label] of Object.entries(value.labels)) labels[key] = text(label, `${where}.labels.${key}`);
  return { labels, summary: text(value.summary, `${where}.summary`), description: text(value.description, `${where}.description`) };
}

/** The saved text → rule state, as of `now`. Pending conditions start their hold again (nothing was
 * watched while the monitor was down) and recovering ones count as firing, so recovery is judged on
 * what the restarted monitor sees; firing alerts stay firing, with the labels they fired with. */
export function restoreRuleState(saved: string, now: number): RuleState {
  let raw: unknown;
  try {
    raw = JSON.parse(saved);
  } catch (error) {
    throw new RuleStateFileError(`is not JSON (${(error as Error).message})`);
  }
  if (!isJsonObject(raw) || raw.format !== FORMAT) return fail("the file", `is not a ${FORMAT} file`);
  if (raw.version !== VERSION) return fail("version", `is ${JSON.stringify(raw.version)}; this monitor reads version ${VERSION}`);
  const knowledge = new Knowledge(time(raw.baselineAt, "baselineAt"));
  knowledge.uplinkEverKnown = raw.uplinkEverKnown === true;
  list(raw.nodes, "nodes").forEach((value, i) => {
    const [id, name, firstSeen, lastSeen, sources] = tuple(value, 5, `nodes[${i}]`);
    knowledge.addNode(
      text(id, `nodes[${i}][0]`),
      name === null ? undefined : text(name, `nodes[${i}][1]`),
      time(firstSeen, `nodes[${i}][2]`),
      time(lastSeen, `nodes[${i}][3]`),
      texts(sources, `nodes[${i}][4]`),
    );
  });
  list(raw.links, "links").forEach((value, i) => {
    const [source, target, lastSeen, sources] = tuple(value, 4, `links[${i}]`);
    knowledge.addLink(text(source, `links[${i}][0]`), text(target, `links[${i}][1]`), time(lastSeen, `links[${i}][2]`), texts(sources, `links[${i}][3]`));
  });
  list(raw.gateways, "gateways").forEach((value, i) => {
    const [id, lastSeen] = tuple(value, 2, `gateways[${i}]`);
    knowledge.gateways.set(text(id, `gateways[${i}][0]`), time(lastSeen, `gateways[${i}][1]`));
  });
  list(raw.sources, "sources").forEach((value, i) => {
    const [name, known] = tuple(value, 2, `sources[${i}]`);
    knowledge.sources.set(text(name, `sources[${i}][0]`), readSource(known, `sources[${i}][1]`));
  });
  const conditions = new ConditionTable();
  list(raw.conditions, "conditions").forEach((value, i) => {
    const where = `conditions[${i}]`;
    const [alertname, subject, phase, since, firingSince, frozen] = tuple(value, 6, where);
    if (phase !== "pending" && phase !== "firing" && phase !== "recovering") return fail(`${where}[2]`, "is not pending, firing or recovering");
    time(since, `${where}[3]`);
    if (phase === "pending") return;
    const state: ConditionState = { phase: "firing", since: now, firingSince: time(firingSince, `${where}[4]`), frozen: readFrozen(frozen, `${where}[5]`) };
    conditions.set(text(alertname, `${where}[0]`), text(subject, `${where}[1]`), state);
  });
  knowledge.revision = 0;
  return { knowledge, conditions };
}

/** Reads the state file; undefined when there is none yet. A file that cannot be used is renamed to
 * `<file>.unreadable` (kept for a look) and reported through `log`. */
export function loadRuleState(file: string, now: number, log: (message: string) => void = () => {}): RuleState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return restoreRuleState(readFileSync(file, "utf8"), now);
  } catch (error) {
    const reason = error instanceof RuleStateFileError ? error.message : (error as Error).message;
    log(`mesh-monitor: ignoring the saved rule state ${file}: ${reason}; starting fresh (kept as ${file}.unreadable)`);
    try {
      renameSync(file, `${file}.unreadable`);
    } catch {
      // Leave it; the next save replaces it.
    }
    return undefined;
  }
}

/** Writes atomically: a temp file beside it, flushed to disk, then renamed over the old one. One write
 * per file at a time (the monitor chains them). */
export async function writeFileAtomically(file: string, contents: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  const handle = await open(temporary, "w", 0o600);
  try {
    await handle.writeFile(contents);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
}

/** Saved at once after an alert fires or resolves; other changes at most every 10 s; at least every
 * 5 minutes (last-seen times); one write at a time. */
export class RuleStateSaver {
  private static readonly MIN_GAP_MS = 10_000;
  private static readonly MAX_GAP_MS = 5 * 60_000;
  private readonly file: string;
  private readonly log: (message: string) => void;
  private saved: { at: number; knowledge: number; conditions: number };
  private writing: Promise<void> = Promise.resolve();

  constructor(file: string, log: (message: string) => void, loaded: RuleState | undefined, now: number) {
    this.file = file;
    this.log = log;
    this.saved =
      loaded === undefined
        ? { at: Number.NEGATIVE_INFINITY, knowledge: -1, conditions: -1 }
        : { at: now, knowledge: loaded.knowledge.revision, conditions: loaded.conditions.revision };
  }

  /** After an evaluation; `urgent` when alerts changed. */
  changed(state: RuleState, now: number, urgent: boolean): void {
    const changed = state.knowledge.revision !== this.saved.knowledge || state.conditions.revision !== this.saved.conditions;
    const age = now - this.saved.at;
    if (urgent || (changed && age >= RuleStateSaver.MIN_GAP_MS) || age >= RuleStateSaver.MAX_GAP_MS) this.save(state, now);
  }

  /** Saves now and waits for every write. */
  async flush(state: RuleState, now: number): Promise<void> {
    this.save(state, now);
    await this.writing;
  }

  private save(state: RuleState, now: number): void {
    this.saved = { at: now, knowledge: state.knowledge.revision, conditions: state.conditions.revision };
    // Serialized now (the next evaluation changes the state), written after any write under way.
    const text = serializeRuleState(state, now);
    this.writing = this.writing
      .then(() => writeFileAtomically(this.file, text))
      .catch((error: unknown) => this.log(`mesh-monitor: could not save the rule state to ${this.file}: ${(error as Error).message}`));
  }
}
