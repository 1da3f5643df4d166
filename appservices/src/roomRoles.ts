// Where each room sits in the neighborhood (space, lobby, sharing, ...), as provisioning recorded it.
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { RoomRole } from "../../bots/framework/contract.ts";

const knownRoles: ReadonlySet<string> = new Set<RoomRole>(["space", "lobby", "sharing", "exchange", "governance", "mesh-alerts", "board-sync"]);

function isRoomRole(value: unknown): value is RoomRole {
  return typeof value === "string" && knownRoles.has(value);
}

export class RoomRoles {
  readonly #upsert: StatementSync;
  readonly #remove: StatementSync;
  readonly #find: StatementSync;
  readonly #findByRole: StatementSync;

  constructor(db: DatabaseSync) {
    this.#upsert = db.prepare("INSERT INTO room_roles (room_id, role) VALUES (?, ?) ON CONFLICT (room_id) DO UPDATE SET role = excluded.role");
    this.#remove = db.prepare("DELETE FROM room_roles WHERE room_id = ?");
    this.#find = db.prepare("SELECT role FROM room_roles WHERE room_id = ?");
    this.#findByRole = db.prepare("SELECT room_id FROM room_roles WHERE role = ? ORDER BY room_id");
  }

  setRoomRole(roomId: string, role: RoomRole): void {
    // Checked at run time too: provisioning may pass a value read from a config file.
    if (!isRoomRole(role)) throw new Error(`unknown room role "${String(role)}"; allowed: ${[...knownRoles].join(", ")}`);
    this.#upsert.run(roomId, role);
  }

  clearRoomRole(roomId: string): void {
    this.#remove.run(roomId);
  }

  roomRole(roomId: string): RoomRole | undefined {
    const role = this.#find.get(roomId)?.role;
    return isRoomRole(role) ? role : undefined;
  }

  roomsWithRole(role: RoomRole): string[] {
    return this.#findByRole.all(role).map((row) => String(row.room_id));
  }
}
