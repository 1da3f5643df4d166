// The mesh bot's renderer: each outcome and each post in English and Spanish, from the catalogs. The
// expected words are the catalog's (say/plain), never sentences written here; Spanish must not fall back
// to English, and dates are in the speaker's language and the block's time zone.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { RichText } from "../../framework/contract.ts";
import { argumentLabel, speaker, type Speaker } from "../../framework/speak.ts";
import { createFakeBotContext, startTime, testServer } from "../../framework/testing/fakeBotContext.ts";
import { alertWords, severityLook } from "../alertWording.ts";
import type { Incident } from "../incident.ts";
import type { MeshReply } from "../meshOutcomes.ts";
import { meshState } from "../meshState.ts";
import { adoptNode, meshSubcommands, silenceNode, unadoptNode, unsilenceNode } from "../meshSubcommands.ts";
import { nodeView, statusView } from "../meshReports.ts";
import {
  burstMessage,
  burstResolvedMessage,
  firingMessage,
  meshReplyWords,
  ownerBurstNotice,
  ownerFiringNotice,
  ownerResolvedNotice,
  resolvedMessage,
  uplinkBackNotice,
  uplinkDownNotice,
} from "../meshWords.ts";

const minute = 60_000;
const bea = `@bea:${testServer}`;
const cy = `@cy:${testServer}`;
const speakers: readonly Speaker[] = [speaker("en", "UTC"), speaker("es", "America/Mexico_City")];
const [english, spanish] = speakers as [Speaker, Speaker];

function incident(labels: Record<string, string>, overrides: Partial<Incident> = {}): Incident {
  return {
    id: `k@${startTime}`,
    key: "k",
    labels,
    annotations: {},
    startsAt: startTime,
    lastFiringAt: startTime,
    mapUrl: "http://127.0.0.1:9464/#alert=abc",
    resolvedShown: false,
    ownersTold: [],
    failures: 0,
    ...overrides,
  };
}

const nodeDown = incident({ alertname: "MeshNodeDown", node: "rooftop-3", severity: "critical" });
const linkWeak = incident({ alertname: "MeshLinkDegraded", node_a: "a", node_b: "b", link_name: "Corner store ↔ Library", severity: "warning" });

function textOf(said: RichText): string {
  return said.text;
}

test("every outcome of !mesh is said from the catalog in English and in Spanish", () => {
  const context = createFakeBotContext();
  const state = meshState(context);
  const silenced = silenceNode(state, { node: "rooftop-3", lasts: 120 * minute, by: bea, reason: "new antenna" }, startTime);
  const outcomes: Array<[MeshReply, (speaker: Speaker) => string]> = [
    [{ kind: "menu" }, (s) => s.plain("mesh.menu.ask")],
    [{ kind: "menu", unknownWord: "reboot" }, (s) => s.plain("mesh.menu.unknown", { word: "reboot" })],
    [
      { kind: "badArguments", problem: english.say("mesh.command.detailsArgument"), subcommand: "node" },
      (s) => (s.language === "es" ? `!red nodo <${argumentLabel("es", "node")}>` : "!mesh node <node>"),
    ],
    [adoptNode(state, "rooftop-3", bea), (s) => s.plain("mesh.adopt.doneUnknown", { node: "rooftop-3" })],
    [adoptNode(state, "Rooftop-3", bea), (s) => s.plain("mesh.adopt.already", { node: "Rooftop-3" })],
    [unadoptNode(state, "rooftop-3", cy, bea, false), (s) => s.plain("mesh.unadopt.onlyModerators")],
    [unadoptNode(state, "rooftop-3", cy, bea, true), (s) => s.plain("mesh.unadopt.theyWereNot", { who: cy, node: "rooftop-3" })],
    [unadoptNode(state, "garden-1", bea, bea, false), (s) => s.plain("mesh.unadopt.youWereNot", { node: "garden-1" })],
    [{ kind: "unadopted", node: "n", who: cy, self: false }, (s) => s.plain("mesh.unadopt.theyStopped", { who: cy, node: "n" })],
    [{ kind: "manageRefused", node: "n", action: "silence" }, (s) => s.plain("mesh.manage.notAllowed", { node: "n", action: "silence" })],
    [
      silenced,
      (s) => s.plain("mesh.silence.done", { node: "rooftop-3", lasted: s.duration(120 * minute), until: new Date(startTime + 120 * minute), open: 0 }),
    ],
    [
      { kind: "status", view: statusView(state, { since: startTime, announced: true, failures: 0 }, startTime + 25 * minute) },
      (s) => s.plain("mesh.report.uplinkDown", { since: new Date(startTime), lasted: s.duration(25 * minute) }),
    ],
    [
      { kind: "node", view: nodeView("rooftop-3", state, startTime) },
      (s) => s.plain("mesh.report.silenceWithReason", { node: "rooftop-3", until: new Date(startTime + 120 * minute), by: bea, reason: "new antenna" }),
    ],
    [unsilenceNode(state, "rooftop-3", startTime), (s) => s.plain("mesh.unsilence.done", { node: "rooftop-3" })],
    [unsilenceNode(state, "rooftop-3", startTime), (s) => s.plain("mesh.unsilence.notSilenced", { node: "rooftop-3" })],
  ];
  for (const [outcome, expected] of outcomes) {
    const said = speakers.map((s) => textOf(meshReplyWords(s, outcome, meshSubcommands)));
    speakers.forEach((s, index) => assert.ok(said[index]?.includes(expected(s)), `${outcome.kind} in ${s.language}: ${said[index]}`));
    assert.notEqual(said[0], said[1], `${outcome.kind} is said in Spanish, not in English`);
  }
  assert.equal(unadoptNode(state, "rooftop-3", bea, bea, false).kind, "unadopted");
});

