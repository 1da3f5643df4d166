// Before Synapse starts on SQLite: its to-device messages (room keys among them) are numbered, after a restart,
// from the highest id still in its tables (LocalSequenceGenerator, synapse/storage/util/sequence.py), but rows
// are deleted once delivered and with a deleted device, while the appservice's saved position
// (application_services_state.to_device_stream_id) is not. Synapse hands the appservice only messages above
// that position, so the first ones after a restart never reached the bots: a neighbor's room key lost that way
// left the bot unable to read her messages. The position is lowered to the highest id left, which sends nothing
// twice (no row is above it). PostgreSQL keeps a real sequence and needs nothing.
import { existsSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";

/** Lowers the appservices' saved to-device position to the highest to-device id left; returns how many it moved. */
export function lowerAppserviceToDevicePosition(databasePath: string): number {
  if (!existsSync(databasePath)) return 0;
  const db = new DatabaseSync(databasePath);
  try {
    db.exec("PRAGMA busy_timeout = 5000");
    const tables = new Set(
      db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .all()
        .map((row) => String(row.name)),
    );
    if (!["application_services_state", "device_inbox", "device_federation_outbox"].every((table) => tables.has(table))) return 0;
    const highest = "max(coalesce((SELECT max(stream_id) FROM device_inbox), 0), coalesce((SELECT max(stream_id) FROM device_federation_outbox), 0))";
    const result = db.prepare(`UPDATE application_services_state SET to_device_stream_id = ${highest} WHERE to_device_stream_id > ${highest}`).run();
    return Number(result.changes);
  } finally {
    db.close();
  }
}
