// The !mesh subcommands' decisions as outcomes (no words): what changed in the store and what the
// neighbor is told, before meshWords.ts says it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createFakeBotContext, startTime, testServer } from "../../framework/testing/fakeBotContext.ts";
import { meshState } from "../meshState.ts";
import { adoptNode, silenceNode, unadoptNode, unsilenceNode } from "../meshSubcommands.ts";
import { nodeView, statusView } from "../meshReports.ts";

const bea = `@bea:${testServer}`;
const cy = `@cy:${testServer}`;
const hour = 60 * 60 * 1000;

test("adopting: new, again (any case), a known node; giving up for oneself or, as moderator, for another", () => {
  const state = meshState(createFakeBotContext());
  assert.deepEqual(adoptNode(state, "rooftop-3", bea), { kind: "adopted", node: "rooftop-3", knownNode: false });
  assert.deepEqual(adoptNode(state, "Rooftop-3", bea), { kind: "alreadyOwner", node: "Rooftop-3" });
  assert.deepEqual(adoptNode(state, "rooftop-3", cy).kind, "adopted");
  assert.deepEqual(state.owners.of("rooftop-3"), [bea, cy]);
  assert.deepEqual(unadoptNode(state, "rooftop-3", cy, bea, false), { kind: "unadoptRefused" });
  assert.deepEqual(state.owners.of("rooftop-3"), [bea, cy], "a refusal changes nothing");
  assert.deepEqual(unadoptNode(state, "rooftop-3", cy, bea, true), { kind: "unadopted", node: "rooftop-3", who: cy, self: false });
  assert.deepEqual(unadoptNode(state, "rooftop-3", cy, cy, false), { kind: "notOwner", node: "rooftop-3", who: cy, self: true });
  assert.deepEqual(unadoptNode(state, "rooftop-3", bea, bea, false), { kind: "unadopted", node: "rooftop-3", who: bea, self: true });
  assert.deepEqual(nodeView("rooftop-3", state, startTime).owners, []);
});

test("silencing counts the node's open incidents and shows in the views; unsilencing ends it once", () => {
  const state = meshState(createFakeBotContext());
  state.book.save({
    id: `k@${startTime}`,
    key: "k",
    labels: { alertname: "MeshLinkLost", link: "rooftop-3—garden-1" },
    annotations: {},
    startsAt: startTime,
    lastFiringAt: startTime,
    resolvedShown: false,
    ownersTold: [],
    failures: 0,
  });
  const silenced = silenceNode(state, { node: "garden-1", lasts: 2 * hour, by: bea, reason: "new antenna" }, startTime);
  assert.deepEqual(silenced, { kind: "silenced", node: "garden-1", lasts: 2 * hour, until: startTime + 2 * hour, openIncidents: 1 });
  const status = statusView(state, undefined, startTime + hour);
  assert.equal(status.open[0]?.heldBack, true);
  assert.deepEqual(
    status.silences.map((silence) => [silence.node, silence.reason]),
    [["garden-1", "new antenna"]],
  );
  assert.equal(nodeView("Garden-1", state, startTime).silence?.by, bea);
  assert.deepEqual(unsilenceNode(state, "garden-1", startTime + hour), { kind: "unsilenced", node: "garden-1" });
  assert.deepEqual(unsilenceNode(state, "garden-1", startTime + hour), { kind: "notSilenced", node: "garden-1" });
  assert.equal(statusView(state, undefined, startTime + hour).open[0]?.heldBack, false);
});
