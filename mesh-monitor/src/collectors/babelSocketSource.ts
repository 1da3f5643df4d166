// babeld's local interface over TCP (`babeld -g port`) or a UNIX socket (`local-path-readwrite`).
// BabelDumpSource: connect, wait for the banner's `ok`, send `dump`, read until `ok`, hang up.
// BabelMonitorSource: stay connected with `monitor`, apply each line to one BabelState and call back
// on every change (coalesced per event-loop turn, since a reroute arrives as a burst of lines).
import { createConnection, type Socket } from "node:net";
import type { MeshSnapshot } from "../model.ts";
import { BabelState } from "./babel.ts";
import type { RejectionCounter } from "./rejectionCounter.ts";
import { asTelemetryError, type CollectorReport } from "./sourceReport.ts";
import { TelemetryError } from "./telemetryError.ts";

export type BabelAddress = { port: number; host?: string } | { path: string };

export interface BabelSocketOptions {
  address: BabelAddress;
  source?: string;
  rejections: RejectionCounter;
  timeoutMs?: number;
  /** A dump of a large mesh is about 200 bytes per route; cap what one exchange may send. */
  maxBytes?: number;
  connect?: (address: BabelAddress) => Socket;
  now?: () => number;
  /** The node this babeld runs on, once known (its my-id); rules use it for "agent down, node alive". */
  reporterNodeId?: string;
}

const ACCEPTED = "babeld's local interface: banner ending in `ok`, then `add|change|flush …` lines ending in `ok`";
const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

function describeAddress(address: BabelAddress): string {
  return "path" in address ? address.path : `[${address.host ?? "::1"}]:${address.port}`;
}

const defaultConnect = (address: BabelAddress): Socket =>
  "path" in address ? createConnection({ path: address.path }) : createConnection({ port: address.port, host: address.host ?? "::1" });

/** Both sources report alike: the newest good snapshot, the last error, and which node babeld runs on. */
function babelReport(source: string, lastGood: MeshSnapshot | undefined, lastError: TelemetryError | undefined, reporter: string | undefined): CollectorReport {
  return {
    source,
    ok: lastError === undefined && lastGood !== undefined,
    ...(lastGood ? { snapshot: lastGood } : {}),
    ...(lastError ? { error: lastError.message } : {}),
    ...(reporter !== undefined ? { reporterNodeId: reporter } : {}),
  };
}

/** Splits a byte stream into lines, enforcing the size cap. */
class LineSplitter {
  private buffer = "";
  private total = 0;
  private readonly maxBytes: number;

  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  push(chunk: string): string[] {
    this.total += Buffer.byteLength(chunk);
    if (this.total > this.maxBytes) throw new TelemetryError("too_large", `babeld sent more than ${this.maxBytes} bytes`, ACCEPTED);
    this.buffer += chunk;
    const lines = this.buffer.split("\n");
    this.buffer = lines.pop() ?? "";
    return lines;
  }

  /** The monitor stream is endless: only the current line counts against the cap there. */
  resetCount(): void {
    this.total = Buffer.byteLength(this.buffer);
  }
}

export class BabelDumpSource {
  readonly source: string;
  private readonly options: BabelSocketOptions;
  private state?: BabelState;
  private lastGood?: MeshSnapshot;
  private lastError?: TelemetryError;

  constructor(options: BabelSocketOptions) {
    this.options = options;
    this.source = options.source ?? `babeld@${describeAddress(options.address)}`;
  }

  async poll(): Promise<CollectorReport> {
    try {
      const lines = await this.exchange();
      const state = BabelState.continuing(this.state);
      for (const line of lines) state.apply(line);
      this.lastGood = state.snapshot({ source: this.source, collectedAt: (this.options.now ?? Date.now)() });
      this.state = state;
      this.lastError = undefined;
    } catch (error) {
      const rejected = asTelemetryError(error, ACCEPTED);
      this.options.rejections.record(this.source, rejected);
      this.lastError = rejected;
    }
    return this.report();
  }

  report(): CollectorReport {
    return babelReport(this.source, this.lastGood, this.lastError, this.options.reporterNodeId ?? this.state?.myId);
  }

  /** Banner + dump lines, or a TelemetryError (timeout, refused, `bad`, too large). */
  private exchange(): Promise<string[]> {
    const { timeoutMs = DEFAULT_TIMEOUT_MS, maxBytes = DEFAULT_MAX_BYTES } = this.options;
    return new Promise((resolve, reject) => {
      const socket = (this.options.connect ?? defaultConnect)(this.options.address);
      const splitter = new LineSplitter(maxBytes);
      const lines: string[] = [];
      let oks = 0;
      const finish = (error?: unknown) => {
        clearTimeout(timer);
        socket.destroy();
        if (error) reject(error);
        else resolve(lines);
      };
      const timer = setTimeout(() => finish(new TelemetryError("timeout", `babeld did not finish its dump within ${timeoutMs} ms`, ACCEPTED)), timeoutMs);
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => {
        try {
          for (const line of splitter.push(chunk)) {
            const text = line.trim();
            if (text === "no" || text === "bad") throw new TelemetryError("protocol", `babeld answered "${text}" to dump`, ACCEPTED);
            lines.push(line);
            if (text !== "ok") continue;
            oks++;
            if (oks === 1)
              socket.write("dump\n"); // the banner is done
            else return finish();
          }
        } catch (error) {
          finish(error);
        }
      });
      socket.on("error", (error) => finish(asTelemetryError(error, ACCEPTED)));
      socket.on("close", () => finish(new TelemetryError("unreachable", "babeld closed the connection before `ok`", ACCEPTED)));
    });
  }
}

