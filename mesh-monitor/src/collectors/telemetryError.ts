// Every way telemetry can be refused, as one closed set of reasons so the rejection counter (and the
// `mesh_telemetry_rejected_total{reason}` series) stays low-cardinality and operators can alert on it.

export type RejectReason =
  | "malformed" // not parseable at all: truncated JSON, garbage, a line that is not the grammar
  | "wrong_type" // a field has the wrong JSON type
  | "not_finite" // NaN, Infinity or a number too large to be finite
  | "missing_field" // a required field is absent
  | "unknown_format" // parseable, but not the format this source expects
  | "too_large" // the body exceeded the size cap
  | "timeout" // the producer did not answer in time
  | "unreachable" // connection refused / reset / HTTP error status
  | "protocol"; // the daemon answered, but not as its protocol says (e.g. babeld said `bad`)

/** Bad telemetry: says what was wrong (`message`) and what is accepted (`accepted`). */
export class TelemetryError extends Error {
  readonly reason: RejectReason;
  readonly accepted: string;

  constructor(reason: RejectReason, problem: string, accepted: string) {
    super(`${problem}; accepted: ${accepted}`);
    this.name = "TelemetryError";
    this.reason = reason;
    this.accepted = accepted;
  }
}
