// After a long outage the homeserver delivers everything it queued; answering hour-old commands
// would only confuse. origin_server_ts is set by the sender's server, so this decides only whether
// to answer, never who may do what.

import type { MatrixEvent } from "./contract.ts";

export const commandMaxAgeMs = 5 * 60 * 1000;

export function isBacklog(event: MatrixEvent, now: number, maxAgeMs: number): boolean {
  return now - event.origin_server_ts > maxAgeMs;
}
