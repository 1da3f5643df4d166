// The neighborhood's space and rooms, as data: provisioning makes the homeserver match this list.
import type { RoomRole } from "../../bots/framework/contract.ts";

export interface RoomPlan {
  role: RoomRole;
  alias: string;
  name: string;
  topic: string;
  /** Localparts of the bots that live in the room. */
  bots: readonly string[];
  /**
   * "block": created with m.federate false, so no other server can ever join it.
   * "pact": federated, with an m.room.server_acl allowing only the pact's servers (kept current).
   */
  reach: "block" | "pact";
  /** Listed in the space (the board-sync room is for the bots, not for neighbors). */
  inSpace: boolean;
}

export const SPACE: RoomPlan = {
  role: "space",
  alias: "neighborhood",
  name: "Our neighborhood",
  topic: "Everything on this block's own server: chat, sharing, decisions, and the mesh.",
  bots: [],
  reach: "block",
  inSpace: false,
};

/**
 * Community rooms are the block's open board, unencrypted on purpose (the bots and every newcomer read their
 * history); private rooms and direct chats are end-to-end encrypted. Each community room's topic says so.
 */
export const openBoardNote = "Not end-to-end encrypted: an open board. For private talk, start a direct chat.";

// Topics say who can see the room, so the space itself shows what is shared and what stays on the block.
export const NEIGHBORHOOD_ROOMS: readonly RoomPlan[] = [
  {
    role: "lobby",
    alias: "lobby",
    name: "Lobby",
    topic: `This block only. Say hello, ask anything. Type !help to see what the bots can do. ${openBoardNote}`,
    bots: ["porch", "mesh"],
    reach: "block",
    inSpace: true,
  },
  {
    role: "sharing",
    alias: "sharing",
    name: "Sharing",
    topic: `This block only (listings marked #shared also reach neighboring blocks). Give away, ask for and lend things. ${openBoardNote}`,
    bots: ["share"],
    reach: "block",
    inSpace: true,
  },
  {
    role: "exchange",
    alias: "exchange",
    name: "Exchange",
    topic: `Shared with the neighboring blocks in our pact: meet and talk with them here. ${openBoardNote}`,
    bots: [],
    reach: "pact",
    inSpace: true,
  },
  {
    role: "governance",
    alias: "governance",
    name: "Governance",
    topic: `This block only. Proposals and decisions of the block and the network co-op. ${openBoardNote}`,
    bots: ["polls"],
    reach: "block",
    inSpace: true,
  },
  {
    role: "mesh-alerts",
    alias: "mesh-alerts",
    name: "Mesh alerts",
    topic: `This block only. What is up and down on the block's wifi mesh. ${openBoardNote}`,
    bots: ["mesh"],
    reach: "block",
    inSpace: true,
  },
  {
    role: "board-sync",
    alias: "board-sync",
    name: "Sharing board sync",
    topic: `Where the share bots of the pact's blocks exchange board updates. Not for chat. ${openBoardNote}`,
    bots: ["share"],
    reach: "pact",
    inSpace: false,
  },
];
