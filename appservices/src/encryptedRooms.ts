// Which rooms are end-to-end encrypted, so a bot's messages there go out encrypted. Encryption, once on,
// stays on (the spec forbids turning it off): a room seen encrypted is remembered for good; a room not
// (yet) encrypted is asked about again after an m.room.encryption event arrives, or after a while.

const recheckAfterMs = 60_000;

export class EncryptedRooms {
  readonly #encrypted = new Set<string>();
  /** Rooms the homeserver said were not encrypted, and when it said so. */
  readonly #plain = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** An m.room.encryption state event arrived for the room. */
  markEncrypted(roomId: string): void {
    this.#encrypted.add(roomId);
    this.#plain.delete(roomId);
  }

  /** True when the room is encrypted; `lookup` reads its m.room.encryption state when nothing fresh is known. */
  async isEncrypted(roomId: string, lookup: () => Promise<Record<string, unknown> | undefined>): Promise<boolean> {
    if (this.#encrypted.has(roomId)) return true;
    const checked = this.#plain.get(roomId);
    if (checked !== undefined && this.#now() - checked < recheckAfterMs) return false;
    const state = await lookup();
    if (typeof state?.algorithm === "string") {
      this.markEncrypted(roomId);
      return true;
    }
    this.#plain.set(roomId, this.#now());
    return false;
  }
}
