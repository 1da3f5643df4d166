import { test } from "node:test";
import assert from "node:assert/strict";
import type { BotDefinition, MatrixEvent } from "../contract.ts";
import { integer, rest, userId } from "../commandArguments.ts";
import { defineBot } from "../defineBot.ts";
import { defineCommand } from "../defineCommand.ts";
import { message } from "../richText.ts";
import { createFakeBotContext, takeSentTexts, testServer, type FakeBotContext } from "../testing/fakeBotContext.ts";

const room = `!sharing:${testServer}`;
const dm = `!dm:${testServer}`;
const alice = `@alice:${testServer}`;
const ada = `@ada:${testServer}`;

function buildTestBot(): { bot: BotDefinition; runs: string[] } {
  const runs: string[] = [];
  const bot = defineBot({
    localpart: "tester",
    displayName: "Tester",
    about: "I test things.",
    commands: [
      defineCommand({
        name: "give",
        summary: "Offer something to the neighborhood",
        args: [integer("count", { min: 1, max: 20 }), rest("title")],
        permission: "anyone",
        run: ({ args, sender }) => {
          runs.push(`give ${args.count} ${args.title} by ${sender}`);
          return message(`Listed ${args.count} × `, args.title);
        },
      }),
      defineCommand({
        name: "remove",
        summary: "Remove a listing",
        args: [],
        permission: "moderator",
        run: () => message("removed"),
      }),
      defineCommand({
        name: "reset",
        summary: "Start the board over",
        args: [userId("confirmedBy")],
        permission: "operator",
        run: ({ args }) => message("reset, confirmed by ", args.confirmedBy),
      }),
      defineCommand({
        name: "explode",
        summary: "Always fails",
        args: [],
        permission: "anyone",
        run: () => {
          throw new Error("database unreachable (access_token=syt_secret123)");
        },
      }),
      defineCommand({
        name: "quiet",
        summary: "Does its work without a reply",
        args: [],
        permission: "anyone",
        run: () => {
          runs.push("quiet");
        },
      }),
    ],
  });
  return { bot, runs };
}

let counter = 0;
async function say(
  bot: BotDefinition,
  context: FakeBotContext,
  roomId: string,
  sender: string,
  body: string,
  content: Record<string, unknown> = {},
): Promise<MatrixEvent> {
  counter += 1;
  const event: MatrixEvent = {
    event_id: `$m${counter}`,
    room_id: roomId,
    sender,
    type: "m.room.message",
    content: { msgtype: "m.text", body, ...content },
    origin_server_ts: context.clock.now,
  };
  await bot.handleEvent(event, context);
  return event;
}

function setup(): { bot: BotDefinition; runs: string[]; context: FakeBotContext } {
  const context = createFakeBotContext({ operators: [ada] });
  context.directRooms.add(dm);
  return { ...buildTestBot(), context };
}

test("a command runs with typed arguments and the reply answers the command event", async () => {
  const { bot, runs, context } = setup();
  const event = await say(bot, context, room, alice, `!give 2 "fresh tomatoes"`);
  assert.deepEqual(runs, [`give 2 fresh tomatoes by ${alice}`]);
  assert.equal(context.sent.length, 1);
  assert.deepEqual(context.sent[0], {
    roomId: room,
    replyTo: event.event_id,
    message: { html: "Listed 2 × fresh tomatoes", text: "Listed 2 × fresh tomatoes" },
  });
});

test("a malformed command gets the problem and the usage line", async () => {
  const { bot, runs, context } = setup();
  await say(bot, context, room, alice, "!give lots of tomatoes");
  await say(bot, context, room, alice, "!give 3");
  assert.deepEqual(takeSentTexts(context), [
    "`count` must be a whole number from 1 to 20. Usage: `!give <count> <title…>`",
    "`title` is missing. Usage: `!give <count> <title…>`",
  ]);
  assert.deepEqual(runs, []);
});

test("unknown commands get a hint only when prefixed; other room lines are ignored", async () => {
  const { bot, context } = setup();
  await say(bot, context, room, alice, "!fly");
  await say(bot, context, room, alice, "fly me to the moon");
  await say(bot, context, room, alice, "wow!!! amazing");
  await say(bot, context, room, alice, "!!!");
  assert.deepEqual(takeSentTexts(context), ["I don't know `!fly`. Try `!help`."]);
});

test("in a DM the prefix is optional, and any unknown word gets the help hint", async () => {
  const { bot, runs, context } = setup();
  await say(bot, context, dm, alice, "give 1 ladder");
  await say(bot, context, dm, alice, "hello there");
  assert.deepEqual(runs, [`give 1 ladder by ${alice}`]);
  const texts = takeSentTexts(context);
  assert.equal(texts[0], "Listed 1 × ladder");
  assert.match(texts[1] ?? "", /Send `help` to see them/);
});

