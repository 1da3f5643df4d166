import { test } from "node:test";
import assert from "node:assert/strict";
import type { BotDefinition, WebhookReply } from "../../framework/contract.ts";
import { createFakeBotContext, startTime, testServer, textMessage, type FakeBotContext } from "../../framework/testing/fakeBotContext.ts";
import { createMeshBot } from "../meshBot.ts";
import type { MessageKey } from "../../framework/languages.ts";
import { speaker, type MessageValues } from "../../framework/speak.ts";

// Expected words come from the English catalog, so a rewording there does not break these tests.
const english = speaker("en", "UTC");
const en = (key: MessageKey, values?: MessageValues) => english.plain(key, values);
const uplinkDownText = en("mesh.uplink.down");
const nodeIsDown = (node: string) => en("mesh.alert.MeshNodeDown.firing", { node });
const linkIsLost = en("mesh.alert.MeshLinkLost.firing", { link: "rooftop-3 ↔ garden-1" });
const linkIsBack = en("mesh.alert.MeshLinkLost.resolved", { link: "rooftop-3 ↔ garden-1" });

function contains(text: string | undefined, expected: string, message?: string): void {
  assert.ok((text ?? "").includes(expected), message ?? `${JSON.stringify(expected)} in ${JSON.stringify(text)}`);
}

const alertsRoom = `!alerts:${testServer}`;
const lobby = `!lobby:${testServer}`;
const bea = `@bea:${testServer}`;
const cy = `@cy:${testServer}`;
const mod = `@mod:${testServer}`;
const minute = 60_000;

interface Setup {
  bot: BotDefinition;
  context: FakeBotContext;
}

function setup(): Setup {
  const context = createFakeBotContext();
  context.roomRoles.set(alertsRoom, "mesh-alerts");
  context.roomRoles.set(lobby, "lobby");
  context.powerLevels.set(`${alertsRoom} ${mod}`, 50);
  return { bot: createMeshBot(), context };
}

/** The same store, a new bot and context: what the box is after a restart. */
function restarted(before: Setup): Setup {
  const after = setup();
  for (const [key, value] of before.context.storeEntries) after.context.storeEntries.set(key, structuredClone(value));
  after.context.clock.now = before.context.clock.now;
  return after;
}

interface AlertOptions {
  labels: Record<string, string>;
  fingerprint?: string;
  startsAt?: number;
  endsAt?: number;
  annotations?: Record<string, string>;
}

function alert(status: "firing" | "resolved", options: AlertOptions): Record<string, unknown> {
  return {
    status,
    labels: options.labels,
    annotations: options.annotations ?? {},
    startsAt: new Date(options.startsAt ?? startTime).toISOString(),
    endsAt: options.endsAt === undefined ? "0001-01-01T00:00:00Z" : new Date(options.endsAt).toISOString(),
    generatorURL: "http://monitor.local:9105/map",
    ...(options.fingerprint === undefined ? {} : { fingerprint: options.fingerprint }),
  };
}

function notification(...alerts: Record<string, unknown>[]): Record<string, unknown> {
  return {
    version: "4",
    receiver: "blockshare",
    status: alerts.some((each) => each.status === "firing") ? "firing" : "resolved",
    alerts,
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: "http://monitor.local:9105",
    groupKey: "{}:{}",
    truncatedAlerts: 0,
  };
}

const nodeDown = { labels: { alertname: "MeshNodeDown", node: "rooftop-3", severity: "critical", source: "babeld" }, fingerprint: "f00d" };
const linkLost = {
  labels: { alertname: "MeshLinkLost", link: "rooftop-3—garden-1", source: "rooftop-3", target: "garden-1", severity: "warning" },
  fingerprint: "11nk",
};

async function post(setup: Setup, body: unknown): Promise<WebhookReply> {
  const handler = setup.bot.webhooks?.alerts;
  assert.ok(handler, "the mesh bot serves an alerts webhook");
  return handler(body, setup.context);
}

