// Delivers webhook bodies to the alert intake without ever blocking collection: enqueue returns at
// once, one background loop POSTs in order, retries with capped exponential backoff while the intake is
// down, and keeps at most `queueLimit` bodies (the oldest are dropped, and counted, beyond that).
import type { AlertmanagerWebhook } from "./webhookPayload.ts";

export interface WebhookSenderOptions {
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  queueLimit?: number;
  /** First retry delay; doubles up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  requestTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface WebhookSenderStats {
  queued: number;
  delivered: number;
  /** Refused by the intake with a 4xx that retrying cannot fix (bad token, bad body). */
  rejected: number;
  /** Dropped because the queue was full. */
  dropped: number;
  retries: number;
  lastError?: string;
}

type Outcome = "delivered" | "retry" | "rejected";

export class WebhookSender {
  private readonly queue: AlertmanagerWebhook[] = [];
  private readonly options: Required<Omit<WebhookSenderOptions, "token" | "log">> & Pick<WebhookSenderOptions, "token" | "log">;
  private running = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  private idleWaiters: (() => void)[] = [];
  readonly stats: WebhookSenderStats = { queued: 0, delivered: 0, rejected: 0, dropped: 0, retries: 0 };

  constructor(options: WebhookSenderOptions) {
    this.options = { queueLimit: 1000, initialBackoffMs: 1000, maxBackoffMs: 60_000, requestTimeoutMs: 10_000, ...options };
  }

  enqueue(payloads: readonly AlertmanagerWebhook[]): void {
    for (const payload of payloads) {
      if (this.queue.length >= this.options.queueLimit) {
        this.queue.shift();
        this.stats.dropped++;
      }
      this.queue.push(payload);
    }
    this.stats.queued = this.queue.length;
    if (!this.running && !this.stopped) {
      this.running = true;
      // Start on a later tick: the caller (a collection cycle) never pays for the first request.
      setImmediate(() => void this.drain());
    }
    this.wake?.();
  }

  /** Resolves when the queue is empty (for tests and orderly shutdown). */
  idle(): Promise<void> {
    if (this.queue.length === 0 && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private async drain(): Promise<void> {
    let backoff = this.options.initialBackoffMs;
    while (!this.stopped && this.queue.length > 0) {
      const payload = this.queue[0]!;
      const outcome = await this.post(payload);
      if (outcome === "retry") {
        this.stats.retries++;
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.options.maxBackoffMs);
        continue;
      }
      backoff = this.options.initialBackoffMs;
      // The head may have been dropped by overflow while we were posting; only remove what we sent.
      if (this.queue[0] === payload) this.queue.shift();
      this.stats[outcome]++;
      this.stats.queued = this.queue.length;
    }
    this.running = false;
    if (this.queue.length === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async post(payload: AlertmanagerWebhook): Promise<Outcome> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`;
    try {
      const response = await fetch(this.options.url, {
        method: "POST",
        headers,
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return "delivered";
      this.stats.lastError = `HTTP ${response.status} from ${this.options.url}`;
      // 408/429 and 5xx are the intake being busy or down; other 4xx will never succeed as sent.
      if (response.status === 408 || response.status === 429 || response.status >= 500) return "retry";
      this.options.log?.(`alert intake refused a webhook: ${this.stats.lastError}`);
      return "rejected";
    } catch (error) {
      this.stats.lastError = `${this.options.url}: ${(error as Error).message}`;
      return "retry";
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.wake = undefined;
        resolve();
      }
      // A stop() cuts the wait short; new alerts do not (the intake is still down).
      this.wake = () => {
        if (self.stopped) done();
      };
    });
  }
}
