// The end-to-end-encryption parts of an appservice transaction, for the bots' devices: to-device messages
// (MSC2409/MSC4203, sent because the registration has receive_ephemeral and Synapse has
// msc2409_to_device_messages_enabled), and device-list changes, one-time-key counts and unused fallback keys
// (MSC3202, `org.matrix.msc3202: true`). Synapse 1.163 still sends them under these unstable names
// (synapse/appservice/api.py push_bulk). Pure: a body in, the parts per bot out.

import { isJsonObject } from "../../common/jsonObject.ts";

/** One bot device's share of a transaction, as OlmMachine.receiveSyncChanges takes it. */
export interface DeviceSyncChanges {
  /** To-device events addressed to this device, without the routing fields Synapse adds. */
  toDevice: Record<string, unknown>[];
  /**
   * One-time keys the server still holds for this device, by algorithm; undefined when the transaction did
   * not say. (Empty is not the same: Synapse sends `{}` for a device with none left, and an empty count makes
   * the device upload more.)
   */
  oneTimeKeyCounts: Map<string, number> | undefined;
  /** Fallback key algorithms not used yet; undefined when the transaction said nothing. */
  unusedFallbackKeys: Set<string> | undefined;
}

export interface CryptoTransactionParts {
  /** By user id, then device id. */
  devices: Map<string, Map<string, DeviceSyncChanges>>;
  /** Users whose device lists changed, or who no longer share a room with us (for every bot device). */
  deviceLists: { changed: string[]; left: string[] };
}

const toDeviceKey = "de.sorunome.msc2409.to_device";
const oneTimeKeysKey = "org.matrix.msc3202.device_one_time_keys_count";
const oneTimeKeysOldKey = "org.matrix.msc3202.device_one_time_key_counts";
const fallbackKeysKey = "org.matrix.msc3202.device_unused_fallback_key_types";
const deviceListsKey = "org.matrix.msc3202.device_lists";

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/** Per user, per device: the record found there (malformed entries are skipped, never thrown on). */
function perDevice(value: unknown): [string, string, unknown][] {
  if (!isJsonObject(value)) return [];
  return Object.entries(value).flatMap(([userId, devices]) =>
    isJsonObject(devices) ? Object.entries(devices).map(([deviceId, entry]): [string, string, unknown] => [userId, deviceId, entry]) : [],
  );
}

/** True when the body carries anything for the bots' devices. */
export function hasCryptoParts(body: Record<string, unknown>): boolean {
  return [toDeviceKey, oneTimeKeysKey, oneTimeKeysOldKey, fallbackKeysKey, deviceListsKey].some((key) => body[key] !== undefined);
}

export function readCryptoParts(body: Record<string, unknown>): CryptoTransactionParts {
  const devices = new Map<string, Map<string, DeviceSyncChanges>>();
  const device = (userId: string, deviceId: string): DeviceSyncChanges => {
    let ofUser = devices.get(userId);
    if (ofUser === undefined) devices.set(userId, (ofUser = new Map()));
    let changes = ofUser.get(deviceId);
    if (changes === undefined) ofUser.set(deviceId, (changes = { toDevice: [], oneTimeKeyCounts: undefined, unusedFallbackKeys: undefined }));
    return changes;
  };

  const toDevice = Array.isArray(body[toDeviceKey]) ? (body[toDeviceKey] as unknown[]) : [];
  for (const message of toDevice) {
    if (!isJsonObject(message)) continue;
    const { to_user_id: userId, to_device_id: deviceId, ...event } = message;
    if (typeof userId !== "string" || typeof deviceId !== "string" || typeof event.type !== "string") continue;
    device(userId, deviceId).toDevice.push(event);
  }
  for (const [userId, deviceId, counts] of perDevice(body[oneTimeKeysKey] ?? body[oneTimeKeysOldKey])) {
    if (!isJsonObject(counts)) continue;
    const target = new Map<string, number>();
    device(userId, deviceId).oneTimeKeyCounts = target;
    for (const [algorithm, count] of Object.entries(counts)) if (typeof count === "number") target.set(algorithm, count);
  }
  for (const [userId, deviceId, algorithms] of perDevice(body[fallbackKeysKey])) {
    device(userId, deviceId).unusedFallbackKeys = new Set(strings(algorithms));
  }
  const lists = isJsonObject(body[deviceListsKey]) ? body[deviceListsKey] : {};
  return { devices, deviceLists: { changed: strings(lists.changed), left: strings(lists.left) } };
}
