import { test } from "node:test";
import assert from "node:assert/strict";
import type { MatrixEvent } from "../../framework/contract.ts";
import { createFakeBotContext, takeSentTexts, testServer, type FakeBotContext } from "../../framework/testing/fakeBotContext.ts";
import { allBots } from "../../index.ts";
import { porchBot } from "../porchBot.ts";
import { supportedLanguages } from "../../framework/languages.ts";
import { sayPhrase } from "../../framework/speak.ts";

const lobby = `!lobby:${testServer}`;
const sharing = `!sharing:${testServer}`;
const bea = `@bea:${testServer}`;

function lobbyContext(): FakeBotContext {
  const context = createFakeBotContext({ operators: [`@ada:${testServer}`, `@cy:${testServer}`] });
  context.roomRoles.set(lobby, "lobby");
  context.roomRoles.set(sharing, "sharing");
  return context;
}

let counter = 0;
function membership(
  context: FakeBotContext,
  roomId: string,
  userId: string,
  content: Record<string, unknown>,
  previous?: Record<string, unknown>,
): MatrixEvent {
  counter += 1;
  return {
    event_id: `$member${counter}`,
    room_id: roomId,
    sender: userId,
    type: "m.room.member",
    state_key: userId,
    content,
    origin_server_ts: context.clock.now,
    ...(previous !== undefined ? { unsigned: { prev_content: previous } } : {}),
  };
}

test("a neighbor joining the Lobby is welcomed with a mention and a short guide", async () => {
  const context = lobbyContext();
  await porchBot.handleEvent(membership(context, lobby, bea, { membership: "join", displayname: "Bea" }, { membership: "invite" }), context);
  assert.equal(context.sent.length, 1);
  const [welcome] = context.sent;
  assert.equal(welcome?.roomId, lobby);
  assert.ok(welcome?.message.html.includes(`<a href="https://matrix.to/#/${bea}">Bea</a>`));
  assert.ok(welcome?.message.text.includes(`Bea (${bea})`));
  for (const expected of ["Sharing board", "Governance", "Mesh alerts", "!help", "internet is down", "Maple Street"]) {
    assert.ok(welcome?.message.text.includes(expected), `welcome mentions ${expected}`);
  }
});

test("a hostile display name is escaped in the welcome", async () => {
  const context = lobbyContext();
  await porchBot.handleEvent(membership(context, lobby, bea, { membership: "join", displayname: `<img src=x onerror=alert(1)>` }), context);
  const html = context.sent[0]?.message.html ?? "";
  assert.ok(!html.includes("<img"), html);
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;"));
});

test("no welcome for a display-name change, another room, a leave, or the bot itself", async () => {
  const context = lobbyContext();
  await porchBot.handleEvent(
    membership(context, lobby, bea, { membership: "join", displayname: "Bea B." }, { membership: "join", displayname: "Bea" }),
    context,
  );
  await porchBot.handleEvent(membership(context, sharing, bea, { membership: "join" }), context);
  await porchBot.handleEvent(membership(context, `!unknown:${testServer}`, bea, { membership: "join" }), context);
  await porchBot.handleEvent(membership(context, lobby, bea, { membership: "leave" }, { membership: "join" }), context);
  await porchBot.handleEvent(membership(context, lobby, context.self, { membership: "join" }), context);
  assert.equal(context.sent.length, 0);
});

test("a neighbor who comes back gets a short hello, not the whole guide", async () => {
  const context = lobbyContext();
  await porchBot.handleEvent(membership(context, lobby, bea, { membership: "join", displayname: "Bea" }), context);
  await porchBot.handleEvent(membership(context, lobby, bea, { membership: "join", displayname: "Bea" }, { membership: "leave" }), context);
  const [first, second] = takeSentTexts(context);
  assert.match(first ?? "", /Sharing board/);
  assert.equal(second, `Welcome back, Bea (${bea})! 👋`);
});

test("!about says what BlockShare is, where to connect and who runs the box", async () => {
  const context = lobbyContext();
  const command: MatrixEvent = {
    event_id: "$about",
    room_id: lobby,
    sender: bea,
    type: "m.room.message",
    content: { msgtype: "m.text", body: "!about" },
    origin_server_ts: context.clock.now,
  };
  await porchBot.handleEvent(command, context);
  const [reply] = context.sent;
  assert.equal(reply?.replyTo, "$about");
  const text = reply?.message.text ?? "";
  for (const expected of ["BlockShare", "Maple Street", testServer, `https://${testServer}`, `@ada:${testServer}`, `@cy:${testServer}`]) {
    assert.ok(text.includes(expected), `!about mentions ${expected}`);
  }
  assert.ok(reply?.message.html.includes(`<a href="https://${testServer}">`));
});

const governance = `!governance:${testServer}`;
const meshAlerts = `!mesh:${testServer}`;

function lobbyWithBots(): FakeBotContext {
  const context = createFakeBotContext({
    bots: [
      { userId: `@porch:${testServer}`, displayName: "Porch", summary: "Welcomes new neighbors.", homeRoles: ["lobby"] },
      { userId: `@share:${testServer}`, displayName: "Sharing board", summary: "Give away, lend and ask for things.", homeRoles: ["sharing"] },
      { userId: `@polls:${testServer}`, displayName: "Polls", summary: "Proposals and polls.", homeRoles: ["governance"] },
      { userId: `@mesh:${testServer}`, displayName: "Mesh alerts", summary: "Tells everyone when the mesh has trouble.", homeRoles: ["mesh-alerts"] },
      { userId: `@ledger:${testServer}`, displayName: "Ledger", summary: "Keeps the co-op's accounts.", homeRoles: [] },
      { userId: `@quiet:${testServer}`, displayName: "Quiet", homeRoles: ["lobby"] },
    ],
  });
  context.roomRoles.set(lobby, "lobby");
  context.roomRoles.set(sharing, "sharing");
  context.roomRoles.set(governance, "governance");
  context.roomRoles.set(meshAlerts, "mesh-alerts");
  context.roomNames.set(lobby, "Lobby");
  context.roomNames.set(sharing, "Swap shelf"); // renamed by the block: the overview says what Element shows
  context.roomNames.set(governance, "Governance");
  // The Mesh alerts room has no name: called by its role.
  return context;
}

