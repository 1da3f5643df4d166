// The rules, as one pure step: previous state + this cycle's collector reports + now + config →
// new state + alert transitions (firing, resolved) + the merged view of the mesh.
import type { MeshAlert, Severity } from "./alert.ts";
import { markSimulated } from "./alertWording.ts";
import type { RulesConfig } from "./config.ts";
import { ConditionTable, type Candidate } from "./condition.ts";
import { collectorBlindRule } from "./collectorRules.ts";
import { foldReports, type FoldResult } from "./foldReports.ts";
import { Knowledge } from "./knowledge.ts";
import { linkRule } from "./linkRules.ts";
import { onlyBlindEvidence, type MeshView, type SourceReport } from "./meshView.ts";
import { newNodeRule, nodeDownRule } from "./nodeRules.ts";
import { resourceRule } from "./resourceRules.ts";
import { seconds, type Rule, type RuleContext } from "./ruleContext.ts";
import { uplinkRule } from "./uplinkRules.ts";

export interface RuleState {
  knowledge: Knowledge;
  conditions: ConditionTable;
}

export interface RuleResult {
  state: RuleState;
  /** Alerts that started firing or resolved in this step. */
  transitions: MeshAlert[];
  /** Every alert firing after this step (built when read). */
  readonly active: MeshAlert[];
  view: MeshView;
  /** When a pending or recovering alert's hold time ends (undefined: none is waiting): evaluating again
   * then makes it fire or resolve on time rather than at the next collection. */
  nextDueAt?: number;
}

/** Each rule is one entry; adding a rule is adding a line. */
export const rules: readonly Rule[] = [nodeDownRule, newNodeRule, linkRule, uplinkRule, resourceRule, collectorBlindRule];

export function initialRuleState(now: number): RuleState {
  return { knowledge: new Knowledge(now), conditions: new ConditionTable() };
}

/** Steps candidates; those whose evidence is only simulated collectors fire labelled as simulated. */
function offerTo(
  conditions: ConditionTable,
  knowledge: Knowledge,
  simulatedSources: ReadonlySet<string>,
  now: number,
  transitions: MeshAlert[],
): (candidate: Candidate) => void {
  if (simulatedSources.size === 0) return (candidate) => conditions.step(candidate, now, transitions);
  // "mesh" is the label of evidence merged from several collectors (and of the uplink).
  const simulatedEvidence = (source: string | undefined): boolean =>
    source !== undefined &&
    (simulatedSources.has(source) || (source === "mesh" && [...knowledge.sources.keys()].every((known) => simulatedSources.has(known))));
  return (candidate) =>
    conditions.step(
      {
        ...candidate,
        describe: () => {
          const frozen = candidate.describe();
          return simulatedEvidence(frozen.labels.source) ? markSimulated(frozen) : frozen;
        },
      },
      now,
      transitions,
    );
}

