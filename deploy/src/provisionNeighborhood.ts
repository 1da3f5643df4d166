// Makes the homeserver hold the neighborhood's space and rooms with their bots. Idempotent: every run
// finds what exists by alias and only adds what is missing.
import "../../appservices/src/quietMatrixSdkLogs.ts"; // before matrix-js-sdk loads
import * as sdk from "matrix-js-sdk";
import type { RoomRole } from "../../bots/framework/contract.ts";
import { createAppserviceClient } from "../../appservices/src/appserviceClient.ts";
import { hostOf } from "../../homeserver-config/communityCa.ts";
import { NEIGHBORHOOD_ROOMS, SPACE, openBoardNote, type RoomPlan } from "./neighborhoodRooms.ts";

export interface ProvisioningInput {
  homeserverUrl: string;
  serverName: string;
  neighborhoodName: string;
  asToken: string;
  /** The appservice's own user, which creates and administers the rooms. */
  senderUserId: string;
  operatorUserId: string;
  /** Localparts of the bots this box runs: a room's planned bots that are not running are left out. */
  runningBots: readonly string[];
  /** Server names of the pact's blocks: the only servers the shared rooms' ACL allows besides this one. */
  pact: readonly string[];
  /** Records where each room sits, so bots know which room is the Lobby. */
  recordRoomRole(roomId: string, role: RoomRole): void;
}

/** Resolves to the room id of each role. */
export async function provisionNeighborhood(input: ProvisioningInput): Promise<Map<RoomRole, string>> {
  const sender = clientFor(input, input.senderUserId);
  const rooms = new Map<RoomRole, string>();
  const spaceId = await ensureRoom(input, sender, { ...SPACE, name: input.neighborhoodName }, true);
  rooms.set("space", spaceId);
  input.recordRoomRole(spaceId, "space");
  const running = new Set(input.runningBots);
  for (const planned of NEIGHBORHOOD_ROOMS) {
    const plan = { ...planned, bots: planned.bots.filter((bot) => running.has(bot)) };
    const roomId = await ensureRoom(input, sender, plan, false);
    rooms.set(plan.role, roomId);
    input.recordRoomRole(roomId, plan.role);
    if (plan.inSpace) await linkToSpace(sender, spaceId, roomId, input.serverName);
    if (plan.reach === "pact") await ensureServerAcl(sender, roomId, input.serverName, input.pact);
    await addOpenBoardNote(sender, roomId, plan.topic);
    // Also for rooms made before a bot existed (an upgraded box): bots moderate their own messages.
    await ensurePowerLevels(
      sender,
      roomId,
      plan.bots.map((bot) => `@${bot}:${input.serverName}`),
      50,
    );
    for (const bot of plan.bots) {
      // Rooms are public, so a bot joins directly; its membership reaches the host as a transaction.
      await clientFor(input, `@${bot}:${input.serverName}`).joinRoom(roomId);
    }
  }
  return rooms;
}

/**
 * A room made before its topic said it is not encrypted gets the note, if its topic is still the one
 * provisioning gave it (a topic the block changed is left alone).
 */
async function addOpenBoardNote(sender: sdk.MatrixClient, roomId: string, topic: string): Promise<void> {
  const content = (await sender.getStateEvent(roomId, sdk.EventType.RoomTopic, "").catch(() => undefined)) as { topic?: unknown } | undefined;
  if (content?.topic !== topic.replace(` ${openBoardNote}`, "")) return;
  await sender.setRoomTopic(roomId, topic);
}

function clientFor(input: ProvisioningInput, userId: string): sdk.MatrixClient {
  return createAppserviceClient({ homeserverUrl: input.homeserverUrl, asToken: input.asToken, userId });
}

