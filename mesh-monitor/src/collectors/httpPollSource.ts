// Polls one URL (meshviewer.json, NetJSON, jsoninfo…) with a deadline for the whole exchange and a size
// cap checked while streaming, so a hanging socket or a 50 MB body costs neither the monitor's time
// nor its memory. Bad input is counted and the last good snapshot kept.
import type { MeshSnapshot } from "../model.ts";
import { parseTelemetry, type FormatName, type FormatOptions } from "./formats.ts";
import type { RejectionCounter } from "./rejectionCounter.ts";
import { asTelemetryError, type CollectorReport } from "./sourceReport.ts";
import { TelemetryError } from "./telemetryError.ts";

export interface HttpPollOptions {
  url: string;
  format: FormatName;
  /** Name in metrics and alerts; defaults to `<format>@<url>`. */
  source?: string;
  formatOptions?: FormatOptions;
  timeoutMs?: number;
  maxBytes?: number;
  rejections: RejectionCounter;
  fetch?: typeof fetch;
  now?: () => number;
  reporterNodeId?: string;
}

export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;
/** Bremen's full meshviewer.json (891 nodes) is 1.6 MB; 10,000 nodes about 16 MB. */
export const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

export class HttpPollSource {
  readonly source: string;
  private readonly options: HttpPollOptions;
  private formatOptions: FormatOptions;
  private lastGood?: MeshSnapshot;
  private lastError?: TelemetryError;

  constructor(options: HttpPollOptions) {
    this.options = options;
    this.source = options.source ?? `${options.format}@${options.url}`;
    this.formatOptions = { ...options.formatOptions };
  }

  async poll(): Promise<CollectorReport> {
    const now = this.options.now ?? Date.now;
    const accepted = `${this.options.format} over HTTP 200, at most ${this.maxBytes} bytes, within ${this.timeoutMs} ms`;
    try {
      const text = await this.fetchText(accepted);
      const snapshot = parseTelemetry(this.options.format, text, { source: this.source, collectedAt: now() }, this.formatOptions);
      // An OLSR source keeps the cost encoding first detected: a later graph of all-broken links
      // must not flip the interpretation.
      const encoding = (snapshot as { costEncoding?: FormatOptions["olsrCostEncoding"] }).costEncoding;
      if (encoding !== undefined) this.formatOptions.olsrCostEncoding ??= encoding;
      this.lastGood = snapshot;
      this.lastError = undefined;
    } catch (error) {
      const rejected = asTelemetryError(error, accepted);
      this.options.rejections.record(this.source, rejected);
      this.lastError = rejected;
    }
    return this.report();
  }

  report(): CollectorReport {
    return {
      source: this.source,
      ok: this.lastError === undefined && this.lastGood !== undefined,
      ...(this.lastGood ? { snapshot: this.lastGood } : {}),
      ...(this.lastError ? { error: this.lastError.message } : {}),
      ...(this.options.reporterNodeId !== undefined ? { reporterNodeId: this.options.reporterNodeId } : {}),
    };
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  }

  private get maxBytes(): number {
    return this.options.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  private async fetchText(accepted: string): Promise<string> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    const response = await (this.options.fetch ?? fetch)(this.options.url, { signal, headers: { accept: "application/json, text/plain" } });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new TelemetryError("unreachable", `HTTP ${response.status} ${response.statusText}`.trim(), accepted);
    }
    const declared = Number(response.headers.get("content-length") ?? Number.NaN);
    if (declared > this.maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw new TelemetryError("too_large", `the body announces ${declared} bytes, over the cap of ${this.maxBytes}`, accepted);
    }
    if (!response.body) return "";
    return readCapped(response.body, this.maxBytes, signal, accepted);
  }
}

/** Reads a body up to `maxBytes`, cancelling the stream (and so the socket) the moment it goes over. */
export async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number, signal: AbortSignal, accepted: string): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const parts: string[] = [];
  let size = 0;
  // A body that stalls after the headers would otherwise wait forever on read(): the deadline cancels
  // the stream, which ends the pending read. (Not Promise.race against a deadline promise: every race
  // would hang a reaction holding its chunk on that promise until the deadline, a whole body per poll.)
  let timedOut = signal.aborted;
  const onAbort = (): void => {
    timedOut = true;
    reader.cancel().catch(() => {});
  };
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      if (timedOut) break;
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) throw new TelemetryError("too_large", `the body passed the cap of ${maxBytes} bytes`, accepted);
      parts.push(decoder.decode(value, { stream: true }));
    }
    if (timedOut) throw new TelemetryError("timeout", "the body stopped arriving before the deadline", accepted);
    parts.push(decoder.decode());
    return parts.join("");
  } catch (error) {
    if (error instanceof TypeError && /decode|encoded/i.test(error.message)) {
      throw new TelemetryError("malformed", "the body is not UTF-8 text", accepted);
    }
    if (timedOut && !(error instanceof TelemetryError)) throw new TelemetryError("timeout", "the body stopped arriving before the deadline", accepted);
    throw error;
  } finally {
    signal.removeEventListener("abort", onAbort);
    reader.cancel().catch(() => {});
  }
}
