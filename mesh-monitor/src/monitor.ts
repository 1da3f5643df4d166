// The assembly: collect every source (each with a deadline, never letting one hang the cycle) → merge
// with pushed telemetry → rules → alert webhooks (queued, never blocking) + metrics + the state the API
// and the map read. The last good snapshot of every source is kept, so bad telemetry never erases it.
// Besides the regular poll, an event-fed source (babeld's `monitor` stream) can ask for an evaluation
// at once, and an alert whose hold time ends between polls is evaluated when it ends: alerts do not wait
// for the next poll. The rule state is saved to `stateFile` (if given) so a restart resumes it.
import type { MeshSnapshot } from "./model.ts";
import { buildWebhookPayloads } from "./alerts/webhookPayload.ts";
import type { WebhookSender } from "./alerts/webhookSender.ts";
import type { MeshAlert } from "./rules/alert.ts";
import type { RulesConfig } from "./rules/config.ts";
import { evaluateRules, type RuleState } from "./rules/evaluate.ts";
import type { MeshView, SourceReport } from "./rules/meshView.ts";
import { loadRuleState, RuleStateSaver } from "./rules/ruleStateFile.ts";
import { loadRecentAlerts, RecentAlertsSaver } from "./alerts/recentAlertsFile.ts";

/** Anything polled once per cycle: a babeld socket, an HTTP poller (collectors/), the simulation. Its
 * report keeps the last good snapshot when the newest attempt failed. */
export interface PolledSource {
  readonly source: string;
  poll(): Promise<SourceReport>;
  /** Event-fed sources: the current view without any I/O, for evaluations between polls. */
  current?(): SourceReport;
  /** Event-fed sources (babeld `monitor`) need starting and stopping. */
  stop?(): void;
  /** A made-up mesh (the simulation): its alerts say so. */
  readonly simulated?: boolean;
}

export interface RecentAlert extends MeshAlert {
  /** When the monitor emitted this transition, ISO 8601. */
  at: string;
}

export interface CycleResult {
  at: number;
  /** "poll": every source was collected; "event": between polls (a stream changed, a hold time ended). */
  kind: CycleKind;
  view: MeshView;
  transitions: MeshAlert[];
  /** Every alert firing now (built when read). */
  readonly active: MeshAlert[];
  reports: SourceReport[];
}

export type CycleKind = "poll" | "event";

export interface MonitorOptions {
  sources: readonly PolledSource[];
  rules: RulesConfig;
  /** Per-source deadline for one collection (a hanging socket fails this cycle, not the monitor). */
  collectTimeoutMs?: number;
  sender?: WebhookSender;
  /** Where alerts link back to (the map). */
  externalURL?: string;
  receiver?: string;
  recentLimit?: number;
  clock?: () => number;
  /** Called after each cycle (metrics). */
  onCycle?: (result: CycleResult) => void;
  log?: (message: string) => void;
  /** Where the rule state is saved and restored from (a JSON file in the monitor's data directory). */
  stateFile?: string;
  /** Where the recent alerts (the map's list) are kept across restarts. */
  recentAlertsFile?: string;
  /** Who a simulated alert is for, told to the mesh bot in the `simulation_audience` annotation:
   * "operator" (default: the operator's private chat) or "room" (the neighbors' Mesh alerts room). */
  simulatedAlertsTo?: "operator" | "room";
  /** Changes arriving within this many ms are one evaluation (default 200). */
  eventDebounceMs?: number;
  /** Runs after a poll of a large mesh, off the alert path, to hand freed memory back to the system
   * (monitorRuntime.ts: memoryReleaser()); at most every 30 s. */
  releaseMemory?: () => void;
}

/** A mesh this large churns tens of megabytes per poll; smaller ones are not worth a full GC. */
const RELEASE_MIN_NODES = 2_000;
const RELEASE_MIN_GAP_MS = 30_000;

