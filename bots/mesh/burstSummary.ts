// Many incidents due at once become one summary message in Mesh alerts, edited when the last of them
// is resolved. Each incident still has its own record (for !mesh status, silences and the Lobby).

import type { BotContext } from "../framework/contract.ts";
import { failed, isDue, succeeded, tellOwners, type Retrying } from "./delivery.ts";
import { nodesOf, type Incident } from "./incident.ts";
import { speakerFor } from "../framework/speak.ts";
import { burstMessage, burstResolvedMessage, ownerBurstNotice } from "./meshWords.ts";
import type { MeshState } from "./meshState.ts";

const burstPrefix = "burst/";

interface Burst extends Retrying {
  roomId: string;
  eventId: string;
  since: number;
  /** The incidents it stands for, by alert key and incident id. */
  members: { key: string; id: string }[];
}

export async function postBurst(context: BotContext, state: MeshState, incidents: readonly Incident[], roomId: string): Promise<void> {
  const now = context.now();
  const ownersByIncident = incidents.map((incident) => state.owners.ofAny(nodesOf(incident)));
  const owners = [...new Set(ownersByIncident.flat())];
  let eventId: string;
  try {
    eventId = await context.actions.sendMessage(roomId, burstMessage(speakerFor(context), incidents, owners));
  } catch (error) {
    context.log.error(`posting a summary of ${incidents.length} incidents`, error);
    for (const incident of incidents) state.book.save(failed(incident, now));
    return;
  }
  const burst: Burst = {
    roomId,
    eventId,
    since: Math.min(...incidents.map((incident) => incident.startsAt)),
    members: incidents.map(({ key, id }) => ({ key, id })),
    failures: 0,
  };
  context.store.put(burstPrefix + encodeURIComponent(eventId), burst);
  incidents.forEach((incident, index) => {
    state.book.save(succeeded({ ...incident, message: { roomId, eventId }, summarized: true, ownersTold: ownersByIncident[index] ?? [] }));
  });
  // One DM per owner for the whole burst, listing their incidents.
  for (const owner of owners) {
    const theirs = incidents.filter((_, index) => ownersByIncident[index]?.includes(owner));
    await tellOwners(context, [owner], (speaker) => ownerBurstNotice(speaker, theirs));
  }
}

/** Edits each summary whose incidents are all resolved. */
export async function syncBursts(context: BotContext, state: MeshState): Promise<void> {
  const now = context.now();
  for (const key of context.store.keys(burstPrefix)) {
    const burst = context.store.get<Burst>(key);
    if (burst === undefined || !isDue(burst, now)) continue;
    if (burst.members.some((member) => state.book.firing(member.key)?.id === member.id)) continue;
    try {
      await context.actions.editMessage(burst.roomId, burst.eventId, burstResolvedMessage(speakerFor(context), burst.members.length, burst.since, now));
      context.store.delete(key);
    } catch (error) {
      context.log.error("editing a summary of incidents as resolved", error);
      const retried = failed(burst, now);
      if (retried.failures >= 25) context.store.delete(key);
      else context.store.put(key, retried);
    }
  }
}