async function command(setup: Setup, sender: string, body: string, roomId = alertsRoom): Promise<string> {
  const before = setup.context.sent.length;
  await setup.bot.handleEvent(textMessage(roomId, sender, body, { origin_server_ts: setup.context.clock.now }), setup.context);
  return setup.context.sent
    .slice(before)
    .map((sent) => sent.message.text)
    .join("\n");
}

async function tick(setup: Setup): Promise<void> {
  await setup.bot.onTick?.(setup.context);
}

/** What the bot posted in a room by itself (replies to commands left out). */
function roomMessages(setup: Setup, roomId: string): string[] {
  return postedIn(setup, roomId).map((sent) => sent.message.text);
}

function postedIn(setup: Setup, roomId: string) {
  return setup.context.sent.filter((sent) => sent.roomId === roomId && sent.replyTo === undefined);
}

function edits(setup: Setup): { eventId: string; text: string }[] {
  return setup.context.events
    .filter((event) => event.type === "m.room.message")
    .map((event) => {
      const relation = event.content["m.relates_to"] as { event_id: string };
      const content = event.content["m.new_content"] as { body: string };
      return { eventId: relation.event_id, text: content.body };
    });
}

test("a firing alert becomes one plain-language message in Mesh alerts; repeats of it post nothing", async () => {
  const s = setup();
  const reply = await post(s, notification(alert("firing", nodeDown)));
  assert.equal(reply.status, 200);
  assert.equal(reply.body.opened, 1);
  const [posted, ...others] = roomMessages(s, alertsRoom);
  assert.equal(others.length, 0);
  contains(posted, `🔴 ${nodeIsDown("rooftop-3")}`);
  assert.ok(posted?.includes(english.plain("mesh.post.since", { severity: english.plain("mesh.severity.critical"), since: new Date(startTime) })), posted);
  contains(posted, en("mesh.post.map", { url: "http://monitor.local:9105/map" }));
  contains(posted, en("mesh.post.silenceHint", { node: "rooftop-3" }));

  s.context.clock.now += 5 * minute;
  const again = await post(s, notification(alert("firing", nodeDown)));
  assert.equal(again.body.stillFiring, 1);
  await tick(s);
  assert.equal(roomMessages(s, alertsRoom).length, 1, "a repeated firing adds no message");
  assert.equal(s.context.sent.filter((sent) => sent.roomId === lobby).length, 0, "a node alert is not for the Lobby");
});

test("resolved edits the same message to show it is over, with how long it lasted", async () => {
  const s = setup();
  await post(s, notification(alert("firing", linkLost)));
  const eventId = "$sent1";
  assert.equal(s.context.sent.length, 1);
  contains(roomMessages(s, alertsRoom)[0], linkIsLost);
  s.context.clock.now += 17 * minute;
  const reply = await post(s, notification(alert("resolved", { ...linkLost, endsAt: startTime + 15 * minute })));
  assert.equal(reply.body.resolved, 1);
  const [edit, ...more] = edits(s);
  assert.equal(more.length, 0);
  assert.equal(edit?.eventId, eventId);
  contains(edit?.text, en("mesh.post.resolvedHeadline", { headline: linkIsBack, lasted: english.duration(15 * minute) }));
  assert.ok(
    edit?.text.includes(
      english.plain("mesh.post.wasSameDay", {
        headline: "Link rooftop-3 ↔ garden-1 is lost",
        severity: "warning",
        from: new Date(startTime),
        to: new Date(startTime + 15 * minute),
      }),
    ),
    edit?.text,
  );
  assert.equal(roomMessages(s, alertsRoom).length, 1, "no new message for the resolution");

  await post(s, notification(alert("resolved", { ...linkLost, endsAt: startTime + 15 * minute })));
  await post(s, notification(alert("firing", linkLost)));
  await tick(s);
  assert.equal(edits(s).length, 1, "a late copy of the resolution edits nothing");
  assert.equal(roomMessages(s, alertsRoom).length, 1, "a late copy of the old firing (same start) is not a new incident");

  s.context.clock.now += 60 * minute;
  await post(s, notification(alert("firing", { ...linkLost, startsAt: s.context.clock.now })));
  assert.equal(roomMessages(s, alertsRoom).length, 2, "firing again later is a new incident");
});

