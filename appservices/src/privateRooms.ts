// Each bot's private (direct) room with a neighbor: recorded when the neighbor opens a DM with the bot
// (an is_direct invite) or when the bot opens one, so the bot reuses it instead of inviting again.
import type { DatabaseSync, StatementSync } from "node:sqlite";

export class PrivateRooms {
  readonly #find: StatementSync;
  readonly #record: StatementSync;
  readonly #forget: StatementSync;
  readonly #forgetPartner: StatementSync;

  constructor(db: DatabaseSync) {
    this.#find = db.prepare("SELECT room_id FROM private_rooms WHERE bot_user_id = ? AND user_id = ?");
    this.#record = db.prepare(
      "INSERT INTO private_rooms (bot_user_id, user_id, room_id) VALUES (?, ?, ?) ON CONFLICT (bot_user_id, user_id) DO UPDATE SET room_id = excluded.room_id",
    );
    this.#forget = db.prepare("DELETE FROM private_rooms WHERE bot_user_id = ? AND room_id = ?");
    this.#forgetPartner = db.prepare("DELETE FROM private_rooms WHERE user_id = ? AND room_id = ?");
  }

  roomWith(botUserId: string, userId: string): string | undefined {
    const row = this.#find.get(botUserId, userId);
    return row === undefined ? undefined : String(row.room_id);
  }

  record(botUserId: string, userId: string, roomId: string): void {
    this.#record.run(botUserId, userId, roomId);
  }

  /** The neighbor left or the bot was removed: the next DM opens a fresh room. */
  forgetRoom(botUserId: string, roomId: string): void {
    this.#forget.run(botUserId, roomId);
  }

  /** The neighbor left their private room with a bot. */
  forgetPartner(userId: string, roomId: string): void {
    this.#forgetPartner.run(userId, roomId);
  }
}