test("moderator commands need power level 50 in that room, by full Matrix ID", async () => {
  const { bot, context } = setup();
  // Power granted to a look-alike ID and to the bare localpart must not count for alice.
  context.powerLevels.set(`${room} @alice:elsewhere.test`, 100);
  context.powerLevels.set(`${room} alice`, 100);
  await say(bot, context, room, alice, "!remove", { displayname: "Room Admin" });
  context.powerLevels.set(`${room} ${alice}`, 49);
  await say(bot, context, room, alice, "!remove");
  context.powerLevels.set(`${room} ${alice}`, 50);
  await say(bot, context, room, alice, "!remove");
  const texts = takeSentTexts(context);
  assert.match(texts[0] ?? "", /^Only room moderators \(power level 50 or more\).* can use `!remove`\.$/);
  assert.match(texts[1] ?? "", /^Only room moderators/);
  assert.equal(texts[2], "removed");
});

test("power in a DM (where the neighbor holds 100) does not make a moderator", async () => {
  const { bot, context } = setup();
  context.powerLevels.set(`${dm} ${alice}`, 100);
  await say(bot, context, dm, alice, "remove");
  assert.match(takeSentTexts(context)[0] ?? "", /^Only room moderators/);
});

test("operator commands need the exact full Matrix ID of an operator", async () => {
  const { bot, context } = setup();
  for (const impostor of ["@ada:evil.test", `@Ada:${testServer}`, `@ada:${testServer}.evil`]) {
    await say(bot, context, room, impostor, `!reset ${ada}`);
  }
  await say(bot, context, room, ada, `!reset ${ada}`);
  const texts = takeSentTexts(context);
  assert.deepEqual(texts.slice(0, 3), Array(3).fill("Only the box operators can use `!reset`."));
  assert.equal(texts[3], `reset, confirmed by ${ada}`);
});

test("!help lists what the sender may run, names the restricted ones, in HTML and text", async () => {
  const { bot, context } = setup();
  await say(bot, context, room, alice, "!help");
  const [reply] = context.sent;
  assert.ok(reply);
  assert.match(reply.message.text, /`!give <count> <title…>` — Offer something to the neighborhood/);
  assert.match(reply.message.text, /`!help \[command\]` — Lists what I can do/);
  assert.doesNotMatch(reply.message.text, /`!remove` —/);
  assert.match(reply.message.text, /Only for room moderators.*: `!remove`\./);
  assert.match(reply.message.text, /Only for the box operators: `!reset`\./);
  assert.match(reply.message.html, /<li><code>!give &lt;count&gt; &lt;title…&gt;<\/code> — Offer something to the neighborhood<\/li>/);

  context.sent.length = 0;
  await say(bot, context, room, ada, "!help");
  assert.match(context.sent[0]?.message.text ?? "", /`!reset <confirmedBy>` — Start the board over/);
});

test("!help <command> explains one command", async () => {
  const { bot, context } = setup();
  await say(bot, context, room, alice, "!help give");
  await say(bot, context, room, alice, "!help !reset");
  await say(bot, context, room, alice, "!help nothing");
  const [give, reset, nothing] = takeSentTexts(context);
  assert.match(give ?? "", /Usage: `!give <count> <title…>`/);
  assert.match(give ?? "", /`count`: a whole number from 1 to 20/);
  assert.match(give ?? "", /Anyone can use it\./);
  assert.match(reset ?? "", /Only the box operators can use it\./);
  assert.equal(nothing, "I don't know `!nothing`. Try `!help`.");
});

