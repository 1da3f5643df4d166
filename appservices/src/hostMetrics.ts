// The host's Prometheus metrics: one Registry, owned here. Labels are bounded (outcome names, bot localparts);
// never room ids, user ids or paths.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

export type TransactionOutcome = "accepted" | "duplicate" | "unauthorized" | "forbidden" | "rejected";
export type EventOutcome = "ok" | "error";

export class HostMetrics {
  readonly registry = new Registry();
  readonly transactions: Counter<"outcome">;
  readonly eventsProcessed: Counter<"bot" | "outcome">;
  readonly eventProcessingSeconds: Histogram<"bot">;

  /** `pendingInbox` is read at scrape time, so the gauge is never stale. */
  constructor(pendingInbox: () => number) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: "blockshare_" });
    this.transactions = new Counter({
      name: "blockshare_transactions_total",
      help: "Appservice transactions received from the homeserver, by outcome",
      labelNames: ["outcome"],
      registers,
    });
    this.eventsProcessed = new Counter({
      name: "blockshare_events_processed_total",
      help: "Events handed to a bot, by bot and outcome",
      labelNames: ["bot", "outcome"],
      registers,
    });
    this.eventProcessingSeconds = new Histogram({
      name: "blockshare_event_processing_seconds",
      help: "Time a bot took to handle one event",
      labelNames: ["bot"],
      buckets: [0.001, 0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    new Gauge({
      name: "blockshare_inbox_pending",
      help: "Events stored in the durable inbox and not yet handled",
      registers,
      collect() {
        this.set(pendingInbox());
      },
    });
  }
}