export interface BabelMonitorOptions extends BabelSocketOptions {
  /** Called with the new snapshot whenever the stream changed something. */
  onChange?: (snapshot: MeshSnapshot) => void;
  /** Called when the connection is lost or (re)established. */
  onConnection?: (connected: boolean, error?: TelemetryError) => void;
  reconnectMs?: number;
}

export class BabelMonitorSource {
  readonly source: string;
  private readonly options: BabelMonitorOptions;
  private state = new BabelState();
  private socket?: Socket;
  private lastGood?: MeshSnapshot;
  private lastError?: TelemetryError;
  private stopped = true;
  private pending = false;
  private reconnectTimer?: NodeJS.Timeout;

  constructor(options: BabelMonitorOptions) {
    this.options = options;
    this.source = options.source ?? `babeld-monitor@${describeAddress(options.address)}`;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.socket?.destroy();
  }

  /** The current view, and `ok` says whether we are connected. While connected it is built now: babeld
   * says nothing while nothing changes, and its routers are heard now, not when the last line came. */
  report(): CollectorReport {
    if (this.connected && this.lastError === undefined) {
      try {
        this.lastGood = this.state.snapshot({ source: this.source, collectedAt: (this.options.now ?? Date.now)() });
      } catch (error) {
        this.options.rejections.record(this.source, asTelemetryError(error, ACCEPTED));
      }
    }
    return babelReport(this.source, this.lastGood, this.lastError, this.options.reporterNodeId ?? this.state.myId);
  }

  private connected = false;

  private connect(): void {
    const { timeoutMs = DEFAULT_TIMEOUT_MS, maxBytes = DEFAULT_MAX_BYTES } = this.options;
    const socket = (this.options.connect ?? defaultConnect)(this.options.address);
    this.socket = socket;
    // A fresh connection replays everything with `add` lines: start from an empty table, keeping only
    // what must outlive it (learned router ids, whether a default route ever existed).
    this.state = BabelState.continuing(this.state);
    const splitter = new LineSplitter(maxBytes);
    let oks = 0;
    const bannerTimer = setTimeout(() => this.fail(socket, new TelemetryError("timeout", `babeld sent no banner within ${timeoutMs} ms`, ACCEPTED)), timeoutMs);
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      let lines: string[];
      try {
        lines = splitter.push(chunk);
      } catch (error) {
        this.fail(socket, asTelemetryError(error, ACCEPTED));
        return;
      }
      for (const line of lines) {
        if (line.trim() === "ok") {
          oks++;
          if (oks === 1) socket.write("monitor\n");
          if (oks === 2) {
            clearTimeout(bannerTimer);
            this.connected = true;
            this.lastError = undefined;
            this.options.onConnection?.(true);
            this.scheduleEmit();
          }
          continue;
        }
        try {
          if (this.state.apply(line) !== undefined && oks >= 2) this.scheduleEmit();
        } catch (error) {
          // One bad line is counted and skipped; the rest of the stream is still good.
          this.options.rejections.record(this.source, asTelemetryError(error, ACCEPTED));
        }
      }
      if (oks >= 2) splitter.resetCount();
    });
    socket.on("error", (error) => this.fail(socket, asTelemetryError(error, ACCEPTED)));
    socket.on("close", () => {
      clearTimeout(bannerTimer);
      this.fail(socket, new TelemetryError("unreachable", "babeld closed the monitor connection", ACCEPTED));
    });
  }

  private fail(socket: Socket, error: TelemetryError): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    socket.destroy();
    const wasConnected = this.connected;
    this.connected = false;
    if (this.stopped) return;
    this.options.rejections.record(this.source, error);
    this.lastError = error;
    if (wasConnected || this.lastGood === undefined) this.options.onConnection?.(false, error);
    this.reconnectTimer = setTimeout(() => this.connect(), this.options.reconnectMs ?? 1_000);
  }

  private scheduleEmit(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      if (!this.connected) return;
      try {
        this.lastGood = this.state.snapshot({ source: this.source, collectedAt: (this.options.now ?? Date.now)() });
      } catch (error) {
        this.options.rejections.record(this.source, asTelemetryError(error, ACCEPTED));
        return;
      }
      this.options.onChange?.(this.lastGood);
    });
  }
}
