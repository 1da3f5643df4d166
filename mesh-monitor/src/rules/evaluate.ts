// The rules, as one pure step: previous state + this cycle's collector reports + now + config →
// new state + alert transitions (firing, resolved) + the merged view of the mesh.
import { fingerprintOf, notEnded, type AlertLabels, type MeshAlert, type Severity } from "./alert.ts";
import type { RulesConfig } from "./config.ts";
import { stepCondition, type Candidate, type ConditionState } from "./condition.ts";
import { collectorBlindRule } from "./collectorRules.ts";
import { linkRule } from "./linkRules.ts";
import { emptyKnowledge, foldReports, type Knowledge, type MergedNode, type MeshView, type NodeStatus, type SourceReport } from "./meshView.ts";
import { newNodeRule, nodeDownRule } from "./nodeRules.ts";
import { resourceRule } from "./resourceRules.ts";
import { seconds, type Rule, type RuleContext } from "./ruleContext.ts";
import { uplinkRule } from "./uplinkRules.ts";

export interface RuleState {
  knowledge: Knowledge;
  /** alertname → subject → condition. */
  conditions: Record<string, Record<string, ConditionState>>;
}

export interface RuleResult {
  state: RuleState;
  /** Alerts that started firing or resolved in this step. */
  transitions: MeshAlert[];
  /** Every alert firing after this step. */
  active: MeshAlert[];
  view: MeshView;
}

/** Each rule is one entry; adding a rule is adding a line. */
export const rules: readonly Rule[] = [nodeDownRule, newNodeRule, linkRule, uplinkRule, resourceRule, collectorBlindRule];

function toAlert(state: ConditionState, status: MeshAlert["status"], endsAt: number | undefined): MeshAlert {
  const frozen = state.frozen ?? { labels: {}, summary: "", description: "" };
  const labels = frozen.labels as AlertLabels;
  return {
    fingerprint: fingerprintOf(labels),
    status,
    labels,
    annotations: { summary: frozen.summary, description: frozen.description },
    startsAt: new Date(state.firingSince ?? state.since).toISOString(),
    endsAt: endsAt === undefined ? notEnded : new Date(endsAt).toISOString(),
  };
}

function buildContext(knowledge: Knowledge, fold: ReturnType<typeof foldReports>, conditions: Record<string, Record<string, ConditionState>>, now: number, config: RulesConfig): RuleContext {
  const silenceMs = seconds(config.nodeDown.silenceSeconds);
  const silent = new Set<string>();
  for (const [id, node] of Object.entries(knowledge.nodes)) {
    const reading = fold.current.nodes.get(id);
    if (now - node.lastSeen > silenceMs || reading?.reportedOnline === false) silent.add(id);
  }
  // A router whose own agent (its babeld socket, its push) has been unreachable for the silence limit is
  // silent too, even while other routers still list it from their routing tables.
  for (const known of Object.values(knowledge.sources)) {
    if (known.reporterNodeId !== undefined && known.failingSince !== undefined && now - known.failingSince >= silenceMs) silent.add(known.reporterNodeId);
  }
  const agentFailing = new Set<string>();
  for (const [source, known] of Object.entries(knowledge.sources)) {
    if (known.reporterNodeId !== undefined && fold.blind.has(source)) agentFailing.add(known.reporterNodeId);
  }
  const stillSeenByNeighbours = new Set<string>();
  for (const link of fold.current.links.values()) {
    if (link.quality < config.nodeDown.neighbourQualityAlive) continue;
    // A silent node's own report of its links proves nothing; a healthy neighbour's does.
    if (silent.has(link.target) && !silent.has(link.source)) stillSeenByNeighbours.add(link.target);
    if (silent.has(link.source) && !silent.has(link.target)) stillSeenByNeighbours.add(link.source);
  }
  return {
    now,
    config,
    knowledge,
    current: fold.current,
    blind: fold.blind,
    uplinkUp: fold.uplinkUp,
    conditions,
    silent,
    stillSeenByNeighbours,
    agentFailing,
    displayName: (id) => knowledge.nodes[id]?.name ?? id,
    sourceLabel: (sources) => (sources.length === 1 ? (sources[0] ?? "mesh") : "mesh"),
  };
}

function nodeStatus(id: string, context: RuleContext): NodeStatus {
  const node = context.knowledge.nodes[id];
  if (node !== undefined && node.sources.length > 0 && node.sources.every((source) => context.blind.has(source))) return "unknown";
  if (!context.silent.has(id)) return "up";
  return context.stillSeenByNeighbours.has(id) ? "agent-silent" : "down";
}

function buildView(context: RuleContext, reports: readonly SourceReport[]): MeshView {
  const nodes: MergedNode[] = Object.entries(context.knowledge.nodes).map(([id, known]) => {
    const reading = context.current.nodes.get(id);
    return {
      id,
      name: known.name,
      lastSeen: known.lastSeen,
      firstSeen: known.firstSeen,
      status: nodeStatus(id, context),
      gateway: context.current.gateways.has(id),
      resources: reading?.resources,
      location: reading?.location,
      info: reading?.info,
      sources: known.sources,
    };
  });
  const links = Object.entries(context.knowledge.links).map(([key, known]) => {
    const reading = context.current.links.get(key);
    const present = reading !== undefined && reading.quality > 0;
    return { key, source: known.source, target: known.target, present, quality: present ? reading.quality : undefined, cost: reading?.cost, sources: known.sources };
  });
  const sources = reports.map((report) => {
    const known = context.knowledge.sources[report.source];
    return { source: report.source, ok: report.ok, blind: context.blind.has(report.source), error: known?.lastError, lastOk: known?.lastOk, nodeCount: known?.nodeCount ?? 0 };
  });
  return { at: context.now, nodes, links, gateways: [...context.current.gateways], uplinkUp: context.uplinkUp, sources };
}

export function initialRuleState(now: number): RuleState {
  return { knowledge: emptyKnowledge(now), conditions: {} };
}

/** One evaluation. No I/O; the previous state is updated in place and returned (copying 10,000 nodes'
 * knowledge every cycle would cost more than evaluating them), so do not reuse it afterwards. */
export function evaluateRules(previous: RuleState | undefined, reports: readonly SourceReport[], now: number, config: RulesConfig): RuleResult {
  const before = previous ?? initialRuleState(now);
  const fold = foldReports(before.knowledge, reports, now);
  const context = buildContext(fold.knowledge, fold, before.conditions, now, config);
  const candidates: Candidate[] = rules.flatMap((rule) => rule(context));
  const conditions = before.conditions;
  const transitions: MeshAlert[] = [];
  for (const candidate of candidates) {
    const byName = (conditions[candidate.alertname] ??= {});
    const step = stepCondition(byName[candidate.subject], candidate, now);
    if (step.next === undefined) delete byName[candidate.subject];
    else byName[candidate.subject] = step.next;
    if (step.fired === true) transitions.push(toAlert(step.next, "firing", undefined));
    if (step.resolved !== undefined) transitions.push(toAlert(step.resolved, "resolved", now));
  }
  const active = Object.values(conditions)
    .flatMap((byName) => Object.values(byName))
    .filter((state) => state.phase !== "pending")
    .map((state) => toAlert(state, "firing", undefined));
  return { state: { knowledge: fold.knowledge, conditions }, transitions, active, view: buildView(context, reports) };
}

export type { Severity };
