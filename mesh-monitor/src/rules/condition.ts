// One condition's life: inactive → pending → firing → recovering → inactive, with a hold time on both
// the way in and the way out. This is where hysteresis and flap damping live for every rule: while a
// firing alert's condition comes and goes faster than its resolve hold, it stays one firing alert.

export type Phase = "pending" | "firing" | "recovering";

export interface ConditionState {
  phase: Phase;
  /** When the current phase began, ms. */
  since: number;
  /** When it started firing, ms (set once firing). */
  firingSince?: number;
  /** Labels and annotations frozen at firing time. */
  frozen?: { labels: Record<string, string>; summary: string; description: string };
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
  describe(): { labels: Record<string, string>; summary: string; description: string };
}

export type Step =
  | { next: ConditionState | undefined; fired?: undefined; resolved?: undefined }
  | { next: ConditionState; fired: true; resolved?: undefined }
  | { next: undefined; fired?: undefined; resolved: ConditionState };

/** Advances one condition by one evaluation. Pure. */
export function stepCondition(previous: ConditionState | undefined, candidate: Candidate, now: number): Step {
  if (candidate.suppressed === true) return { next: previous };
  const canEnter = candidate.enter && candidate.inhibited !== true;
  const fire = (): Step => ({
    next: {
      phase: "firing",
      since: now,
      firingSince: now,
      frozen: candidate.describe(),
    },
    fired: true,
  });
  if (previous === undefined) {
    if (!canEnter) return { next: undefined };
    if (candidate.enterForMs <= 0) return fire();
    return { next: { phase: "pending", since: now } };
  }
  switch (previous.phase) {
    case "pending":
      if (!canEnter) return { next: undefined };
      return now - previous.since >= candidate.enterForMs ? fire() : { next: previous };
    case "firing":
      if (!candidate.leave) return { next: previous };
      if (candidate.leaveForMs <= 0) return { next: undefined, resolved: previous };
      return { next: { ...previous, phase: "recovering", since: now } };
    case "recovering":
      if (!candidate.leave) return { next: { ...previous, phase: "firing", since: now } };
      return now - previous.since >= candidate.leaveForMs ? { next: undefined, resolved: previous } : { next: previous };
  }
}