test("alerts without a fingerprint are told apart by their labels", async () => {
  const s = setup();
  const labels = { alertname: "MeshNodeDiskHigh", node: "attic" };
  await post(s, notification(alert("firing", { labels }), alert("firing", { labels: { ...labels, node: "cellar" } })));
  await post(s, notification(alert("firing", { labels: { node: "attic", alertname: "MeshNodeDiskHigh" } })));
  const texts = roomMessages(s, alertsRoom);
  assert.equal(texts.length, 2);
  contains(texts.join("\n"), en("mesh.alert.MeshNodeDiskHigh.firing", { node: "attic" }));
  contains(texts.join("\n"), en("mesh.alert.MeshNodeDiskHigh.firing", { node: "cellar" }));
  assert.match(texts[0] ?? "", /⚪ /, "no severity label still reads sensibly");
});

test("any Alertmanager alert reads sensibly, and label text cannot inject HTML", async () => {
  const s = setup();
  await post(
    s,
    notification(
      alert("firing", {
        labels: { alertname: "HighTemperature", instance: "pi.local:9100", severity: "warning" },
        annotations: { summary: "The attic Pi is hot", description: "72 °C for 10 minutes" },
      }),
      alert("firing", { labels: { alertname: "SomethingOdd", room: "<b>x</b>" } }),
    ),
  );
  const messages = s.context.sent.map((sent) => sent.message);
  const first = messages.find((each) => each.text.includes("HighTemperature") || each.text.includes("attic"));
  const second = messages.find((each) => each.text.includes("SomethingOdd"));
  assert.match(first?.text ?? "", /🟠 The attic Pi is hot/);
  assert.match(first?.text ?? "", /72 °C for 10 minutes/);
  contains(second?.text, en("mesh.alert.on", { alertname: "SomethingOdd", where: "room=<b>x</b>" }));
  assert.ok(!second?.html.includes("<b>x"), second?.html);
  assert.ok(second?.html.includes("&lt;b&gt;x"), second?.html);
});

test("bad bodies get a 400 that says what was wrong and what is accepted; nothing is posted", async () => {
  const s = setup();
  const cases: Array<[unknown, RegExp]> = [
    ["just text", /the body is string .*expected a JSON object/],
    [[1, 2], /the body is a list; expected a JSON object/],
    [null, /the body is null/],
    [{ version: "4" }, /"alerts" is missing/],
    [{ alerts: { status: "firing" } }, /"alerts" is an object; expected a list/],
    [{ alerts: [42] }, /alerts\[0\] is number 42; expected an alert object/],
    [{ alerts: [{ status: "pending", labels: {} }] }, /alerts\[0\]\.status is string "pending"; expected "firing" or "resolved"/],
    [{ alerts: [{ status: "firing" }] }, /alerts\[0\]\.labels is missing/],
    [{ alerts: [{ status: "firing", labels: { node: 7 } }] }, /alerts\[0\]\.labels\.node is number 7; expected text/],
    [{ alerts: [{ status: "firing", labels: {}, startsAt: "yesterday" }] }, /alerts\[0\]\.startsAt is "yesterday"; expected an RFC 3339 time/],
    [{ alerts: [{ status: "firing", labels: {}, annotations: [] }] }, /alerts\[0\]\.annotations is a list/],
    [{ alerts: [], truncatedAlerts: "many" }, /truncatedAlerts is string/],
  ];
  for (const [body, expected] of cases) {
    const reply = await post(s, body);
    assert.equal(reply.status, 400, JSON.stringify(body));
    assert.match(String(reply.body.error), expected);
    assert.match(String(reply.body.accepted), /Alertmanager webhook JSON/);
  }
  // One bad alert refuses the whole notification, so the sender sees its bug instead of half a delivery.
  const mixed = await post(s, notification(alert("firing", nodeDown), { status: "firing", labels: "node=x" }));
  assert.equal(mixed.status, 400);
  assert.match(String(mixed.body.error), /alerts\[1\]\.labels is string/);
  assert.equal(s.context.sent.length, 0);
  assert.equal(s.context.storeEntries.size, 0);
});

