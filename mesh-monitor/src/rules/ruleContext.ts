// What every rule reads: the knowledge (whose records carry this cycle's readings), a few derived facts
// computed once per evaluation (which nodes are silent, which are still seen by neighbours), and
// `offer`, through which a rule hands each candidate to the condition table.
import type { RulesConfig } from "./config.ts";
import type { Candidate, ConditionTable } from "./condition.ts";
import type { Knowledge, KnownNode } from "./knowledge.ts";

export interface RuleContext {
  now: number;
  config: RulesConfig;
  knowledge: Knowledge;
  conditions: ConditionTable;
  blind: ReadonlySet<string>;
  /** Nodes announcing a way to the internet now. */
  gatewaysNow: ReadonlySet<string>;
  uplinkUp?: boolean;
  /** Nodes unheard for longer than the silence limit (or reported offline by their collector). */
  silent: ReadonlySet<string>;
  /** Silent nodes that a neighbour still links to at a usable quality: agent down, node alive. */
  stillSeenByNeighbours: ReadonlySet<string>;
  /** Routers whose own agent (their babeld socket, their push) is failing right now. */
  agentFailing: ReadonlySet<string>;
  /** A healthy collector lists this node in this cycle. */
  listedNow(node: KnownNode | undefined): boolean;
  displayName(id: string): string;
  /** "the source" label: one collector by name, or "mesh" when several agree. */
  sourceLabel(sources: readonly string[]): string;
  /** Steps the candidate's condition if it matters: its condition holds, or an alert for it is pending
   * or firing. At 10,000 healthy nodes this keeps the per-cycle work to a few lookups per node. */
  offer(candidate: Candidate): void;
}

export type Rule = (context: RuleContext) => void;

export const seconds = (value: number): number => value * 1000;
