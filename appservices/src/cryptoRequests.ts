// The HTTP side of a bot's crypto: requests made as the bot's user (`user_id`) and, once it exists, as its
// device (`device_id`, MSC4326 device masquerading, stable in Synapse since 1.141), with the as_token; and
// the OlmMachine's outgoing requests mapped to their client-server endpoints.
import {
  type KeysBackupRequest,
  KeysClaimRequest,
  KeysQueryRequest,
  KeysUploadRequest,
  type OlmMachine,
  RoomMessageRequest,
  SignatureUploadRequest,
  ToDeviceRequest,
} from "@matrix-org/matrix-sdk-crypto-wasm";

export interface DeviceTransport {
  /** As the bot's user, without a device (for creating the device). Resolves to the parsed JSON answer. */
  asUser(method: string, path: string, body?: unknown): Promise<unknown>;
  /** As the bot's device. */
  asDevice(method: string, path: string, body?: unknown): Promise<unknown>;
}

export class CryptoRequestFailed extends Error {
  readonly status: number;
  readonly errcode: string | undefined;

  constructor(status: number, errcode: string | undefined, path: string, why?: string) {
    super(`${path} answered ${status}${errcode === undefined ? "" : ` ${errcode}`}${why === undefined ? "" : `: ${why}`}`);
    this.status = status;
    this.errcode = errcode;
  }
}

export function deviceTransport(homeserverUrl: string, asToken: string, userId: string, deviceId: string): DeviceTransport {
  const call = async (method: string, path: string, body: unknown, params: Record<string, string>) => {
    const url = new URL(`${homeserverUrl.replace(/\/$/, "")}/_matrix/client/v3${path}`);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${asToken}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const answer = (await response.json().catch(() => ({}))) as { errcode?: string; error?: string };
    if (!response.ok) throw new CryptoRequestFailed(response.status, answer.errcode, path, answer.error);
    return answer;
  };
  return {
    asUser: (method, path, body) => call(method, path, body, { user_id: userId }),
    asDevice: (method, path, body) => call(method, path, body, { user_id: userId, device_id: deviceId }),
  };
}

type OutgoingRequest =
  | KeysUploadRequest
  | KeysQueryRequest
  | KeysClaimRequest
  | ToDeviceRequest
  | SignatureUploadRequest
  | RoomMessageRequest
  | KeysBackupRequest;

/** Where each kind of outgoing request goes. Key backup is never enabled, so it never asks. */
function endpoint(request: OutgoingRequest): [method: string, path: string, body: unknown] | undefined {
  const body = JSON.parse(request.body) as unknown;
  if (request instanceof KeysUploadRequest) return ["POST", "/keys/upload", body];
  if (request instanceof KeysQueryRequest) return ["POST", "/keys/query", body];
  if (request instanceof KeysClaimRequest) return ["POST", "/keys/claim", body];
  if (request instanceof SignatureUploadRequest) return ["POST", "/keys/signatures/upload", body];
  if (request instanceof ToDeviceRequest) {
    return ["PUT", `/sendToDevice/${encodeURIComponent(request.event_type)}/${encodeURIComponent(request.txn_id)}`, body];
  }
  if (request instanceof RoomMessageRequest) {
    const path = `/rooms/${encodeURIComponent(request.room_id)}/send/${encodeURIComponent(request.event_type)}/${encodeURIComponent(request.txn_id)}`;
    return ["PUT", path, body];
  }
  return undefined;
}

/** Sends one outgoing request as the device, tells the machine what the homeserver answered, and returns it. */
export async function sendCryptoRequest(machine: OlmMachine, transport: DeviceTransport, request: OutgoingRequest): Promise<unknown> {
  const target = endpoint(request);
  if (target === undefined) return undefined;
  const answer = await transport.asDevice(...target);
  // A signature upload made by bootstrapping has no id: nothing to mark.
  if (request.id !== undefined) await machine.markRequestAsSent(request.id, request.type, JSON.stringify(answer));
  return answer;
}

/** The one-time-key counts in a key upload's answer (undefined for any other request). */
export function uploadedKeyCounts(request: OutgoingRequest, answer: unknown): Map<string, number> | undefined {
  if (!(request instanceof KeysUploadRequest)) return undefined;
  const counts = (answer as { one_time_key_counts?: Record<string, number> } | undefined)?.one_time_key_counts ?? {};
  return new Map(Object.entries(counts));
}
