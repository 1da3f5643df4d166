// Which bot user is in which room, and whether that room is a direct chat for that bot (from `is_direct`
// on the invite). Written from m.room.member events, read to route events and to answer isDirectRoom.
import type { DatabaseSync, StatementSync } from "node:sqlite";

export class BotMembership {
  readonly #upsertInvite: StatementSync;
  readonly #upsertJoin: StatementSync;
  readonly #remove: StatementSync;
  readonly #joinedBots: StatementSync;
  readonly #joinedRooms: StatementSync;
  readonly #isDirect: StatementSync;

  constructor(db: DatabaseSync) {
    this.#upsertInvite = db.prepare(
      `INSERT INTO bot_membership (bot_user_id, room_id, membership, is_direct) VALUES (?, ?, 'invite', ?)
       ON CONFLICT (bot_user_id, room_id) DO UPDATE SET membership = 'invite', is_direct = excluded.is_direct`,
    );
    // A join keeps what the invite said about is_direct: the join event itself does not repeat it.
    this.#upsertJoin = db.prepare(
      `INSERT INTO bot_membership (bot_user_id, room_id, membership, is_direct) VALUES (?, ?, 'join', 0)
       ON CONFLICT (bot_user_id, room_id) DO UPDATE SET membership = 'join'`,
    );
    this.#remove = db.prepare("DELETE FROM bot_membership WHERE bot_user_id = ? AND room_id = ?");
    this.#joinedBots = db.prepare(
      "SELECT bot_user_id FROM bot_membership WHERE room_id = ? AND membership = 'join' ORDER BY bot_user_id",
    );
    this.#joinedRooms = db.prepare(
      "SELECT room_id FROM bot_membership WHERE bot_user_id = ? AND membership = 'join' ORDER BY room_id",
    );
    this.#isDirect = db.prepare("SELECT is_direct FROM bot_membership WHERE bot_user_id = ? AND room_id = ?");
  }

  recordInvite(botUserId: string, roomId: string, isDirect: boolean): void {
    this.#upsertInvite.run(botUserId, roomId, isDirect ? 1 : 0);
  }

  recordJoin(botUserId: string, roomId: string): void {
    this.#upsertJoin.run(botUserId, roomId);
  }

  /** Leave, kick or ban: the bot is no longer in the room. */
  recordDeparture(botUserId: string, roomId: string): void {
    this.#remove.run(botUserId, roomId);
  }

  joinedBots(roomId: string): string[] {
    return this.#joinedBots.all(roomId).map((row) => String(row.bot_user_id));
  }

  joinedRooms(botUserId: string): string[] {
    return this.#joinedRooms.all(botUserId).map((row) => String(row.room_id));
  }

  isDirect(botUserId: string, roomId: string): boolean {
    return this.#isDirect.get(botUserId, roomId)?.is_direct === 1;
  }
}
