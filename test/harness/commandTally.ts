// Neighbors sending bot commands over plain HTTP, and the tally of the bots' answers per command: how
// many commands reached the homeserver, and how many were answered once, never, or more than once.
// Plain requests rather than syncing clients: ten syncing clients would cost the 2-core test machine
// more than the block under test, and the answers are counted from the room's history at the end.
import { createHmac } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

export interface Neighbor {
  userId: string;
  accessToken: string;
}

async function call(url: string, method: string, body?: unknown, accessToken?: string): Promise<{ status: number; json: any }> {
  const response = await fetch(url, {
    method,
    headers: { "content-type": "application/json", ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, json: await response.json().catch(() => ({})) };
}

/** Registers a neighbor with the block's shared secret (no registration rate limit applies to it). */
export async function registerWithSecret(clientUrl: string, secret: string, username: string): Promise<Neighbor> {
  // Once more after a timeout: a loaded machine can take long over a password hash.
  return registerOnce(clientUrl, secret, username).catch((error: Error) => {
    if (error.name !== "TimeoutError") throw error;
    return registerOnce(clientUrl, secret, username);
  });
}

async function registerOnce(clientUrl: string, secret: string, username: string): Promise<Neighbor> {
  const path = `${clientUrl}/_synapse/admin/v1/register`;
  const { json: nonceReply } = await call(path, "GET");
  const password = `chaos-${username}-password`;
  const mac = createHmac("sha1", secret).update([nonceReply.nonce, username, password, "notadmin"].join("\0")).digest("hex");
  const { status, json } = await call(path, "POST", { nonce: nonceReply.nonce, username, password, admin: false, mac });
  if (status !== 200) throw new Error(`registering ${username}: ${status} ${JSON.stringify(json)}`);
  return { userId: json.user_id, accessToken: json.access_token };
}

export async function joinRoom(clientUrl: string, neighbor: Neighbor, roomIdOrAlias: string): Promise<string> {
  const { status, json } = await call(`${clientUrl}/_matrix/client/v3/join/${encodeURIComponent(roomIdOrAlias)}`, "POST", {}, neighbor.accessToken);
  if (status !== 200) throw new Error(`${neighbor.userId} could not join ${roomIdOrAlias}: ${status} ${JSON.stringify(json)}`);
  return json.room_id;
}

export type SendResult = { reached: true; eventId: string } | { reached: false; why: string };

/**
 * Sends a text message as a client does: the same transaction id on every retry (so the homeserver takes
 * it once), retried while the homeserver is down or busy, until `deadline`. Reached means the homeserver
 * answered with the event's id.
 */
export async function sendCommand(clientUrl: string, neighbor: Neighbor, roomId: string, body: string, txnId: string, deadline: number): Promise<SendResult> {
  const url = `${clientUrl}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${encodeURIComponent(txnId)}`;
  let why = "not tried";
  while (Date.now() < deadline) {
    try {
      const { status, json } = await call(url, "PUT", { msgtype: "m.text", body }, neighbor.accessToken);
      if (status === 200 && typeof json.event_id === "string") return { reached: true, eventId: json.event_id };
      why = `${status} ${json.errcode ?? ""}`.trim();
      const wait = status === 429 ? Number(json.retry_after_ms ?? 1000) : 1000;
      if (Date.now() + wait > deadline) break;
      await sleep(Math.min(wait, 5_000));
    } catch (error) {
      why = (error as Error).message;
      await sleep(500);
    }
  }
  return { reached: false, why };
}

/** How many messages from `sender` in the room reply to each event, from the room's history (newest first, bounded). */
export async function countReplies(clientUrl: string, reader: Neighbor, roomId: string, sender: string, maxEvents = 5_000): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let from: string | undefined;
  for (let seen = 0; seen < maxEvents; ) {
    const query = new URLSearchParams({ dir: "b", limit: "500", ...(from ? { from } : {}) });
    const { status, json } = await call(
      `${clientUrl}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?${query}`,
      "GET",
      undefined,
      reader.accessToken,
    );
    if (status !== 200) throw new Error(`reading the room's history: ${status} ${JSON.stringify(json)}`);
    const chunk: any[] = json.chunk ?? [];
    for (const event of chunk) {
      const repliesTo = event.content?.["m.relates_to"]?.["m.in_reply_to"]?.event_id;
      if (event.sender === sender && typeof repliesTo === "string") counts.set(repliesTo, (counts.get(repliesTo) ?? 0) + 1);
    }
    seen += chunk.length;
    if (chunk.length === 0 || !json.end) break;
    from = json.end;
  }
  return counts;
}

export interface TallyRow {
  fault: string;
  /** Commands the homeserver took (it answered with an event id). */
  sent: number;
  once: number;
  lost: number;
  twice: number;
  /** Commands the homeserver never took (down or refusing while the fault lasted). */
  notReached: number;
  /** The event ids of the commands never answered, to look up in the logs. */
  lostIds: string[];
}

export function tally(fault: string, results: readonly SendResult[], replies: ReadonlyMap<string, number>): TallyRow {
  const reached = results.flatMap((result) => (result.reached ? [result.eventId] : []));
  const answers = reached.map((eventId) => replies.get(eventId) ?? 0);
  return {
    fault,
    sent: reached.length,
    once: answers.filter((count) => count === 1).length,
    lost: answers.filter((count) => count === 0).length,
    twice: answers.filter((count) => count > 1).length,
    notReached: results.length - reached.length,
    lostIds: reached.filter((_, index) => answers[index] === 0),
  };
}

export function formatTally(rows: readonly TallyRow[]): string {
  const header = ["fault", "sent", "once", "lost", "twice", "not reached"];
  const cells = [header, ...rows.map((row) => [row.fault, row.sent, row.once, row.lost, row.twice, row.notReached].map(String))];
  const widths = header.map((_, column) => Math.max(...cells.map((line) => line[column]!.length)));
  const line = (values: string[]) =>
    `| ${values.map((value, column) => (column === 0 ? value.padEnd(widths[column]!) : value.padStart(widths[column]!))).join(" | ")} |`;
  return [
    line(cells[0]!),
    `|${widths.map((width, column) => (column === 0 ? "-".repeat(width + 2) : `${"-".repeat(width + 1)}:`)).join("|")}|`,
    ...cells.slice(1).map(line),
  ].join("\n");
}