test("!help in the Lobby says what each other bot does, in which room, and how to get its own help", async () => {
  const context = lobbyWithBots();
  await porchBot.handleEvent(
    { event_id: "$h", room_id: lobby, sender: bea, type: "m.room.message", content: { msgtype: "m.text", body: "!help" }, origin_server_ts: context.clock.now },
    context,
  );
  const [reply] = context.sent;
  const text = reply?.message.text ?? "";
  assert.match(text, /^• Sharing board — Give away, lend and ask for things\. In Swap shelf: send `!help` there\.$/m);
  assert.match(text, /^• Polls — Proposals and polls\. In Governance: send `!help` there\.$/m);
  assert.match(text, /^• Mesh alerts — Tells everyone when the mesh has trouble\. In Mesh alerts: send `!help` there\.$/m);
  assert.match(text, new RegExp(`^• Ledger — Keeps the co-op's accounts\\. Write to Ledger \\(@ledger:${testServer}\\) directly and send \`help\`\\.$`, "m"));
  assert.doesNotMatch(text, /• Porch —|• Quiet/, "not the porch itself, nor a bot that does not describe itself");
  assert.match(text, /What I answer here:\n\n• `!about` — /, "the porch's own commands follow");
  assert.ok(
    reply?.message.html.includes(`<a href="https://matrix.to/#/${sharing}?via=${testServer}">Swap shelf</a>`),
    "rooms are links Element shows as pills",
  );
});

test("a hostile room name is escaped and stripped of control characters in the overview", async () => {
  const context = lobbyWithBots();
  context.roomNames.set(sharing, "<b>Swap</b>\u202e shelf");
  await porchBot.handleEvent(
    { event_id: "$h", room_id: lobby, sender: bea, type: "m.room.message", content: { msgtype: "m.text", body: "!help" }, origin_server_ts: context.clock.now },
    context,
  );
  const html = context.sent[0]?.message.html ?? "";
  assert.ok(html.includes("&lt;b&gt;Swap&lt;/b&gt; shelf"), html);
  assert.ok(!html.includes("<b>Swap"), html);
});

test("every bot the box runs describes itself for the overview: a summary and a room", () => {
  for (const bot of allBots) {
    for (const language of supportedLanguages) {
      const summary = bot.summary === undefined ? "" : sayPhrase(language, bot.summary).text;
      assert.ok(summary.length > 10 && summary.length <= 110, `${bot.localpart} has a short summary in ${language}: ${summary}`);
    }
    assert.ok((bot.homeRoles ?? []).length > 0, `${bot.localpart} has a home room`);
  }
});

test("porch has !help and is one of the bots the box runs", async () => {
  const context = lobbyContext();
  await porchBot.handleEvent(
    { event_id: "$h", room_id: lobby, sender: bea, type: "m.room.message", content: { msgtype: "m.text", body: "!help" }, origin_server_ts: context.clock.now },
    context,
  );
  assert.match(takeSentTexts(context)[0] ?? "", /`!about` — /);
  assert.ok(allBots.some((bot) => bot.localpart === "porch" && bot.displayName === "Porch"));
  assert.equal(new Set(allBots.map((bot) => bot.localpart)).size, allBots.length, "each bot has its own user");
});

test("in Spanish, the overview names each bot by its Spanish name from the catalog", async () => {
  const context = createFakeBotContext({
    blockLanguage: "es",
    bots: allBots.map((bot) => ({
      userId: `@${bot.localpart}:${testServer}`,
      displayName: bot.displayName,
      ...(bot.name === undefined ? {} : { name: bot.name }),
      ...(bot.summary === undefined ? {} : { summary: bot.summary }),
      homeRoles: [],
    })),
  });
  context.roomRoles.set(lobby, "lobby");
  await porchBot.handleEvent(
    {
      event_id: "$h",
      room_id: lobby,
      sender: bea,
      type: "m.room.message",
      content: { msgtype: "m.text", body: "!ayuda" },
      origin_server_ts: context.clock.now,
    },
    context,
  );
  const text = context.sent[0]?.message.text ?? "";
  for (const localpart of ["share", "polls", "mesh"]) {
    const bot = allBots.find((each) => each.localpart === localpart)!;
    const spanish = sayPhrase("es", bot.name ?? "").text;
    assert.notEqual(spanish, bot.displayName, `${localpart} has a Spanish name`);
    assert.ok(text.includes(`• ${spanish} — ${sayPhrase("es", bot.summary ?? "").text}`), `${localpart} as ${spanish}:\n${text}`);
    assert.ok(text.includes(`${spanish} (@${localpart}:${testServer})`), `the mention reads ${spanish}`);
  }
  assert.ok(!text.includes("Mesh alerts") && !text.includes("Polls —"), text);
});

test("each bot's Matrix profile name is its catalog name in English", () => {
  for (const bot of allBots) assert.equal(bot.displayName, sayPhrase("en", bot.name ?? "").text, bot.localpart);
});
