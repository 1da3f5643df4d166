// Which bot user is in which room, and whether that room is a direct chat for that bot (from `is_direct`
// on the invite). Written from m.room.member events, read to route events and to answer isDirectRoom.
// Reads come from an in-memory copy (every event is routed through it); writes go to SQLite and the copy.
import type { DatabaseSync, StatementSync } from "node:sqlite";

interface Membership {
  membership: "invite" | "join";
  isDirect: boolean;
}

export class BotMembership {
  readonly #upsertInvite: StatementSync;
  readonly #upsertJoin: StatementSync;
  readonly #remove: StatementSync;
  /** room id → bot user id → membership */
  readonly #rooms = new Map<string, Map<string, Membership>>();

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
    for (const row of db.prepare("SELECT bot_user_id, room_id, membership, is_direct FROM bot_membership").all()) {
      this.#set(String(row.bot_user_id), String(row.room_id), {
        membership: row.membership === "join" ? "join" : "invite",
        isDirect: row.is_direct === 1,
      });
    }
  }

  recordInvite(botUserId: string, roomId: string, isDirect: boolean): void {
    this.#upsertInvite.run(botUserId, roomId, isDirect ? 1 : 0);
    this.#set(botUserId, roomId, { membership: "invite", isDirect });
  }

  recordJoin(botUserId: string, roomId: string): void {
    this.#upsertJoin.run(botUserId, roomId);
    this.#set(botUserId, roomId, { membership: "join", isDirect: this.isDirect(botUserId, roomId) });
  }

  /** Leave, kick or ban: the bot is no longer in the room. */
  recordDeparture(botUserId: string, roomId: string): void {
    this.#remove.run(botUserId, roomId);
    this.#rooms.get(roomId)?.delete(botUserId);
  }

  joinedBots(roomId: string): string[] {
    return [...(this.#rooms.get(roomId) ?? [])]
      .filter(([, m]) => m.membership === "join")
      .map(([bot]) => bot)
      .sort();
  }

  joinedRooms(botUserId: string): string[] {
    return [...this.#rooms]
      .filter(([, bots]) => bots.get(botUserId)?.membership === "join")
      .map(([room]) => room)
      .sort();
  }

  isDirect(botUserId: string, roomId: string): boolean {
    return this.#rooms.get(roomId)?.get(botUserId)?.isDirect ?? false;
  }

  #set(botUserId: string, roomId: string, membership: Membership): void {
    const bots = this.#rooms.get(roomId) ?? new Map<string, Membership>();
    bots.set(botUserId, membership);
    this.#rooms.set(roomId, bots);
  }
}
