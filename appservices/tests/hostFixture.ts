// Shared by the host-level tests: a host on an ephemeral loopback port with fake bots and fake Matrix calls.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BotActions, BotContext, BotDefinition, MatrixEvent } from "../../bots/framework/contract.ts";
import { startAppserviceHost, type AppserviceHost, type AppserviceHostOptions, type HostMatrix } from "../src/appserviceHost.ts";
import type { HostLog, LogFields } from "../src/hostLog.ts";
import { quietBotActions } from "./quietBotActions.ts";

export const hsToken = "hs_token_for_tests_0123456789";
export const serverName = "block.test";
export const sender = "blockshare";
export const alice = `@alice:${serverName}`;

export const userIdOf = (localpart: string) => `@${localpart}:${serverName}`;

/** Records what the host asked of Matrix instead of doing it. */
export class FakeMatrix implements HostMatrix {
  readonly joins: Array<{ userId: string; roomId: string }> = [];
  readonly ensuredUsers: string[] = [];
  failJoins = false;

  actionsFor(userId: string): BotActions {
    return {
      ...quietBotActions,
      joinRoom: async (roomId) => {
        if (this.failJoins) throw new Error("join refused");
        this.joins.push({ userId, roomId });
      },
    };
  }

  async ensureUser(localpart: string): Promise<void> {
    this.ensuredUsers.push(localpart);
  }
}

export interface Delivery {
  eventId: string;
  roomId: string;
  context: BotContext;
}

export interface RecordingBot {
  definition: BotDefinition;
  deliveries: Delivery[];
  eventIds(): string[];
}

/** A bot that records each event it is handed, after running `behave` (which may block or throw). */
export function recordingBot(localpart: string, behave: (event: MatrixEvent) => Promise<void> = async () => {}): RecordingBot {
  const deliveries: Delivery[] = [];
  return {
    deliveries,
    eventIds: () => deliveries.map((delivery) => delivery.eventId),
    definition: {
      localpart,
      displayName: `${localpart} bot`,
      async handleEvent(event, context) {
        await behave(event);
        deliveries.push({ eventId: event.event_id, roomId: event.room_id, context });
      },
    },
  };
}

export class CapturingLog implements HostLog {
  readonly lines: Array<{ level: string; message: string; fields?: LogFields }> = [];
  info(message: string, fields?: LogFields) {
    this.lines.push({ level: "info", message, ...(fields ? { fields } : {}) });
  }
  warn(message: string, fields?: LogFields) {
    this.lines.push({ level: "warn", message, ...(fields ? { fields } : {}) });
  }
  error(message: string, fields?: LogFields) {
    this.lines.push({ level: "error", message, ...(fields ? { fields } : {}) });
  }
}

export function startTestHost(overrides: Partial<AppserviceHostOptions> & { bots: readonly BotDefinition[] }): Promise<AppserviceHost> {
  return startAppserviceHost({
    registration: { id: "blockshare", asToken: "as_token_for_tests", hsToken, senderLocalpart: sender },
    // Never contacted: FakeMatrix stands in for every outgoing call.
    homeserverUrl: "http://127.0.0.1:9",
    neighborhood: { name: "Test Block", serverName, publicUrl: "https://block.test", operators: [alice] },
    storePath: ":memory:",
    port: 0,
    matrix: new FakeMatrix(),
    log: new CapturingLog(),
    ...overrides,
  });
}

let eventCounter = 0;

export function messageEvent(roomId: string, body: string, senderId = alice): MatrixEvent {
  eventCounter += 1;
  return {
    event_id: `$ev${eventCounter}_${body.replace(/\W/g, "")}`,
    room_id: roomId,
    sender: senderId,
    type: "m.room.message",
    content: { msgtype: "m.text", body },
    origin_server_ts: 1_700_000_000_000 + eventCounter,
  };
}

export function memberEvent(roomId: string, senderId: string, target: string, content: Record<string, unknown>): MatrixEvent {
  eventCounter += 1;
  return {
    event_id: `$member${eventCounter}`,
    room_id: roomId,
    sender: senderId,
    type: "m.room.member",
    state_key: target,
    content,
    origin_server_ts: 1_700_000_000_000 + eventCounter,
  };
}

export function putTransaction(
  host: AppserviceHost,
  txnId: string,
  body: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${hsToken}` },
): Promise<Response> {
  return fetch(`${host.url}/_matrix/app/v1/transactions/${encodeURIComponent(txnId)}`, {
    method: "PUT",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export function sendEvents(host: AppserviceHost, txnId: string, events: MatrixEvent[]): Promise<Response> {
  return putTransaction(host, txnId, { events });
}

/** A temp directory for store files, removed by the returned cleanup. */
export function tempStoreDir(): { path: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "blockshare-appservice-"));
  return { path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A promise with its resolve handle, to hold a handler until the test lets it go. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Waits (bounded) until `condition` holds; throws with `what` if it never does. */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
