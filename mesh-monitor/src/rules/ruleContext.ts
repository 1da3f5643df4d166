// What every rule reads: the folded knowledge, this cycle's readings, and a few derived facts computed
// once (which nodes are silent, which are still seen by neighbours).
import type { RulesConfig } from "./config.ts";
import type { ConditionState, Candidate } from "./condition.ts";
import type { FoldResult, Knowledge } from "./meshView.ts";

export interface RuleContext {
  now: number;
  config: RulesConfig;
  knowledge: Knowledge;
  current: FoldResult["current"];
  blind: ReadonlySet<string>;
  uplinkUp?: boolean;
  /** alertname → subject → state; keyed in two levels so lookups reuse the (hash-cached) id strings. */
  conditions: Readonly<Record<string, Record<string, ConditionState>>>;
  /** Nodes unheard for longer than the silence limit (or reported offline by their collector). */
  silent: ReadonlySet<string>;
  /** Silent nodes that a neighbour still links to at a usable quality: agent down, node alive. */
  stillSeenByNeighbours: ReadonlySet<string>;
  /** Routers whose own agent (their babeld socket, their push) is failing right now. */
  agentFailing: ReadonlySet<string>;
  displayName(id: string): string;
  /** "the source" label: one collector by name, or "mesh" when several agree. */
  sourceLabel(sources: readonly string[]): string;
}

export type Rule = (context: RuleContext) => Candidate[];

export const seconds = (value: number): number => value * 1000;

/** Adds a candidate only if it matters: its condition holds, or an alert for it is pending or firing.
 * At 10,000 healthy nodes this keeps the per-cycle work to a few lookups per node. */
export function offer(context: RuleContext, candidates: Candidate[], candidate: Candidate): void {
  if (candidate.enter || context.conditions[candidate.alertname]?.[candidate.subject] !== undefined) candidates.push(candidate);
}

export function tracked(context: RuleContext, alertname: string, subject: string): boolean {
  return context.conditions[alertname]?.[subject] !== undefined;
}