function buildContext(
  state: RuleState,
  fold: FoldResult,
  now: number,
  config: RulesConfig,
  transitions: MeshAlert[],
  simulatedSources: ReadonlySet<string>,
): RuleContext {
  const { knowledge, conditions } = state;
  const cycle = knowledge.cycle;
  const silenceMs = seconds(config.nodeDown.silenceSeconds);
  const silent = new Set<string>();
  for (const node of knowledge.nodeList) {
    if (now - node.lastSeen > silenceMs || (node.listedIn === cycle && node.reportedOnline === false)) silent.add(node.id);
  }
  // A router whose own agent (its babeld socket, its push) has been unreachable for the silence limit is
  // silent too, even while other routers still list it from their routing tables.
  const agentFailing = new Set<string>();
  for (const [source, known] of knowledge.sources) {
    if (known.reporterNodeId === undefined) continue;
    if (known.failingSince !== undefined && now - known.failingSince >= silenceMs) silent.add(known.reporterNodeId);
    if (fold.blind.has(source)) agentFailing.add(known.reporterNodeId);
  }
  const stillSeenByNeighbours = new Set<string>();
  if (silent.size > 0) {
    const alive = config.nodeDown.neighbourQualityAlive;
    for (const link of knowledge.linkList) {
      if (!link.present || (link.quality ?? 0) < alive) continue;
      // A silent node's own report of its links proves nothing; a healthy neighbour's does.
      const sourceSilent = silent.has(link.source);
      const targetSilent = silent.has(link.target);
      if (targetSilent && !sourceSilent) stillSeenByNeighbours.add(link.target);
      if (sourceSilent && !targetSilent) stillSeenByNeighbours.add(link.source);
    }
  }
  return {
    now,
    config,
    knowledge,
    conditions,
    blind: fold.blind,
    gatewaysNow: fold.gateways,
    ...(fold.uplinkUp !== undefined ? { uplinkUp: fold.uplinkUp } : {}),
    silent,
    stillSeenByNeighbours,
    agentFailing,
    listedNow: (node) => node !== undefined && node.listedIn === cycle,
    displayName: (id) => knowledge.nodes.get(id)?.name ?? id,
    sourceLabel: (sources) => (sources.length === 1 ? (sources[0] ?? "mesh") : "mesh"),
    offer: offerTo(conditions, knowledge, simulatedSources, now, transitions),
  };
}

/** Each node's status and gateway flag for the view: "up" unless the rules' facts say otherwise. */
function markNodes(context: RuleContext): void {
  const { knowledge, blind } = context;
  for (const node of knowledge.nodeList) {
    node.status = "up";
    node.gateway = false;
  }
  for (const id of context.silent) {
    const node = knowledge.nodes.get(id);
    if (node !== undefined) node.status = context.stillSeenByNeighbours.has(id) ? "agent-silent" : "down";
  }
  if (blind.size > 0) for (const node of knowledge.nodeList) if (onlyBlindEvidence(node.sources, blind)) node.status = "unknown";
  for (const id of context.gatewaysNow) {
    const node = knowledge.nodes.get(id);
    if (node !== undefined) node.gateway = true;
  }
}

function buildView(context: RuleContext, reports: readonly SourceReport[]): MeshView {
  const { knowledge } = context;
  const sources = reports.map((report) => {
    const known = knowledge.sources.get(report.source);
    return {
      source: report.source,
      ok: report.ok,
      blind: context.blind.has(report.source),
      ...(known?.lastError !== undefined ? { error: known.lastError } : {}),
      ...(known?.lastOk !== undefined ? { lastOk: known.lastOk } : {}),
      nodeCount: known?.nodeCount ?? 0,
    };
  });
  return {
    at: context.now,
    nodes: knowledge.nodeList,
    links: knowledge.linkList,
    gateways: [...context.gatewaysNow],
    ...(context.uplinkUp !== undefined ? { uplinkUp: context.uplinkUp } : {}),
    sources,
  };
}

/** One evaluation. No I/O; the previous state is updated in place and returned (copying 10,000 nodes'
 * knowledge every cycle would cost more than evaluating them), so do not reuse it afterwards. */
export function evaluateRules(previous: RuleState | undefined, reports: readonly SourceReport[], now: number, config: RulesConfig): RuleResult {
  const state = previous ?? initialRuleState(now);
  const fold = foldReports(state.knowledge, reports, now);
  const transitions: MeshAlert[] = [];
  state.conditions.nextDueAt = Number.POSITIVE_INFINITY;
  const simulatedSources = new Set(reports.filter((report) => report.simulated === true).map((report) => report.source));
  const context = buildContext(state, fold, now, config, transitions, simulatedSources);
  for (const rule of rules) rule(context);
  markNodes(context);
  const nextDueAt = state.conditions.nextDueAt;
  const conditions = state.conditions;
  return {
    state,
    transitions,
    get active() {
      return conditions.active();
    },
    view: buildView(context, reports),
    ...(Number.isFinite(nextDueAt) ? { nextDueAt } : {}),
  };
}

export type { Severity };
