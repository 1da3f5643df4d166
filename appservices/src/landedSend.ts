// A homeserver can store an event and still fail the request that sent it: seen on a full disk, where
// Synapse wrote the bot's answer, failed a later step, and answered 500. Its transaction cache forgets
// failed requests, so the event's replay (same transaction id) would post the answer a second time.
// So before a send that failed on the server's side is given up, the bot looks for it among the room's
// latest events: the sender sees its own events' transaction ids (unsigned.transaction_id). The same
// after a lost connection (Synapse killed mid-request): it is retried only once the bot has looked, since
// a restarted Synapse has forgotten the transaction ids it had taken.
import * as sdk from "matrix-js-sdk";

interface TimelineEvent {
  event_id?: string;
  sender?: string;
  unsigned?: { transaction_id?: unknown };
}

/** The id of `sender`'s event sent with `txnId`, if `events` hold it. */
export function findLandedEvent(events: readonly TimelineEvent[], sender: string, txnId: string): string | undefined {
  return events.find((event) => event.sender === sender && event.unsigned?.transaction_id === txnId)?.event_id;
}

/** Whether an error says the server failed after it may have stored the event (a 5xx with a Matrix body). */
export function mayHaveLanded(error: unknown): boolean {
  return error instanceof sdk.HTTPError && error.httpStatus !== undefined && error.httpStatus >= 500;
}

/** Looks through the room's latest events (bounded) for the send; throws when the homeserver cannot be asked. */
export async function lookForLandedEvent(client: sdk.MatrixClient, roomId: string, sender: string, txnId: string, limit = 50): Promise<string | undefined> {
  const page = (await client.http.authedRequest(sdk.Method.Get, `/rooms/${encodeURIComponent(roomId)}/messages`, { dir: "b", limit: String(limit) })) as {
    chunk?: TimelineEvent[];
  };
  return findLandedEvent(page.chunk ?? [], sender, txnId);
}

/** The same, undefined when it did not land or cannot be told. */
export async function landedEventId(client: sdk.MatrixClient, roomId: string, sender: string, txnId: string, limit = 50): Promise<string | undefined> {
  return lookForLandedEvent(client, roomId, sender, txnId, limit).catch(() => undefined);
}
