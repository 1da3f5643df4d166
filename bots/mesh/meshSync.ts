// Makes Matrix show what the store says: post incidents that are due (not silenced, not yet posted),
// edit resolved ones, tell owners, and keep the Lobby's uplink notices to one per outage. Runs after
// every webhook and on every tick, so a failed send, a restart or an ended silence is caught up on.

import type { BotContext } from "../framework/contract.ts";
import { postBurst, syncBursts } from "./burstSummary.ts";
import { failed, isDue, succeeded, tellOwners } from "./delivery.ts";
import { isUplinkAlert } from "./alertWording.ts";
import { nodesOf, type Incident } from "./incident.ts";
import { speakerFor, type Speaker } from "../framework/speak.ts";
import { firingMessage, ownerFiringNotice, ownerResolvedNotice, resolvedMessage, uplinkBackNotice, uplinkDownNotice } from "./meshWords.ts";
import { meshState, uplinkKey, uplinkOutage, type MeshState } from "./meshState.ts";
import { operatorChat, roleRoom } from "./roleRooms.ts";
import { audienceOf, isSimulated } from "./alertAudience.ts";

const prunedAtKey = "pruned-at";
const pruneEveryMs = 60 * 60 * 1000;
/** An edit that failed this often (about 3 hours of retries) is given up: the room or message is gone. */
const maxEditFailures = 25;
/** More incidents than this due at once are posted as one summary. */
export const burstThreshold = 5;

/** Who reads an incident's message: the block in Mesh alerts, the operator in a simulation's private chat. */
function readerOf(context: BotContext, incident: Incident): Speaker {
  const [operator] = context.neighborhood.operators;
  return audienceOf(incident) === "operator" && operator !== undefined ? speakerFor(context, operator) : speakerFor(context);
}

async function postFiring(context: BotContext, state: MeshState, incident: Incident, roomId: string): Promise<void> {
  const now = context.now();
  const owners = state.owners.ofAny(nodesOf(incident));
  let posted: Incident;
  try {
    const eventId = await context.actions.sendMessage(roomId, firingMessage(readerOf(context, incident), incident, owners));
    posted = succeeded({ ...incident, message: { roomId, eventId } });
  } catch (error) {
    context.log.error(`posting incident ${incident.id}`, error);
    state.book.save(failed(incident, now));
    return;
  }
  // Saved before the DMs, so a crash while telling owners never posts the incident twice.
  state.book.save({ ...posted, ownersTold: owners });
  await tellOwners(
    context,
    owners.filter((owner) => !incident.ownersTold.includes(owner)),
    (speaker) => ownerFiringNotice(speaker, incident),
  );
}

async function showResolved(context: BotContext, state: MeshState, incident: Incident): Promise<void> {
  const { message } = incident;
  if (message === undefined) return;
  const owners = state.owners.ofAny(nodesOf(incident));
  try {
    await context.actions.editMessage(message.roomId, message.eventId, resolvedMessage(readerOf(context, incident), incident, owners));
  } catch (error) {
    context.log.error(`editing incident ${incident.id} as resolved`, error);
    const retried = failed(incident, context.now());
    state.book.save(retried.failures >= maxEditFailures ? { ...retried, resolvedShown: true } : retried);
    return;
  }
  state.book.save(succeeded({ ...incident, resolvedShown: true }));
  await tellOwners(context, incident.ownersTold, (speaker) => ownerResolvedNotice(speaker, incident));
}

async function syncIncidents(context: BotContext, state: MeshState, firing: readonly Incident[]): Promise<void> {
  const now = context.now();
  const due = firing.filter((incident) => incident.message === undefined && isDue(incident, now) && !state.silences.coversAny(nodesOf(incident), now));
  const forRoom = due.filter((incident) => audienceOf(incident) === "room");
  const forOperator = due.filter((incident) => audienceOf(incident) === "operator");
  // Looked up (and joined) only when something is to be posted: most ticks have nothing to do.
  const alertsRoom = forRoom.length > 0 ? await roleRoom(context, "mesh-alerts") : undefined;
  if (alertsRoom !== undefined) {
    // Many at once (a power cut, a big Alertmanager group) make one summary message, not a flood.
    if (forRoom.length > burstThreshold) await postBurst(context, state, forRoom, alertsRoom);
    else for (const incident of forRoom) await postFiring(context, state, incident, alertsRoom);
  }
  // A simulated mesh's alerts: to the operator, one message each (the demo mesh has few).
  const operatorRoom = forOperator.length > 0 ? await operatorChat(context) : undefined;
  if (operatorRoom !== undefined) for (const incident of forOperator) await postFiring(context, state, incident, operatorRoom);
  else for (const incident of forOperator) state.book.save(failed(incident, now));
  await syncBursts(context, state);
  for (const incident of state.book.allEnding()) {
    if (isDue(incident, now)) await showResolved(context, state, incident);
  }
}

async function announce(context: BotContext, roomId: string, notice: Parameters<BotContext["actions"]["sendMessage"]>[1]): Promise<boolean> {
  try {
    await context.actions.sendMessage(roomId, notice);
    return true;
  } catch (error) {
    context.log.error("telling the Lobby about the internet connection", error);
    return false;
  }
}

/** One "down" notice per outage, whatever number of uplink alerts fire, and one "back" when all are over. */
async function syncUplink(context: BotContext, firing: readonly Incident[]): Promise<void> {
  const now = context.now();
  // A simulated uplink is never announced: the Lobby would believe it.
  const uplinkIncidents = firing.filter((incident) => isUplinkAlert(incident.labels) && !isSimulated(incident.labels));
  const outage = uplinkOutage(context);
  if (uplinkIncidents.length > 0) {
    const current = outage ?? { since: Math.min(...uplinkIncidents.map((incident) => incident.startsAt)), announced: false, failures: 0 };
    if (outage === undefined) context.store.put(uplinkKey, current);
    if (current.announced || !isDue(current, now)) return;
    const lobby = await roleRoom(context, "lobby");
    if (lobby === undefined) return;
    const sent = await announce(context, lobby, uplinkDownNotice(speakerFor(context)));
    context.store.put(uplinkKey, sent ? { since: current.since, announced: true, failures: 0 } : failed(current, now));
    return;
  }
  if (outage === undefined) return;
  if (!outage.announced) {
    context.store.delete(uplinkKey);
    return;
  }
  if (!isDue(outage, now)) return;
  const lobby = await roleRoom(context, "lobby");
  if (lobby === undefined) return;
  const sent = await announce(context, lobby, uplinkBackNotice(speakerFor(context), now - outage.since));
  if (sent) context.store.delete(uplinkKey);
  else context.store.put(uplinkKey, failed(outage, now));
}

function pruneHistory(context: BotContext, state: MeshState): void {
  const now = context.now();
  const prunedAt = context.store.get<number>(prunedAtKey) ?? 0;
  if (now - prunedAt < pruneEveryMs) return;
  state.book.prune(now);
  context.store.put(prunedAtKey, now);
}

export async function syncWithMatrix(context: BotContext): Promise<void> {
  const state = meshState(context);
  // An ended silence just disappears: the incidents it held back are then due and posted below.
  state.silences.expire(context.now());
  const firing = state.book.allFiring();
  await syncIncidents(context, state, firing);
  await syncUplink(context, firing);
  pruneHistory(context, state);
}
