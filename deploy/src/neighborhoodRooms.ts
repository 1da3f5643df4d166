// The neighborhood's space and rooms, as data: provisioning makes the homeserver match this list.
import type { RoomRole } from "../../bots/framework/contract.ts";

export interface RoomPlan {
  role: RoomRole;
  alias: string;
  name: string;
  topic: string;
  /** Localparts of the bots that live in the room. */
  bots: readonly string[];
}

export const SPACE: RoomPlan = {
  role: "space",
  alias: "neighborhood",
  name: "Our neighborhood",
  topic: "Everything on this block's own server: chat, sharing, decisions, and the mesh.",
  bots: [],
};

export const NEIGHBORHOOD_ROOMS: readonly RoomPlan[] = [
  { role: "lobby", alias: "lobby", name: "Lobby", topic: "Say hello, ask anything. Type !help to see what the bots can do.", bots: ["porch", "mesh"] },
  { role: "sharing", alias: "sharing", name: "Sharing", topic: "Give away, ask for and lend things to neighbors.", bots: ["share"] },
  { role: "governance", alias: "governance", name: "Governance", topic: "Proposals and decisions of the block and the network co-op.", bots: ["polls"] },
  { role: "mesh-alerts", alias: "mesh-alerts", name: "Mesh alerts", topic: "What is up and down on the block's wifi mesh.", bots: ["mesh"] },
];