test("neighbor text is escaped in replies", async () => {
  const { bot, context } = setup();
  await say(bot, context, room, alice, `!give 1 <script>alert("x")</script>`);
  const html = context.sent[0]?.message.html ?? "";
  assert.ok(!html.includes("<script>"), html);
  assert.ok(html.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"), html);
});

test("notices, edits, old backlog and non-text messages are ignored", async () => {
  const { bot, runs, context } = setup();
  await say(bot, context, room, alice, "!give 1 notice", { msgtype: "m.notice" });
  await say(bot, context, room, alice, "!give 1 edit", { "m.relates_to": { rel_type: "m.replace", event_id: "$x" } });
  await say(bot, context, room, alice, "!give 1 photo", { msgtype: "m.image" });
  const old = {
    event_id: "$old",
    room_id: room,
    sender: alice,
    type: "m.room.message",
    content: { msgtype: "m.text", body: "!give 1 old" },
    origin_server_ts: context.clock.now - 6 * 60_000,
  };
  await bot.handleEvent(old, context);
  assert.deepEqual(runs, []);
  assert.equal(context.sent.length, 0);
});

test("a throwing command gets a friendly reply, is logged through the context (the host masks secrets), and the bot keeps working", async () => {
  const { bot, context } = setup();
  const logged = context.logged;
  await say(bot, context, room, alice, "!explode");
  await say(bot, context, room, alice, "!give 1 ladder");
  assert.deepEqual(takeSentTexts(context), ["Something went wrong with `!explode`; the box operator can see the details in the log.", "Listed 1 × ladder"]);
  assert.equal(logged.length, 1);
  assert.match(logged[0] ?? "", /^command !explode in .*: .*database unreachable/);
});

test("a command may answer with nothing", async () => {
  const { bot, runs, context } = setup();
  await say(bot, context, room, alice, "!quiet");
  assert.deepEqual(runs, ["quiet"]);
  assert.equal(context.sent.length, 0);
});

test("rate limit: a burst of 5, one 'slow down', silence, then a command per 3 seconds", async () => {
  const { bot, runs, context } = setup();
  for (let index = 0; index < 8; index += 1) await say(bot, context, room, alice, `!give 1 item${index}`);
  assert.equal(runs.length, 5);
  const texts = takeSentTexts(context);
  assert.equal(texts.length, 6);
  assert.match(texts[5] ?? "", /^Slow down a little/);
  await say(bot, context, room, `@bob:${testServer}`, "!give 1 bobs");
  assert.equal(runs.length, 6, "other neighbors are not slowed down");
  context.clock.now += 2_999;
  await say(bot, context, room, alice, "!give 1 still-too-soon");
  assert.equal(runs.length, 6);
  context.clock.now += 1;
  await say(bot, context, room, alice, "!give 1 after-refill");
  assert.equal(runs.at(-1), `give 1 after-refill by ${alice}`);
});

test("overlong commands and control characters", async () => {
  const { bot, runs, context } = setup();
  await say(bot, context, room, alice, `!give 1 ${"x".repeat(2_100)}`);
  assert.match(takeSentTexts(context)[0] ?? "", /too long for a command/);
  await say(bot, context, room, alice, "!give 1 lad\u0000der\u202E\u0007");
  assert.equal(runs.at(-1), `give 1 ladder by ${alice}`);
});

test("other events go to onEvent; its errors are caught", async () => {
  const seen: string[] = [];
  const bot = defineBot({
    localpart: "watcher",
    displayName: "Watcher",
    about: "I watch.",
    commands: [],
    onEvent: (event) => {
      seen.push(event.type);
      if (event.type === "m.reaction") throw new Error("boom");
    },
  });
  const context = createFakeBotContext();
  const base = { room_id: room, sender: alice, content: {}, origin_server_ts: context.clock.now };
  await bot.handleEvent({ ...base, event_id: "$1", type: "m.room.member", state_key: alice }, context);
  await bot.handleEvent({ ...base, event_id: "$2", type: "m.reaction" }, context);
  await bot.handleEvent({ ...base, event_id: "$3", type: "m.room.message", content: { msgtype: "m.text", body: "!help" } }, context);
  assert.deepEqual(seen, ["m.room.member", "m.reaction"]);
  assert.deepEqual(context.logged, [`handling m.reaction in ${room}: boom`]);
  assert.match(takeSentTexts(context)[0] ?? "", /Watcher/);
});

test("a bot cannot redefine help or repeat a command name", () => {
  const help = defineCommand({ name: "help", summary: "", args: [], permission: "anyone", run: () => undefined });
  assert.throws(() => defineBot({ localpart: "x", displayName: "X", about: "", commands: [help] }), /defined twice/);
});

test("events are routed by type, non-text messages by msgtype; text goes to the commands, the rest to onEvent", async () => {
  const seen: string[] = [];
  const bot = defineBot({
    localpart: "router",
    displayName: "Router",
    about: "I route.",
    commands: [],
    events: { "m.reaction": (event) => void seen.push(`reaction ${event.event_id}`) },
    messages: { "m.image": (event) => void seen.push(`image ${event.event_id}`) },
    onEvent: (event) => void seen.push(`other ${event.type}`),
  });
  const context = createFakeBotContext();
  const base = { room_id: room, sender: alice, origin_server_ts: context.clock.now };
  await bot.handleEvent({ ...base, event_id: "$r", type: "m.reaction", content: {} }, context);
  await bot.handleEvent({ ...base, event_id: "$i", type: "m.room.message", content: { msgtype: "m.image", body: "tomatoes.jpg" } }, context);
  await bot.handleEvent({ ...base, event_id: "$f", type: "m.room.message", content: { msgtype: "m.file", body: "!help" } }, context);
  await bot.handleEvent({ ...base, event_id: "$m", type: "m.room.member", state_key: alice, content: { membership: "join" } }, context);
  await bot.handleEvent({ ...base, event_id: "$t", type: "m.room.message", content: { msgtype: "m.text", body: "!help" } }, context);
  assert.deepEqual(seen, ["reaction $r", "image $i", "other m.room.member"]);
  assert.equal(context.sent.length, 1, "the text command was answered, the file named !help was not");
});
