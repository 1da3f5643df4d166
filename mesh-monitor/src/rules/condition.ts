// One condition's life: inactive → pending → firing → recovering → inactive, with a hold time on both
// the way in and the way out. This is where hysteresis and flap damping live for every rule: while a
// firing alert's condition comes and goes faster than its resolve hold, it stays one firing alert.
import { fingerprintOf, notEnded, type AlertLabels, type MeshAlert } from "./alert.ts";
import { alertWording } from "./alertWording.ts";

export type Phase = "pending" | "firing" | "recovering";

export interface FrozenAlert {
  labels: Record<string, string>;
  summary: string;
  description: string;
}

export interface ConditionState {
  phase: Phase;
  /** When the current phase began, ms. */
  since: number;
  /** When it started firing, ms (set once firing). */
  firingSince?: number;
  /** Labels and annotations frozen at firing time. */
  frozen?: FrozenAlert;
  /** Of the frozen labels, computed once (not saved). */
  fingerprint?: string;
}

export interface Candidate {
  alertname: string;
  /** What it is about, unique within the alertname: a node id, a link key "a|b", a source, "mesh". */
  subject: string;
  /** The entry condition holds now. */
  enter: boolean;
  /** The exit condition holds now (for plain rules simply !enter; hysteresis rules use a separate threshold). */
  leave: boolean;
  enterForMs: number;
  leaveForMs: number;
  /** Evidence comes only from blind collectors: hold everything as it is. */
  suppressed?: boolean;
  /** Something bigger explains it (e.g. the node behind this link is down): do not start firing. */
  inhibited?: boolean;
  /** Built only when the alert starts firing (most candidates never do). */
  describe(): FrozenAlert;
}

// Alerts are built when asked for (transitions, /api/state), not kept: at thousands of firing alerts
// the frozen labels are memory enough.
function toAlert(state: ConditionState, status: MeshAlert["status"], endsAt: number | undefined): MeshAlert {
  const frozen = state.frozen ?? { labels: {}, summary: "", description: "" };
  const labels = frozen.labels as AlertLabels;
  return {
    fingerprint: (state.fingerprint ??= fingerprintOf(labels)),
    status,
    labels,
    annotations: { summary: frozen.summary, description: frozen.description, resolved_summary: alertWording(labels).resolved },
    startsAt: new Date(state.firingSince ?? state.since).toISOString(),
    endsAt: endsAt === undefined ? notEnded : new Date(endsAt).toISOString(),
  };
}

/** The firing form of a firing (or recovering) condition. */
function firingAlert(state: ConditionState): MeshAlert {
  return toAlert(state, "firing", undefined);
}

/** A firing alert whose exit condition does not hold: stepping it would change nothing, so rules skip
 * building its candidate (at 10,000 nodes most tracked alerts are like this on most cycles). */
export function staysFiring(conditions: ReadonlyMap<string, ConditionState>, subject: string, leave: boolean): boolean {
  return !leave && conditions.get(subject)?.phase === "firing";
}

/** Every condition, keyed alertname → subject, stepped in place once per evaluation. */
export class ConditionTable {
  private readonly byName = new Map<string, Map<string, ConditionState>>();
  /** Bumped on every change worth saving. */
  revision = 0;
  /** The earliest time a pending or recovering condition's hold ends (Infinity: none), for this evaluation. */
  nextDueAt = Number.POSITIVE_INFINITY;

  /** One alertname's conditions by subject; rules hold on to it for a whole pass. */
  of(alertname: string): ReadonlyMap<string, ConditionState> {
    let bySubject = this.byName.get(alertname);
    if (bySubject === undefined) this.byName.set(alertname, (bySubject = new Map()));
    return bySubject;
  }

  get(alertname: string, subject: string): ConditionState | undefined {
    return this.byName.get(alertname)?.get(subject);
  }

  tracked(alertname: string, subject: string): boolean {
    return this.get(alertname, subject) !== undefined;
  }

  set(alertname: string, subject: string, state: ConditionState): void {
    (this.of(alertname) as Map<string, ConditionState>).set(subject, state);
  }

  private delete(alertname: string, subject: string): void {
    this.byName.get(alertname)?.delete(subject);
  }

  *entries(): Generator<[alertname: string, subject: string, state: ConditionState]> {
    for (const [alertname, bySubject] of this.byName) for (const [subject, state] of bySubject) yield [alertname, subject, state];
  }

  /** Firing (and recovering) alerts. */
  active(): MeshAlert[] {
    const alerts: MeshAlert[] = [];
    for (const bySubject of this.byName.values()) for (const state of bySubject.values()) if (state.phase !== "pending") alerts.push(firingAlert(state));
    return alerts;
  }

  /** Advances one condition by one evaluation; a transition (firing or resolved) is pushed to `transitions`. */
  step(candidate: Candidate, now: number, transitions: MeshAlert[]): void {
    const { alertname, subject } = candidate;
    const previous = this.get(alertname, subject);
    // Nothing holds and nothing is tracked: the common case, no work.
    if (previous === undefined && !candidate.enter) return;
    if (candidate.suppressed === true) return;
    const canEnter = candidate.enter && candidate.inhibited !== true;
    if (previous === undefined) {
      if (!canEnter) return;
      if (candidate.enterForMs <= 0) return this.fire(candidate, now, transitions);
      this.set(alertname, subject, { phase: "pending", since: now });
      this.revision++;
      return this.due(now + candidate.enterForMs);
    }
    switch (previous.phase) {
      case "pending":
        if (!canEnter) {
          this.delete(alertname, subject);
          this.revision++;
          return;
        }
        if (now - previous.since >= candidate.enterForMs) return this.fire(candidate, now, transitions);
        return this.due(previous.since + candidate.enterForMs);
      case "firing":
        if (!candidate.leave) return;
        if (candidate.leaveForMs <= 0) return this.resolve(candidate, previous, now, transitions);
        previous.phase = "recovering";
        previous.since = now;
        this.revision++;
        return this.due(now + candidate.leaveForMs);
      case "recovering":
        if (!candidate.leave) {
          previous.phase = "firing";
          previous.since = now;
          this.revision++;
          return;
        }
        if (now - previous.since >= candidate.leaveForMs) return this.resolve(candidate, previous, now, transitions);
        return this.due(previous.since + candidate.leaveForMs);
    }
  }

  private fire(candidate: Candidate, now: number, transitions: MeshAlert[]): void {
    const state: ConditionState = { phase: "firing", since: now, firingSince: now, frozen: candidate.describe() };
    this.set(candidate.alertname, candidate.subject, state);
    this.revision++;
    transitions.push(firingAlert(state));
  }

  private resolve(candidate: Candidate, state: ConditionState, now: number, transitions: MeshAlert[]): void {
    this.delete(candidate.alertname, candidate.subject);
    this.revision++;
    transitions.push(toAlert(state, "resolved", now));
  }

  private due(at: number): void {
    if (at < this.nextDueAt) this.nextDueAt = at;
  }
}