test("a huge alert list is refused with 413 and a hint, and an empty one is fine", async () => {
  const s = setup();
  const many = Array.from({ length: 1001 }, (_, index) => alert("firing", { labels: { alertname: "MeshNodeDown", node: `n${index}` } }));
  const reply = await post(s, notification(...many));
  assert.equal(reply.status, 413);
  assert.match(String(reply.body.error), /holds 1001 alerts; at most 1000 .*max_alerts/);
  assert.equal(s.context.sent.length, 0);
  const manyProblems = await post(s, { alerts: Array.from({ length: 50 }, () => ({ status: 1 })) });
  assert.equal(manyProblems.status, 400);
  assert.ok((manyProblems.body.problems as string[]).length <= 11, "problems are capped");
  assert.match(String(manyProblems.body.error), /and \d+ more problems/);
  const empty = await post(s, notification());
  assert.equal(empty.status, 200);
  assert.equal(empty.body.received, 0);
});

test("owners are mentioned in their node's alerts and told by private message, also when it is resolved", async () => {
  const s = setup();
  assert.equal(await command(s, bea, "!mesh adopt rooftop-3"), en("mesh.adopt.doneUnknown", { node: "rooftop-3" }));
  assert.equal(await command(s, cy, "!mesh adopt garden-1"), en("mesh.adopt.doneUnknown", { node: "garden-1" }));
  assert.equal(await command(s, bea, "!mesh adopt Rooftop-3"), en("mesh.adopt.already", { node: "Rooftop-3" }));
  await post(s, notification(alert("firing", linkLost)));
  const message = postedIn(s, alertsRoom)[0]?.message;
  assert.ok(message?.html.includes(`<a href="https://matrix.to/#/${bea}">`), message?.html);
  assert.ok(message?.html.includes(`<a href="https://matrix.to/#/${cy}">`), message?.html);
  assert.ok(message?.text.includes(english.plain("mesh.post.owners", { count: 2, owners: english.list([bea, cy]) })), message?.text);

  const dmOf = (user: string) => s.context.privateRooms.find((room) => room.userIds.length === 1 && room.userIds[0] === user)?.roomId;
  const beaDm = dmOf(bea);
  assert.ok(beaDm && dmOf(cy), "each owner gets a private chat");
  const beaTold = roomMessages(s, beaDm);
  assert.equal(beaTold.length, 1);
  contains(beaTold[0], en("mesh.owner.firing", { headline: linkIsLost, severity: "warning", since: new Date(startTime) }));

  s.context.clock.now += 3 * minute;
  await post(s, notification(alert("resolved", linkLost)));
  assert.equal(roomMessages(s, beaDm)[1], en("mesh.owner.resolved", { headline: linkIsBack, lasted: english.duration(3 * minute) }));

  assert.equal(await command(s, bea, "!mesh unadopt rooftop-3"), en("mesh.unadopt.youStopped", { node: "rooftop-3" }));
  s.context.clock.now += 60 * minute;
  await post(s, notification(alert("firing", { ...nodeDown, startsAt: s.context.clock.now })));
  assert.equal(roomMessages(s, beaDm).length, 2, "no DM once she gave the node up");
  assert.ok(!(roomMessages(s, alertsRoom).at(-1) ?? "").includes(en("mesh.post.owners", { count: 1, owners: "" }).trim()), "no owner named");
});

