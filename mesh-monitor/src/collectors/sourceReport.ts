// What a source hands the monitor each cycle. Structurally the rules' SourceReport
// (rules/meshView.ts), so collectors need not import the rules.
import type { MeshSnapshot } from "../model.ts";
import { TelemetryError } from "./telemetryError.ts";

export interface CollectorReport {
  source: string;
  /** The last attempt succeeded. */
  ok: boolean;
  /** The newest good snapshot — kept when later input is bad. */
  snapshot?: MeshSnapshot;
  error?: string;
  reporterNodeId?: string;
}

/** Anything thrown while fetching → a TelemetryError with a reason. */
export function asTelemetryError(error: unknown, accepted: string): TelemetryError {
  if (error instanceof TelemetryError) return error;
  const name = error instanceof Error ? error.name : "";
  const message = error instanceof Error ? error.message : String(error);
  if (name === "TimeoutError" || name === "AbortError") return new TelemetryError("timeout", `no complete answer in time (${message})`, accepted);
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return new TelemetryError("unreachable", `could not reach the producer (${message}${cause})`, accepted);
}
