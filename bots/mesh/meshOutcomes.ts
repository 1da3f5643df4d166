// What the mesh bot decided, before any words: the outcome of each `!mesh` subcommand and the read-only
// views `!mesh status` and `!mesh node` show. meshWords.ts turns them into messages in a language.

import type { RichText } from "../framework/contract.ts";
import type { Incident } from "./incident.ts";
import type { UplinkOutage } from "./meshState.ts";
import type { Silence } from "./silences.ts";

export interface IncidentLine {
  incident: Incident;
  /** Not posted because a silence holds it back. */
  heldBack: boolean;
}

export interface StatusView {
  now: number;
  outage: UplinkOutage | undefined;
  /** Newest first. */
  open: IncidentLine[];
  silences: Silence[];
}

export interface NodeView {
  node: string;
  owners: string[];
  silence: Silence | undefined;
  open: IncidentLine[];
  /** Resolved in the last 7 days, newest first. */
  ended: Incident[];
}

export type MeshReply =
  /** `!mesh` alone, `!mesh help`, or a word it does not know. */
  | { kind: "menu"; unknownWord?: string }
  | { kind: "badArguments"; problem: RichText; subcommand: string }
  | { kind: "adopted"; node: string; knownNode: boolean }
  | { kind: "alreadyOwner"; node: string }
  /** Someone not a moderator or operator tried to remove another owner. */
  | { kind: "unadoptRefused" }
  | { kind: "unadopted"; node: string; who: string; self: boolean }
  | { kind: "notOwner"; node: string; who: string; self: boolean }
  | { kind: "manageRefused"; node: string; action: "silence" | "unsilence" }
  | { kind: "silenced"; node: string; lasts: number; until: number; openIncidents: number }
  | { kind: "unsilenced"; node: string }
  | { kind: "notSilenced"; node: string }
  | { kind: "status"; view: StatusView }
  | { kind: "node"; view: NodeView };
