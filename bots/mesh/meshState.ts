// The mesh bot's durable state, in its BotStore: incidents, owners, silences, and the uplink outage.

import type { BotContext } from "../framework/contract.ts";
import type { Retrying } from "./delivery.ts";
import { IncidentBook } from "./incidentBook.ts";
import { NodeOwners } from "./nodeOwners.ts";
import { Silences } from "./silences.ts";

export const uplinkKey = "uplink";

export interface MeshState {
  book: IncidentBook;
  owners: NodeOwners;
  silences: Silences;
}

export function meshState(context: BotContext): MeshState {
  return { book: new IncidentBook(context.store), owners: new NodeOwners(context.store), silences: new Silences(context.store) };
}

/** The block's internet outage as the Lobby was told about it. */
export interface UplinkOutage extends Retrying {
  since: number;
  /** Whether the Lobby got the "down" notice (only then does it get "back"). */
  announced: boolean;
}

export function uplinkOutage(context: BotContext): UplinkOutage | undefined {
  return context.store.get<UplinkOutage>(uplinkKey);
}
