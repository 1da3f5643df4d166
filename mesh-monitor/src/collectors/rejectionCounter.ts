// Counts refused telemetry per source and reason, for `mesh_telemetry_rejected_total{source,reason}`
// and for the operator asking "why is this router missing?". Keeps the last message per source too.
import type { RejectReason, TelemetryError } from "./telemetryError.ts";

export interface RejectionEntry {
  source: string;
  reason: RejectReason;
  count: number;
}

export class RejectionCounter {
  private readonly counts = new Map<string, RejectionEntry>();
  private readonly lastMessages = new Map<string, string>();

  record(source: string, error: TelemetryError): void {
    const key = `${source}\u0000${error.reason}`;
    const entry = this.counts.get(key);
    if (entry) entry.count++;
    else this.counts.set(key, { source, reason: error.reason, count: 1 });
    this.lastMessages.set(source, error.message);
  }

  count(source: string, reason?: RejectReason): number {
    let total = 0;
    for (const entry of this.counts.values()) if (entry.source === source && (reason === undefined || entry.reason === reason)) total += entry.count;
    return total;
  }

  entries(): readonly RejectionEntry[] {
    return [...this.counts.values()];
  }

  lastMessage(source: string): string | undefined {
    return this.lastMessages.get(source);
  }
}