test("only owners, moderators and operators may silence; a silenced node's alerts wait until the silence ends", async () => {
  const s = setup();
  assert.equal(await command(s, cy, "!mesh silence rooftop-3 2h"), en("mesh.manage.notAllowed", { node: "rooftop-3", action: "silence" }));
  assert.match(await command(s, bea, "!mesh silence rooftop-3 soon"), /`for` must be a length of time.*Usage: `!mesh silence <node> <for> \[reason…\]`/);
  await command(s, bea, "!mesh adopt rooftop-3");
  assert.equal(
    await command(s, bea, "!mesh silence rooftop-3 2h new antenna"),
    english.plain("mesh.silence.done", { node: "rooftop-3", lasted: english.duration(120 * minute), until: new Date(startTime + 120 * minute), open: 0 }),
  );

  await post(s, notification(alert("firing", nodeDown), alert("firing", linkLost)));
  assert.equal(roomMessages(s, alertsRoom).length, 0, "a node's alerts, and its links', are held back");
  contains(await command(s, cy, "!mesh status"), en("mesh.report.incidentHeld", { icon: "🔴", headline: nodeIsDown("rooftop-3"), since: new Date(startTime) }));
  assert.ok(
    (await command(s, cy, "!mesh node rooftop-3")).includes(
      english.plain("mesh.report.silenceWithReason", { node: "rooftop-3", until: new Date(startTime + 120 * minute), by: bea, reason: "new antenna" }),
    ),
  );

  s.context.clock.now += 119 * minute;
  await tick(s);
  assert.equal(roomMessages(s, alertsRoom).length, 0);
  s.context.clock.now += 2 * minute;
  await tick(s);
  const posted = roomMessages(s, alertsRoom);
  assert.equal(posted.length, 2, "still failing when the silence ended: posted then");
  contains(posted.join("\n"), nodeIsDown("rooftop-3"));
  assert.ok(
    posted.join("\n").includes(english.plain("mesh.post.since", { severity: english.plain("mesh.severity.critical"), since: new Date(startTime) })),
    "posted with its original start",
  );
  await tick(s);
  assert.equal(roomMessages(s, alertsRoom).length, 2);
});

test("something that resolves during a silence is never posted; unsilence posts what is still failing", async () => {
  const s = setup();
  const heldBack = (node: string) =>
    en("mesh.silence.done", { node, lasted: english.duration(60 * minute), until: new Date(s.context.now() + 60 * minute), open: 0 });
  assert.equal(await command(s, mod, "!mesh silence garden-1 1h"), heldBack("garden-1"));
  assert.equal(await command(s, mod, "!mesh silence rooftop-3 1h"), heldBack("rooftop-3"));
  await post(s, notification(alert("firing", linkLost), alert("firing", nodeDown)));
  s.context.clock.now += 10 * minute;
  await post(s, notification(alert("resolved", linkLost)));
  assert.equal(await command(s, mod, "!mesh unsilence rooftop-3"), en("mesh.unsilence.done", { node: "rooftop-3" }));
  assert.equal(await command(s, mod, "!mesh unsilence rooftop-3"), en("mesh.unsilence.notSilenced", { node: "rooftop-3" }));
  await tick(s);
  const posted = roomMessages(s, alertsRoom);
  assert.equal(posted.length, 1);
  contains(posted[0], nodeIsDown("rooftop-3"));
  assert.equal(edits(s).length, 0);
  const garden = await command(s, bea, "!mesh node garden-1");
  contains(garden, en("mesh.report.resolvedRecently"));
  contains(garden, en("mesh.report.ended", { headline: linkIsLost, since: new Date(startTime), lasted: english.duration(10 * minute) }));
});

