// Who must be able to read what a bot sends in an encrypted room: its joined and invited members. Asked of
// the homeserver once per room and kept until a membership event for that room reaches the host (the router
// sees every one in the bots' rooms, before the events that follow it), so an encrypted reply does not wait
// for a members request each time (about 60 ms under load, measured by the e2ee-bot-rtt benchmark).
export class RoomMembers {
  readonly #cache = new Map<string, Promise<string[]>>();

  /** A membership in the room changed: ask again next time. */
  forget(roomId: string): void {
    this.#cache.delete(roomId);
  }

  of(roomId: string, lookup: () => Promise<string[]>): Promise<string[]> {
    const cached = this.#cache.get(roomId);
    if (cached !== undefined) return cached;
    const asked = lookup();
    this.#cache.set(roomId, asked);
    // A failed lookup is not kept.
    asked.catch(() => {
      if (this.#cache.get(roomId) === asked) this.#cache.delete(roomId);
    });
    return asked;
  }
}
