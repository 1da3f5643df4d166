// POST /api/push/netjson: routers (OpenWISP's agent, a cron job) push NetJSON instead of being polled.
// Every refusal says what was wrong and what is accepted, is counted by reason, and leaves the last
// good state untouched.
import type { MeshSnapshot } from "../model.ts";
import { parseNetJsonDeviceMonitoring, parseNetJsonGraph } from "../collectors/netjson.ts";
import { TelemetryError, type RejectReason } from "../collectors/telemetryError.ts";

export interface PushOutcome {
  status: number;
  body: { ok: boolean; error?: string; accepted?: string; source?: string; nodes?: number; links?: number };
  reason?: RejectReason;
  accepted?: { name: string; snapshot: MeshSnapshot; reporterNodeId?: string };
}

const acceptedText = "a JSON NetJSON NetworkGraph or NetworkCollection (its router_id names the pushing router), or a DeviceMonitoring with ?node=<router id>";

const refuse = (status: number, reason: RejectReason, error: string): PushOutcome => ({ status, reason, body: { ok: false, error, accepted: acceptedText } });

/** Push source names come from the body: keep them short and tame (they become the `source` label). */
const safeName = (text: string): string => text.replace(/[^\w.:@-]/g, "_").slice(0, 64);

export function handleNetJsonPush(text: string, query: URLSearchParams, now: number): PushOutcome {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return refuse(400, "malformed", `the body is not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return refuse(422, "wrong_type", "the body must be a JSON object");
  const type = (value as Record<string, unknown>).type;
  const node = query.get("node") ?? undefined;
  try {
    if (type === "NetworkGraph" || type === "NetworkCollection") {
      const routerId = (value as Record<string, unknown>).router_id;
      const reporter = typeof routerId === "string" && routerId !== "" ? routerId : node;
      const name = `push:netjson:${safeName(reporter ?? "graph")}`;
      const snapshot = parseNetJsonGraph(value, { source: name, collectedAt: now });
      return ok(name, snapshot, reporter);
    }
    if (type === "DeviceMonitoring") {
      if (node === undefined || node === "")
        return refuse(422, "missing_field", "a DeviceMonitoring push needs ?node=<router id> in the URL (the document does not say whose it is)");
      const name = `push:netjson:${safeName(node)}`;
      const snapshot = parseNetJsonDeviceMonitoring(value, { source: name, collectedAt: now, nodeId: node });
      return ok(name, snapshot, node);
    }
    return refuse(422, "unknown_format", `"type" is ${JSON.stringify(type)}`);
  } catch (error) {
    if (error instanceof TelemetryError) return refuse(422, error.reason, error.message);
    throw error;
  }
}

function ok(name: string, snapshot: MeshSnapshot, reporterNodeId: string | undefined): PushOutcome {
  return {
    status: 202,
    body: { ok: true, source: name, nodes: snapshot.nodes.length, links: snapshot.links.length },
    accepted: { name, snapshot, ...(reporterNodeId !== undefined ? { reporterNodeId } : {}) },
  };
}