test("the Lobby hears once per outage that the internet is down, and once that it is back", async () => {
  const s = setup();
  const uplinkA = { labels: { alertname: "MeshUplinkLost", node: "gw-1", severity: "critical" }, fingerprint: "up-a" };
  const uplinkB = { labels: { alertname: "MeshUplinkLost", node: "gw-2", severity: "critical" }, fingerprint: "up-b" };
  await post(s, notification(alert("firing", uplinkA)));
  await post(s, notification(alert("firing", uplinkA), alert("firing", uplinkB)));
  await tick(s);
  const lobbyTexts = () => roomMessages(s, lobby);
  assert.deepEqual(lobbyTexts().length, 1);
  assert.ok(lobbyTexts()[0]?.includes(uplinkDownText), lobbyTexts()[0]);
  assert.equal(roomMessages(s, alertsRoom).length, 2, "Mesh alerts still gets one message per gateway");
  contains(
    await command(s, bea, "!mesh status"),
    en("mesh.report.uplinkDown", { since: new Date(startTime), lasted: english.duration(s.context.now() - startTime) }),
  );

  s.context.clock.now += 20 * minute;
  await post(s, notification(alert("resolved", uplinkA)));
  assert.equal(lobbyTexts().length, 1, "back only when every uplink alert is over");
  s.context.clock.now += 5 * minute;
  await post(s, notification(alert("resolved", uplinkB)));
  await tick(s);
  assert.equal(lobbyTexts().length, 2);
  assert.equal(lobbyTexts()[1], en("mesh.uplink.back", { lasted: english.duration(25 * minute) }));
  contains(await command(s, bea, "!mesh status"), en("mesh.report.uplinkUp"));
});

test("a restart keeps incidents, owners and silences: the resolution edits the message posted before", async () => {
  const before = setup();
  await command(before, bea, "!mesh adopt rooftop-3");
  assert.equal(
    (await command(before, mod, "!mesh silence garden-1 1h")).split(",")[0],
    en("mesh.silence.done", { node: "garden-1", lasted: english.duration(60 * minute), until: new Date(0), open: 0 }).split(",")[0],
  );
  await post(before, notification(alert("firing", nodeDown)));
  const [postedBefore] = roomMessages(before, alertsRoom);
  contains(postedBefore, nodeIsDown("rooftop-3"));
  const postedId = "$sent3"; // after the two command replies: the fake numbers every send

  const after = restarted(before);
  await tick(after);
  assert.equal(after.context.sent.length, 0, "nothing is posted again after a restart");
  after.context.clock.now += 8 * minute;
  await post(after, notification(alert("resolved", nodeDown)));
  assert.deepEqual(
    edits(after).map((edit) => edit.eventId),
    [postedId],
  );
  contains(
    edits(after)[0]?.text,
    en("mesh.post.resolvedHeadline", { headline: en("mesh.alert.MeshNodeDown.resolved", { node: "rooftop-3" }), lasted: english.duration(8 * minute) }),
  );
  assert.equal(
    roomMessages(after, after.context.privateRooms[0]?.roomId ?? "")[0],
    en("mesh.owner.resolved", { headline: en("mesh.alert.MeshNodeDown.resolved", { node: "rooftop-3" }), lasted: english.duration(8 * minute) }),
  );
  assert.ok(
    (await command(after, cy, "!mesh status")).includes(
      english.plain("mesh.report.silence", { node: "garden-1", until: new Date(startTime + 60 * minute), by: mod }),
    ),
  );
});

test("when Matrix fails, the incident is kept and posted on a later tick, once", async () => {
  const s = setup();
  const realSend = s.context.actions.sendMessage;
  let failing = true;
  s.context.actions.sendMessage = async (...args) => {
    if (failing) throw new Error("homeserver unreachable");
    return realSend(...args);
  };
  const originalError = console.error;
  console.error = () => {};
  try {
    const reply = await post(s, notification(alert("firing", nodeDown)));
    assert.equal(reply.status, 200, "recorded even though posting failed");
    await tick(s);
    failing = false;
    await tick(s);
    assert.equal(s.context.sent.length, 0, "waits before trying again");
    s.context.clock.now += 6000;
    await tick(s);
    await tick(s);
    assert.equal(roomMessages(s, alertsRoom).length, 1);
  } finally {
    console.error = originalError;
  }
});

