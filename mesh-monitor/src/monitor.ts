// The assembly: collect every source (each with a deadline, never letting one hang the cycle) → merge
// with pushed telemetry → rules → alert webhooks (queued, never blocking) + metrics + the state the API
// and the map read. The last good snapshot of every source is kept, so bad telemetry never erases it.
import type { MeshSnapshot } from "./model.ts";
import { buildWebhookPayloads } from "./alerts/webhookPayload.ts";
import type { WebhookSender } from "./alerts/webhookSender.ts";
import type { MeshAlert } from "./rules/alert.ts";
import type { RulesConfig } from "./rules/config.ts";
import { evaluateRules, type RuleState } from "./rules/evaluate.ts";
import type { MeshView, SourceReport } from "./rules/meshView.ts";

/** Anything polled once per cycle: a babeld socket, an HTTP poller (collectors/), the simulation. Its
 * report keeps the last good snapshot when the newest attempt failed. */
export interface PolledSource {
  readonly source: string;
  poll(): Promise<SourceReport>;
  /** Event-fed sources (babeld `monitor`) need starting and stopping. */
  stop?(): void;
}

export interface RecentAlert extends MeshAlert {
  /** When the monitor emitted this transition, ISO 8601. */
  at: string;
}

export interface CycleResult {
  at: number;
  view: MeshView;
  transitions: MeshAlert[];
  active: MeshAlert[];
  reports: SourceReport[];
}

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
}

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
  private readonly recentAlerts: RecentAlert[] = [];
  private latest: CycleResult | undefined;
  private timer: NodeJS.Timeout | undefined;
  private cycleRunning: Promise<CycleResult> | undefined;

  constructor(options: MonitorOptions) {
    this.options = options;
    this.clock = options.clock ?? Date.now;
  }

  get rules(): RulesConfig {
    return this.options.rules;
  }

  /** Telemetry pushed to the HTTP intake; counts as a source of its own until it goes quiet. */
  acceptPush(name: string, snapshot: MeshSnapshot, reporterNodeId?: string): void {
    this.pushed.set(name, { snapshot, receivedAt: this.clock(), ...(reporterNodeId !== undefined ? { reporterNodeId } : {}) });
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
    return { source: name, ok: false, error, ...(last !== undefined ? { snapshot: last } : {}), ...(reporter !== undefined ? { reporterNodeId: reporter } : {}) };
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

  /** One collect-and-evaluate cycle. Cycles never overlap: a call during one waits for it. */
  async runCycle(): Promise<CycleResult> {
    if (this.cycleRunning !== undefined) return this.cycleRunning;
    this.cycleRunning = this.cycle().finally(() => (this.cycleRunning = undefined));
    return this.cycleRunning;
  }

  private async cycle(): Promise<CycleResult> {
    const polled = await Promise.all(this.options.sources.map((source) => this.collectOne(source)));
    const now = this.clock();
    const reports = [...polled, ...this.pushReports(now)];
    const result = evaluateRules(this.ruleState, reports, now, this.options.rules);
    this.ruleState = result.state;
    this.record(result.transitions, now);
    const cycle: CycleResult = { at: now, view: result.view, transitions: result.transitions, active: result.active, reports };
    this.latest = cycle;
    try {
      this.options.onCycle?.(cycle);
    } catch (error) {
      this.options.log?.(`metrics update failed: ${errorText(error)}`);
    }
    return cycle;
  }

  private record(transitions: readonly MeshAlert[], now: number): void {
    if (transitions.length === 0) return;
    const at = new Date(now).toISOString();
    for (const alert of transitions) {
      this.recentAlerts.unshift({ ...alert, at });
      this.options.log?.(`alert ${alert.status}: ${alert.labels.alertname} ${alert.annotations.summary}`);
    }
    this.recentAlerts.length = Math.min(this.recentAlerts.length, this.options.recentLimit ?? 50);
    this.options.sender?.enqueue(
      buildWebhookPayloads(transitions, { receiver: this.options.receiver ?? "blockshare-mesh", externalURL: this.options.externalURL ?? "http://localhost/" }),
    );
  }

  get latestCycle(): CycleResult | undefined {
    return this.latest;
  }

  get recent(): readonly RecentAlert[] {
    return this.recentAlerts;
  }

  start(intervalMs: number): void {
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
    const timer = this.timer;
    this.timer = undefined;
    clearTimeout(timer);
    await this.cycleRunning?.catch(() => undefined);
    this.options.sender?.stop();
    for (const source of this.options.sources) source.stop?.();
  }
}