interface PushedSnapshot {
  snapshot: MeshSnapshot;
  receivedAt: number;
  reporterNodeId?: string;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class MeshMonitor {
  private readonly options: MonitorOptions;
  private readonly clock: () => number;
  private ruleState: RuleState | undefined;
  private readonly lastGood = new Map<string, MeshSnapshot>();
  private readonly reporters = new Map<string, string>();
  private readonly pushed = new Map<string, PushedSnapshot>();
  private readonly recentAlerts: RecentAlert[];
  private readonly recentSaver: RecentAlertsSaver | undefined;
  private latest: CycleResult | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private cycleRunning: Promise<CycleResult> | undefined;
  /** The last report of each polled source, reused by evaluations between polls. */
  private readonly lastReports = new Map<string, SourceReport>();
  private eventTimer: NodeJS.Timeout | undefined;
  private eventAt = Number.POSITIVE_INFINITY;
  private evaluateAgain = false;
  private readonly saver: RuleStateSaver | undefined;
  private releasedAt = Number.NEGATIVE_INFINITY;

  constructor(options: MonitorOptions) {
    this.options = options;
    this.clock = options.clock ?? Date.now;
    const log = (message: string) => options.log?.(message);
    this.recentAlerts = options.recentAlertsFile === undefined ? [] : loadRecentAlerts(options.recentAlertsFile, log);
    this.recentSaver = options.recentAlertsFile === undefined ? undefined : new RecentAlertsSaver(options.recentAlertsFile, log);
    if (options.stateFile !== undefined) {
      this.ruleState = loadRuleState(options.stateFile, this.clock(), log);
      this.saver = new RuleStateSaver(options.stateFile, log, this.ruleState, this.clock());
      if (this.ruleState !== undefined) {
        log(
          `mesh-monitor: resumed the rule state from ${options.stateFile} (${this.ruleState.knowledge.nodeList.length} nodes, ${this.ruleState.conditions.active().length} alerts firing)`,
        );
      }
    }
  }

  get rules(): RulesConfig {
    return this.options.rules;
  }

  /** Some of what the monitor shows is a made-up mesh (the map says so). */
  get simulated(): boolean {
    return this.options.sources.some((source) => source.simulated === true);
  }

  /** Telemetry pushed to the HTTP intake; counts as a source of its own until it goes quiet. */
  acceptPush(name: string, snapshot: MeshSnapshot, reporterNodeId?: string): void {
    this.pushed.set(name, { snapshot, receivedAt: this.clock(), ...(reporterNodeId !== undefined ? { reporterNodeId } : {}) });
    this.requestEvaluation();
  }

  private async collectOne(source: PolledSource): Promise<SourceReport> {
    const timeoutMs = this.options.collectTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    // Sources have their own deadlines; this one only guarantees a stuck source cannot stall the cycle.
    const deadline = new Promise<SourceReport>((resolve) => {
      timer = setTimeout(() => resolve(this.failed(source.source, `no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const report = await Promise.race([source.poll(), deadline]);
      if (report.snapshot !== undefined && report.ok) this.lastGood.set(source.source, report.snapshot);
      if (report.reporterNodeId !== undefined) this.reporters.set(source.source, report.reporterNodeId);
      return report;
    } catch (error) {
      return this.failed(source.source, errorText(error));
    } finally {
      clearTimeout(timer);
    }
  }

  private failed(name: string, error: string): SourceReport {
    const last = this.lastGood.get(name);
    const reporter = this.reporters.get(name);
    const simulated = this.options.sources.some((source) => source.source === name && source.simulated === true);
    return {
      source: name,
      ok: false,
      error,
      ...(last !== undefined ? { snapshot: last } : {}),
      ...(reporter !== undefined ? { reporterNodeId: reporter } : {}),
      ...(simulated ? { simulated } : {}),
    };
  }

  private pushReports(now: number): SourceReport[] {
    const freshMs = this.options.rules.nodeDown.silenceSeconds * 1000;
    return [...this.pushed].map(([name, pushed]) => {
      const reporter = pushed.reporterNodeId !== undefined ? { reporterNodeId: pushed.reporterNodeId } : {};
      const age = now - pushed.receivedAt;
      if (age <= freshMs) return { source: name, ok: true, snapshot: pushed.snapshot, ...reporter };
      return { source: name, ok: false, error: `nothing pushed for ${Math.round(age / 1000)} s`, snapshot: pushed.snapshot, ...reporter };
    });
  }

  /** One collect-and-evaluate cycle ("poll"), or an evaluation of what is known without polling
   * ("event": event-fed sources' current view, the others' last report). Cycles never overlap: a call
   * during one waits for it (and an event during one is evaluated right after it). */
  async runCycle(kind: CycleKind = "poll"): Promise<CycleResult> {
    if (this.cycleRunning !== undefined) {
      if (kind === "event") this.evaluateAgain = true;
      return this.cycleRunning;
    }
    this.cycleRunning = this.cycle(kind).finally(() => {
      this.cycleRunning = undefined;
      if (this.evaluateAgain) {
        this.evaluateAgain = false;
        this.requestEvaluation();
      }
    });
    return this.cycleRunning;
  }

  /** Evaluate soon without polling: an event-fed source saw a change. Changes within the debounce
   * window are one evaluation. Only while started. */
  requestEvaluation(at: number = this.clock() + (this.options.eventDebounceMs ?? 200)): void {
    if (!this.running || at >= this.eventAt) return;
    clearTimeout(this.eventTimer);
    this.eventAt = at;
    this.eventTimer = setTimeout(
      () => {
        this.eventTimer = undefined;
        this.eventAt = Number.POSITIVE_INFINITY;
        this.runCycle("event").catch((error: unknown) => this.options.log?.(`evaluation failed: ${errorText(error)}`));
      },
      Math.max(0, at - this.clock()),
    );
  }

  private async reportsFor(kind: CycleKind): Promise<SourceReport[]> {
    if (kind === "poll") return Promise.all(this.options.sources.map((source) => this.collectOne(source)));
    const reports: SourceReport[] = [];
    for (const source of this.options.sources) {
      const report = source.current?.() ?? this.lastReports.get(source.source);
      if (report !== undefined) reports.push(report);
    }
    return reports;
  }

  private async cycle(kind: CycleKind): Promise<CycleResult> {
    const polled = await this.reportsFor(kind);
    for (const report of polled) this.lastReports.set(report.source, report);
    const now = this.clock();
    const reports = [...polled, ...this.pushReports(now)];
    const result = evaluateRules(this.ruleState, reports, now, this.options.rules);
    this.ruleState = result.state;
    this.record(result.transitions, now);
    const cycle: CycleResult = {
      at: now,
      kind,
      view: result.view,
      transitions: result.transitions,
      get active() {
        return result.active;
      },
      reports,
    };
    this.latest = cycle;
    // A hold time ending before the next poll: with a source that can say what it sees right now (a
    // babeld stream), evaluate then, so the alert is not late by up to a poll. Polled sources have
    // nothing newer to say before their next poll: re-reading their last report would "confirm" a
    // condition that may already have cleared.
    if (result.nextDueAt !== undefined && this.options.sources.some((source) => source.current !== undefined)) {
      this.requestEvaluation(Math.max(result.nextDueAt, now + 50));
    }
    this.saver?.changed(result.state, now, result.transitions.length > 0);
    try {
      this.options.onCycle?.(cycle);
    } catch (error) {
      this.options.log?.(`metrics update failed: ${errorText(error)}`);
    }
    this.releaseMemoryLater(kind, now, result.view.nodes.length);
    return cycle;
  }

  private releaseMemoryLater(kind: CycleKind, now: number, nodes: number): void {
    const release = this.options.releaseMemory;
    if (release === undefined || kind !== "poll" || nodes < RELEASE_MIN_NODES || now - this.releasedAt < RELEASE_MIN_GAP_MS) return;
    this.releasedAt = now;
    // After this turn: the alerts are queued and the metrics updated first.
    setImmediate(release);
  }

  private record(transitions: readonly MeshAlert[], now: number): void {
    if (transitions.length === 0) return;
    const at = new Date(now).toISOString();
    for (const alert of transitions) {
      this.recentAlerts.unshift({ ...alert, at });
      this.options.log?.(`alert ${alert.status}: ${alert.labels.alertname} ${alert.annotations.summary}`);
    }
    this.recentAlerts.length = Math.min(this.recentAlerts.length, this.options.recentLimit ?? 50);
    this.recentSaver?.save(this.recentAlerts);
    this.options.sender?.enqueue(
      buildWebhookPayloads(transitions, {
        receiver: this.options.receiver ?? "blockshare-mesh",
        externalURL: this.options.externalURL ?? "http://localhost/",
        simulatedAlertsTo: this.options.simulatedAlertsTo ?? "operator",
      }),
    );
  }

  get latestCycle(): CycleResult | undefined {
    return this.latest;
  }

  get recent(): readonly RecentAlert[] {
    return this.recentAlerts;
  }

  start(intervalMs: number): void {
    this.running = true;
    const tick = (): void => {
      this.runCycle()
        .catch((error: unknown) => this.options.log?.(`collection cycle failed: ${errorText(error)}`))
        .finally(() => {
          if (this.timer !== undefined) {
            this.timer = setTimeout(tick, intervalMs);
          }
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.running = false;
    const timer = this.timer;
    this.timer = undefined;
    clearTimeout(timer);
    clearTimeout(this.eventTimer);
    this.eventTimer = undefined;
    this.eventAt = Number.POSITIVE_INFINITY;
    await this.cycleRunning?.catch(() => undefined);
    this.options.sender?.stop();
    for (const source of this.options.sources) source.stop?.();
    // The last word: what the final cycle learned survives the restart.
    if (this.ruleState !== undefined) await this.saver?.flush(this.ruleState, this.clock());
    await this.recentSaver?.flushed();
  }
}
