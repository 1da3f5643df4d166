// Strict order within a room, rooms in parallel: one drain loop per room with pending events.
import type { MatrixEvent } from "../../bots/framework/contract.ts";
import type { InboxEntry } from "./transactionInbox.ts";

export interface RoomQueuesOptions {
  /** Handles one event; a rejection is reported to `failed` and the room moves on. */
  deliver(event: MatrixEvent): Promise<void>;
  /** Called once the event is done with (handled or failed), so its inbox row can go. */
  settled(seq: number): void;
  failed(error: unknown, event: MatrixEvent): void;
}

interface RoomQueue {
  entries: InboxEntry[];
  head: number;
}

export class RoomQueues {
  readonly #options: RoomQueuesOptions;
  readonly #rooms = new Map<string, RoomQueue>();
  #idleWaiters: Array<() => void> = [];
  #stopped = false;

  constructor(options: RoomQueuesOptions) {
    this.#options = options;
  }

  enqueue(entries: readonly InboxEntry[]): void {
    if (this.#stopped) return;
    for (const entry of entries) {
      const roomId = entry.event.room_id;
      const queue = this.#rooms.get(roomId);
      if (queue) {
        queue.entries.push(entry);
      } else {
        const created: RoomQueue = { entries: [entry], head: 0 };
        this.#rooms.set(roomId, created);
        // Started on a microtask so the caller (the HTTP ack) finishes first.
        queueMicrotask(() => void this.#drain(roomId, created));
      }
    }
  }

  /** Number of rooms with events pending or in progress. */
  get busyRooms(): number {
    return this.#rooms.size;
  }

  /** Resolves once every queued event has been handled (or the queues were stopped). */
  whenIdle(): Promise<void> {
    if (this.#rooms.size === 0 || this.#stopped) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Starts no further events. A handler still running is abandoned, not awaited: its row stays in the inbox
   * and is replayed on the next start (at-least-once).
   */
  stop(): void {
    this.#stopped = true;
    this.#rooms.clear();
    this.#wakeIdleWaiters();
  }

  async #drain(roomId: string, queue: RoomQueue): Promise<void> {
    while (queue.head < queue.entries.length && !this.#stopped) {
      const entry = queue.entries[queue.head]!;
      try {
        await this.#options.deliver(entry.event);
      } catch (error) {
        this.#options.failed(error, entry.event);
      }
      if (this.#stopped) return;
      this.#options.settled(entry.seq);
      queue.head += 1;
      // Drop the handled prefix now and then, so a long-busy room does not keep every event it ever saw.
      if (queue.head >= 1024) {
        queue.entries.splice(0, queue.head);
        queue.head = 0;
      }
    }
    this.#rooms.delete(roomId);
    if (this.#rooms.size === 0) this.#wakeIdleWaiters();
  }

  #wakeIdleWaiters(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    waiters.forEach((wake) => wake());
  }
}