test("the menu lists each subcommand with the words of the neighbor's language, and both work", () => {
  const menu = textOf(meshReplyWords(spanish, { kind: "menu" }, meshSubcommands));
  for (const usage of [
    "!red estado",
    `!red nodo <${argumentLabel("es", "node")}>`,
    `!red adoptar <${argumentLabel("es", "node")}>`,
    `!red dejar <${argumentLabel("es", "node")}> [${argumentLabel("es", "who")}]`,
    `!red silenciar <${argumentLabel("es", "node")}> <${argumentLabel("es", "for")}> [${argumentLabel("es", "reason")}…]`,
    `!red reactivar <${argumentLabel("es", "node")}>`,
  ]) {
    assert.ok(menu.includes(usage), `${usage} in ${menu}`);
  }
  assert.ok(menu.includes(spanish.plain("mesh.silence.summary")));
  for (const command of meshSubcommands) assert.ok(command.aliases.length > 0, `${command.name} has a Spanish word`);
});

test("an incident's message, its resolved edit and the owners' notices in both languages", () => {
  const resolved = { ...nodeDown, resolvedAt: startTime + 15 * minute };
  for (const s of speakers) {
    const words = alertWords(s, nodeDown.labels, nodeDown.annotations);
    assert.equal(words.firing, s.plain("mesh.alert.MeshNodeDown.firing", { node: "rooftop-3" }));
    const posted = textOf(firingMessage(s, nodeDown, [bea]));
    assert.ok(posted.startsWith(`🔴 ${words.firing}`), posted);
    assert.ok(posted.includes(s.plain("mesh.post.since", { severity: s.plain("mesh.severity.critical"), since: new Date(startTime) })), posted);
    assert.ok(posted.includes(s.plain("mesh.post.owners", { count: 1, owners: bea })), posted);
    assert.ok(posted.includes(s.plain("mesh.post.silenceHint", { node: "rooftop-3" })), posted);
    const edit = textOf(resolvedMessage(s, resolved, []));
    assert.ok(edit.includes(s.plain("mesh.post.resolvedHeadline", { headline: words.resolved, lasted: s.duration(15 * minute) })), edit);
    assert.ok(textOf(ownerFiringNotice(s, nodeDown)).includes(s.plain("mesh.owner.firingDetails")));
    assert.ok(textOf(ownerResolvedNotice(s, resolved)).includes(s.plain("mesh.owner.resolved", { headline: words.resolved, lasted: s.duration(15 * minute) })));
  }
  // Dates in the speaker's language and the block's time zone (12:00 UTC is 6:00 in Mexico City).
  assert.match(textOf(firingMessage(spanish, nodeDown, [])), /desde las 6:00 del 1 de junio de 2025/);
  assert.match(textOf(resolvedMessage(spanish, resolved, [])), /resuelto después de 15 minutos/);
});

test("a node down across midnight names both days; one day is named once", () => {
  const overnight = { ...nodeDown, resolvedAt: startTime + 13 * 60 * minute };
  const values = {
    headline: english.plain("mesh.alert.MeshNodeDown.firing", { node: "rooftop-3" }),
    severity: "critical",
    from: new Date(startTime),
    to: new Date(startTime + 13 * 60 * minute),
  };
  assert.ok(textOf(resolvedMessage(english, overnight, [])).includes(english.plain("mesh.post.was", values)));
});

