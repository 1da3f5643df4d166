// What `!mesh status` and `!mesh node <name>` show: what is broken now, what is held back, who looks
// after what. Read-only views over the store (pure); meshWords.ts says them.

import { nodesOf, type Incident } from "./incident.ts";
import type { MeshState, UplinkOutage } from "./meshState.ts";
import type { IncidentLine, NodeView, StatusView } from "./meshOutcomes.ts";
import { sameNode } from "./nodeNames.ts";

function byStart(a: Incident, b: Incident): number {
  return b.startsAt - a.startsAt;
}

function lineOf(state: MeshState, now: number): (incident: Incident) => IncidentLine {
  return (incident) => ({ incident, heldBack: incident.message === undefined && state.silences.coversAny(nodesOf(incident), now) });
}

export function statusView(state: MeshState, outage: UplinkOutage | undefined, now: number): StatusView {
  return { now, outage, open: state.book.allFiring().sort(byStart).map(lineOf(state, now)), silences: state.silences.all(now) };
}

function isAbout(node: string): (incident: Incident) => boolean {
  return (incident) => nodesOf(incident).some((name) => sameNode(name, node));
}

export function nodeView(node: string, state: MeshState, now: number): NodeView {
  return {
    node,
    owners: state.owners.of(node),
    silence: state.silences.active(node, now),
    open: state.book.allFiring().filter(isAbout(node)).sort(byStart).map(lineOf(state, now)),
    ended: [...state.book.allEnding(), ...state.book.allEnded()].filter(isAbout(node)).sort(byStart),
  };
}

/** Whether any incident, open or recent, names this node: a typo in `!mesh adopt` gets a hint. */
export function nodeIsKnown(node: string, state: MeshState): boolean {
  const about = isAbout(node);
  return state.book.allFiring().some(about) || state.book.allEnding().some(about) || state.book.allEnded().some(about);
}