test("!mesh alone lists what it understands, and unknown words are named", async () => {
  const s = setup();
  const list = await command(s, bea, "!mesh");
  for (const usage of ["!mesh status", "!mesh node <node>", "!mesh adopt <node>", "!mesh silence <node> <for> [reason…]", "!mesh unsilence <node>"]) {
    assert.ok(list.includes(usage), `${usage} in ${list}`);
  }
  contains(await command(s, cy, "!mesh reboot everything"), en("mesh.menu.unknown", { word: "reboot" }));
  assert.match(await command(s, cy, "!mesh node"), /`node` is missing\. Usage: `!mesh node <node>`/);
  const roof = await command(s, cy, `!mesh node "Rooftop 3"`);
  contains(roof, en("mesh.report.nodeTitle", { node: "Rooftop 3" }));
  contains(roof, en("mesh.report.noOwners", { node: '"Rooftop 3"' }));
  const quiet = await command(s, mod, "!mesh status");
  contains(quiet, en("mesh.report.noIncidents"));
  contains(quiet, en("mesh.report.noSilences"));
});

test("two deliveries of a new alert at once still make one message", async () => {
  const s = setup();
  const realSend = s.context.actions.sendMessage;
  s.context.actions.sendMessage = async (...args) => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return realSend(...args);
  };
  const replies = await Promise.all([post(s, notification(alert("firing", nodeDown))), post(s, notification(alert("firing", nodeDown))), tick(s)]);
  assert.deepEqual(
    replies.slice(0, 2).map((reply) => reply?.status),
    [200, 200],
  );
  assert.equal(roomMessages(s, alertsRoom).length, 1);
});

test("the bot joins Mesh alerts itself, and holds incidents until the room exists", async () => {
  const s = setup();
  s.context.roomRoles.delete(alertsRoom);
  const joined: string[] = [];
  s.context.actions.joinRoom = async (roomId) => void joined.push(roomId);
  await post(s, notification(alert("firing", nodeDown)));
  assert.equal(s.context.sent.length, 0);
  s.context.roomRoles.set(alertsRoom, "mesh-alerts");
  await tick(s);
  assert.deepEqual(joined, [alertsRoom]);
  assert.equal(roomMessages(s, alertsRoom).length, 1);
  s.context.clock.now += minute;
  await post(s, notification(alert("resolved", nodeDown)));
  assert.deepEqual(joined, [alertsRoom], "joined once");
  assert.equal(edits(s).length, 1);
});

test("many problems at once make one summary message, edited when the last one is resolved", async () => {
  const s = setup();
  await command(s, bea, "!mesh adopt n3");
  await command(s, bea, "!mesh adopt n7");
  const down = (index: number) => ({ labels: { alertname: "MeshNodeDown", node: `n${index}`, severity: "critical" }, fingerprint: `down-${index}` });
  const all = Array.from({ length: 30 }, (_, index) => index);
  await post(s, notification(...all.map((index) => alert("firing", down(index)))));
  const posted = roomMessages(s, alertsRoom);
  assert.equal(posted.length, 1);
  contains(posted[0], en("mesh.burst.headline", { count: 30, since: new Date(startTime) }));
  contains(posted[0], en("mesh.burst.more", { count: 18 }));
  contains(posted[0], en("mesh.post.owners", { count: 1, owners: bea }));
  const dms = s.context.sent.filter((sent) => s.context.privateRooms.some((room) => room.roomId === sent.roomId));
  assert.equal(dms.length, 1, "one DM for the owner, not one per node");
  contains(dms[0]?.message.text, en("mesh.owner.burst", { count: 2 }));
  contains(dms[0]?.message.text, nodeIsDown("n3"));
  contains(dms[0]?.message.text, nodeIsDown("n7"));
  const busy = await command(s, cy, "!mesh status");
  contains(busy, en("mesh.report.openIncidents", { count: 30 }));
  contains(busy, en("mesh.report.moreIncidents", { count: 15 }));

  s.context.clock.now += 30 * minute;
  await post(s, notification(...all.slice(1).map((index) => alert("resolved", down(index)))));
  assert.equal(edits(s).length, 0, "not all resolved yet");
  await post(s, notification(alert("resolved", down(0))));
  assert.equal(edits(s).length, 1);
  contains(edits(s)[0]?.text, en("mesh.burst.resolved", { count: 30, lasted: english.duration(30 * minute) }));
  assert.equal(roomMessages(s, alertsRoom).length, 1);
});