test("the Lobby's uplink notices and the summaries of many problems, in both languages", () => {
  const many = Array.from({ length: 14 }, (_, index) => incident({ alertname: "MeshNodeDown", node: `n${index}`, severity: "critical" }));
  for (const s of speakers) {
    assert.ok(textOf(uplinkDownNotice(s)).includes(s.plain("mesh.uplink.down")));
    assert.equal(textOf(uplinkBackNotice(s, 25 * minute)), s.plain("mesh.uplink.back", { lasted: s.duration(25 * minute) }));
    const burst = textOf(burstMessage(s, many, [bea]));
    assert.ok(burst.includes(s.plain("mesh.burst.headline", { count: 14, since: new Date(startTime) })), burst);
    assert.ok(burst.includes(s.plain("mesh.burst.more", { count: 2 })), burst);
    assert.ok(
      textOf(burstResolvedMessage(s, 14, startTime, startTime + 30 * minute)).includes(
        s.plain("mesh.burst.resolved", { count: 14, lasted: s.duration(30 * minute) }),
      ),
    );
  }
  assert.match(textOf(uplinkDownNotice(spanish)), /Se cayó la conexión a internet/);
});

test("wording: an owner of one node reads 'needs attention', of several 'need attention'", () => {
  const one = textOf(ownerBurstNotice(english, [nodeDown]));
  const two = textOf(ownerBurstNotice(english, [nodeDown, linkWeak]));
  assert.ok(one.startsWith(english.plain("mesh.owner.burst", { count: 1 })));
  assert.match(one, /^A node you look after needs attention,/);
  assert.match(two, /^Nodes you look after need attention,/);
  assert.match(textOf(ownerBurstNotice(spanish, [nodeDown])), /^Un nodo que cuidas necesita atención,/);
});

test("a monitor alert reads as its summary in English and from the catalog in Spanish, so the room and the map agree", () => {
  const fromMonitor = {
    ...linkWeak,
    annotations: { summary: "Link Corner store ↔ Library is weak", description: "Quality 35% for 5 minutes. The mesh is slow there." },
  };
  const inEnglish = alertWords(english, fromMonitor.labels, fromMonitor.annotations);
  assert.equal(inEnglish.firing, fromMonitor.annotations.summary);
  assert.equal(
    inEnglish.firing,
    english.plain("mesh.alert.MeshLinkDegraded.firing", { link: "Corner store ↔ Library" }),
    "the catalog's English is the monitor's",
  );
  assert.equal(inEnglish.description, fromMonitor.annotations.description);
  const inSpanish = alertWords(spanish, fromMonitor.labels, fromMonitor.annotations);
  assert.equal(inSpanish.firing, spanish.plain("mesh.alert.MeshLinkDegraded.firing", { link: "Corner store ↔ Library" }));
  assert.equal(inSpanish.description, undefined, "the monitor's English description is not mixed into a Spanish message");
  const simulated = alertWords(spanish, { ...fromMonitor.labels, simulated: "true" }, fromMonitor.annotations);
  assert.equal(simulated.firing, spanish.plain("mesh.alert.simulated", { headline: inSpanish.firing }));
  // An alert of the sender's own is said in the sender's words in any language.
  assert.equal(alertWords(spanish, { alertname: "HighTemperature" }, { summary: "The attic Pi is hot" }).firing, "The attic Pi is hot");
  assert.equal(severityLook(spanish, { severity: "page" }).word, "page");
  assert.equal(severityLook(spanish, { severity: "warning" }).word, spanish.plain("mesh.severity.warning"));
});

test("every built-in rule is worded in both languages, each differently while firing and once resolved", () => {
  for (const alertname of [
    "MeshNodeDown",
    "MeshAgentSilent",
    "MeshLinkLost",
    "MeshLinkDegraded",
    "MeshUplinkLost",
    "MeshGatewayLost",
    "MeshNodeCpuHigh",
    "MeshNodeMemoryHigh",
    "MeshNodeDiskHigh",
    "MeshNewNode",
    "MeshCollectorBlind",
  ]) {
    const [en, es] = speakers.map((s) => alertWords(s, { alertname, node: "n1", source: "n1", target: "n2" }, {}));
    for (const words of [en, es]) {
      assert.ok(words?.explanation, alertname);
      assert.notEqual(words?.firing, words?.resolved);
      assert.doesNotMatch(words?.firing ?? "", /Mesh[A-Z]|\{|\}/, `${alertname} reads as words: ${words?.firing}`);
    }
    assert.notEqual(en?.firing, es?.firing, `${alertname} has Spanish words`);
  }
  assert.equal(alertWords(spanish, { alertname: "MeshUplinkLost" }, {}).firing, "Se cayó la salida a internet");
});