async function ensureRoom(input: ProvisioningInput, sender: sdk.MatrixClient, plan: RoomPlan, isSpace: boolean): Promise<string> {
  const alias = `#${plan.alias}:${input.serverName}`;
  try {
    return (await sender.getRoomIdForAlias(alias)).room_id;
  } catch (error) {
    if ((error as { errcode?: string }).errcode !== "M_NOT_FOUND") throw error;
  }
  const botUsers = Object.fromEntries(plan.bots.map((bot) => [`@${bot}:${input.serverName}`, 50]));
  const { room_id } = await sender.createRoom({
    room_alias_name: plan.alias,
    name: plan.name,
    topic: plan.topic,
    preset: sdk.Preset.PublicChat,
    visibility: sdk.Visibility.Public,
    // Block-only rooms can never be joined from another server, whatever the pact says later.
    creation_content: { ...(isSpace ? { type: "m.space" } : {}), ...(plan.reach === "block" ? { "m.federate": false } : {}) },
    power_level_content_override: {
      // The creator (our sender) is not listed: room version 12 gives creators their power implicitly.
      users: { [input.operatorUserId]: 100, ...botUsers },
    },
    initial_state: [
      { type: "m.room.history_visibility", state_key: "", content: { history_visibility: "shared" } },
      { type: "m.room.guest_access", state_key: "", content: { guest_access: "forbidden" } },
    ],
  });
  return room_id;
}

async function ensurePowerLevels(sender: sdk.MatrixClient, roomId: string, userIds: readonly string[], level: number): Promise<void> {
  const content = (await sender.getStateEvent(roomId, sdk.EventType.RoomPowerLevels, "")) as { users?: Record<string, number> };
  const users = content.users ?? {};
  if (userIds.every((userId) => (users[userId] ?? 0) >= level)) return;
  const raised = Object.fromEntries(userIds.map((userId) => [userId, Math.max(users[userId] ?? 0, level)]));
  await sender.sendStateEvent(roomId, sdk.EventType.RoomPowerLevels, { ...content, users: { ...users, ...raised } } as never, "");
}

/**
 * The ACL a shared room carries: this block and the pact's blocks. The spec matches ACLs on host names
 * (ports ignored), but Synapse checks its own name with the port when the ACL is set, so each server is
 * listed both ways; either form names exactly one pact member.
 */
export function pactServerAcl(serverName: string, pact: readonly string[]): { allow: string[]; deny: string[]; allow_ip_literals: boolean } {
  const forms = (name: string) => [name, hostOf(name)];
  return { allow: [...new Set([serverName, ...pact].flatMap(forms))].sort(), deny: [], allow_ip_literals: false };
}

/** Sets the shared room's server ACL to the current pact (only when it differs: each change is an event). */
export async function ensureServerAcl(client: sdk.MatrixClient, roomId: string, serverName: string, pact: readonly string[]): Promise<void> {
  const wanted = pactServerAcl(serverName, pact);
  let current: unknown;
  try {
    current = await client.getStateEvent(roomId, sdk.EventType.RoomServerAcl, "");
  } catch (error) {
    if ((error as { errcode?: string }).errcode !== "M_NOT_FOUND") throw error;
  }
  if (JSON.stringify(current) === JSON.stringify(wanted)) return;
  await client.sendStateEvent(roomId, sdk.EventType.RoomServerAcl, wanted as never, "");
}

async function linkToSpace(sender: sdk.MatrixClient, spaceId: string, roomId: string, serverName: string): Promise<void> {
  const via = [serverName];
  if (!(await hasState(sender, spaceId, sdk.EventType.SpaceChild, roomId))) {
    await sender.sendStateEvent(spaceId, sdk.EventType.SpaceChild, { via, suggested: true }, roomId);
  }
  if (!(await hasState(sender, roomId, sdk.EventType.SpaceParent, spaceId))) {
    await sender.sendStateEvent(roomId, sdk.EventType.SpaceParent, { via, canonical: true }, spaceId);
  }
}

async function hasState(client: sdk.MatrixClient, roomId: string, type: string, stateKey: string): Promise<boolean> {
  try {
    const content = await client.getStateEvent(roomId, type, stateKey);
    return Object.keys(content).length > 0;
  } catch (error) {
    if ((error as { errcode?: string }).errcode === "M_NOT_FOUND") return false;
    throw error;
  }
}
