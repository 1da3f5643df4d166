import { test } from "node:test";
import assert from "node:assert/strict";
import type { MatrixEvent } from "../../framework/contract.ts";
import { createFakeBotContext, testServer, textMessage, type FakeBotContext } from "../../framework/testing/fakeBotContext.ts";
import type { MessageKey } from "../../framework/languages.ts";
import { sayPlain } from "../../framework/speak.ts";
import { createPollsBot } from "../pollsBot.ts";

const governance = `!governance:${testServer}`;
const lobby = `!lobby:${testServer}`;
const ada = `@ada:${testServer}`; // operator
const neighbors = ["ann", "bob", "cy", "dee", "eli", "fay"].map((name) => `@${name}:${testServer}`);
const [ann, bob, cy, dee, eli, fay] = neighbors as [string, string, string, string, string, string];
const pactNeighbor = "@gus:elm.mesh";
const day = 86_400_000;

function setup(options: { operatorIsNeighbor?: boolean; blockLanguage?: string } = {}): { context: FakeBotContext; bot: ReturnType<typeof createPollsBot> } {
  const context = createFakeBotContext({ operators: [ada], ...options });
  context.roomRoles.set(governance, "governance");
  context.roomRoles.set(lobby, "lobby");
  context.members.set(governance, [context.self, `@share:${testServer}`, ada, ...neighbors, pactNeighbor]);
  return { context, bot: createPollsBot() };
}

let counter = 0;
function say(context: FakeBotContext, roomId: string, sender: string, body: string): MatrixEvent {
  return textMessage(roomId, sender, body, { origin_server_ts: context.clock.now });
}

const commandNow = command;
// What the bot says to an English-speaking neighbor, from the catalog.
const said = (key: MessageKey, values?: Parameters<typeof sayPlain>[2]) => sayPlain("en", key, values);
async function command(bot: ReturnType<typeof createPollsBot>, context: FakeBotContext, roomId: string, sender: string, body: string): Promise<string> {
  const before = context.sent.length;
  await bot.handleEvent(say(context, roomId, sender, body), context);
  return context.sent
    .slice(before)
    .map((sent) => sent.message.text)
    .join("\n---\n");
}

function respond(context: FakeBotContext, startEventId: string, sender: string, answers: unknown, options: { ts?: number; type?: string } = {}): MatrixEvent {
  counter += 1;
  const type = options.type ?? "org.matrix.msc3381.poll.response";
  return {
    event_id: `$response${String(counter).padStart(4, "0")}`,
    room_id: governance,
    sender,
    type,
    content: { "m.relates_to": { rel_type: "m.reference", event_id: startEventId }, [type]: { answers } },
    origin_server_ts: options.ts ?? context.clock.now,
  };
}

function startEvents(context: FakeBotContext) {
  return context.events.filter((event) => event.type === "org.matrix.msc3381.poll.start");
}

function endEvents(context: FakeBotContext) {
  return context.events.filter((event) => event.type === "org.matrix.msc3381.poll.end");
}

async function propose(bot: ReturnType<typeof createPollsBot>, context: FakeBotContext, text: string, sender = ann): Promise<string> {
  await command(bot, context, governance, sender, text);
  const start = startEvents(context).at(-1);
  assert.ok(start, "a poll start event was sent");
  return start.eventId;
}

async function passDeadline(bot: ReturnType<typeof createPollsBot>, context: FakeBotContext, ms: number): Promise<void> {
  context.clock.now += ms;
  await bot.onTick?.(context);
}

test("!propose posts a native poll Element renders, with text fallbacks, and a notice with the rules", async () => {
  const { context, bot } = setup();
  const reply = await command(bot, context, governance, ann, "!propose Quiet hours from 10pm closes in 7 days threshold two-thirds quorum 50%");
  const [start] = startEvents(context);
  assert.equal(start?.roomId, governance);
  const poll = start?.content["org.matrix.msc3381.poll.start"] as Record<string, any>;
  assert.equal(poll.kind, "org.matrix.msc3381.poll.disclosed");
  assert.equal(poll.max_selections, 1);
  assert.equal(poll.question["org.matrix.msc1767.text"], "Proposal 1: Quiet hours from 10pm");
  assert.deepEqual(
    poll.answers.map((answer: any) => [answer.id, answer["org.matrix.msc1767.text"]]),
    [
      ["agree", "Agree"],
      ["disagree", "Disagree"],
      ["abstain", "Abstain"],
    ],
  );
  assert.equal(start?.content["org.matrix.msc1767.text"], "Proposal 1: Quiet hours from 10pm\n1. Agree\n2. Disagree\n3. Abstain");
  assert.match(reply, /at least two thirds of agree \+ disagree/);
  // The six neighbors; not the operator's admin account, not the bots, not the pact neighbor.
  assert.match(reply, /Quorum: 50% of the 6 eligible members/);
  assert.match(reply, /!close 1/);
});

test("the appservice's own users are never voters, whatever their names (the host's namespace, not a list of names)", async () => {
  const { context, bot } = setup();
  const newBot = `@noticeboard:${testServer}`;
  context.serviceUsers.add(newBot);
  context.members.set(governance, [...(context.members.get(governance) ?? []), newBot]);
  await propose(bot, context, "!propose Quiet hours closes in 1 day quorum 50%");
  // The six neighbors: not @share or @noticeboard (service users), not ada (the operator), not the pact neighbor.
  assert.match(context.sent.at(-1)?.message.text ?? "", /Quorum: 50% of the 6 eligible members/);
  assert.equal(await command(bot, context, governance, ada, `!members add ${newBot}`), said("polls.members.notMember", { server: testServer }));
});

test("the operator's admin account is not a voter unless the neighborhood file says operator_is_neighbor: true", async () => {
  const { context, bot } = setup();
  const start = await propose(bot, context, "!propose Fix the gate closes in 1 day", ada);
  assert.match(context.sent.at(-1)?.message.text ?? "", /\b6 eligible members; no quorum\./);
  for (const voter of [ann, bob, ada]) await bot.handleEvent(respond(context, start, voter, ["agree"]), context);
  await passDeadline(bot, context, day);
  const results = context.sent.at(-1)?.message.text ?? "";
  assert.match(results, /Agree: 2 votes/);
  assert.match(results, /Turnout: 2 of 6 eligible/);
  assert.ok(results.includes(`Not counted (not eligible for this poll): ${ada}.`), results);

  const counted = setup({ operatorIsNeighbor: true });
  await propose(counted.bot, counted.context, "!propose Fix the gate closes in 1 day");
  assert.match(counted.context.sent.at(-1)?.message.text ?? "", /\b7 eligible members; no quorum\./);
});

test("proposal story: votes, a changed vote, a spoiled vote, a pact neighbor, the deadline, end event and results", async () => {
  const { context, bot } = setup();
  const start = await propose(bot, context, "!propose Quiet hours from 10pm closes in 3 days threshold two-thirds quorum 50%");
  const t = context.clock.now;
  for (const [sender, answers, ts] of [
    [ann, ["agree"], t + 1],
    [bob, ["agree"], t + 2],
    [cy, ["disagree"], t + 3],
    [cy, ["agree"], t + 4], // cy changes her vote
    [dee, ["disagree"], t + 5],
    [eli, ["maybe"], t + 6], // eli's vote is spoiled
    [pactNeighbor, ["disagree"], t + 7],
  ] as const) {
    await bot.handleEvent(respond(context, start, sender, answers, { ts }), context);
  }
  await passDeadline(bot, context, 3 * day - 1000);
  assert.equal(endEvents(context).length, 0, "still open a second before the deadline");
  await passDeadline(bot, context, 1000);
  const [end] = endEvents(context);
  assert.deepEqual(end?.content["m.relates_to"], { rel_type: "m.reference", event_id: start });
  assert.deepEqual(end?.content["org.matrix.msc3381.poll.end"], {});
  assert.match(String(end?.content["org.matrix.msc1767.text"]), /^The poll has ended\. Passed\./);
  const results = context.sent.at(-1)?.message.text ?? "";
  assert.match(results, /Agree: 3 votes/);
  assert.match(results, /Disagree: 1 vote/);
  assert.match(results, /Turnout: 4 of 6 eligible \(67%\); quorum 50%: met\./);
  assert.match(results, /Threshold: at least two thirds of agree \+ disagree: 3 of 4 \(75%\), met\./);
  assert.match(results, /Spoiled votes .*: 1\./);
  assert.match(results, /Not counted \(not eligible for this poll\): @gus:elm\.mesh/);
  assert.match(results, /Outcome: Passed\./);
  assert.match(results, new RegExp(`https://matrix.to/#/${governance}/\\${start}`));

  // A vote after the end changes nothing, and the poll does not close twice.
  await bot.handleEvent(respond(context, start, fay, ["disagree"]), context);
  await passDeadline(bot, context, 5000);
  assert.equal(endEvents(context).length, 1);
  assert.match(
    await command(bot, context, governance, bob, "!decisions"),
    /#1 Quiet hours from 10pm \(https:\/\/matrix\.to\/#\/!governance:block\.test\/\$event1\) — Passed/,
  );
  // The results message (the fake's message ids start with $sent) is pinned in the Governance room.
  const pinned = context.state.get(`${governance} m.room.pinned_events `)?.pinned;
  assert.ok(Array.isArray(pinned) && pinned.length === 1 && /^\$sent/.test(String(pinned[0])), JSON.stringify(pinned));
});

test("quorum not met: not passed, and nothing is pinned", async () => {
  const { context, bot } = setup();
  const start = await propose(bot, context, "!propose Paint the fence green closes in 1 day quorum 50%");
  await bot.handleEvent(respond(context, start, ann, ["agree"]), context);
  await bot.handleEvent(respond(context, start, bob, ["agree"]), context);
  await passDeadline(bot, context, day);
  assert.match(context.sent.at(-1)?.message.text ?? "", /Turnout: 2 of 6 eligible \(33%\); quorum 50%: not met\.[\s\S]*Outcome: Not passed: quorum not met\./);
  assert.equal(context.state.get(`${governance} m.room.pinned_events `), undefined);
  assert.equal(await command(bot, context, governance, bob, "!decisions"), said("polls.decisions.none"));
});

test("a pin that fails (the homeserver restarting) is tried again a minute later", async () => {
  const { context, bot } = setup();
  const start = await propose(bot, context, "!propose Compost bins closes in 1 day");
  await bot.handleEvent(respond(context, start, ann, ["agree"]), context);
  const setState = context.actions.setState;
  context.actions.setState = async () => {
    throw new Error("connection refused");
  };
  await passDeadline(bot, context, day);
  assert.match(context.sent.at(-1)?.message.text ?? "", /Outcome: Passed\./);
  assert.equal(context.state.get(`${governance} m.room.pinned_events `), undefined);
  assert.match(context.logged.join("\n"), /pinning decision 1 \(try 1 of 5\).*connection refused/, "the operator's log says what failed");
  context.actions.setState = setState;
  await passDeadline(bot, context, 30_000);
  assert.equal(context.state.get(`${governance} m.room.pinned_events `), undefined, "not before the minute is up");
  await passDeadline(bot, context, 30_000);
  const pinned = context.state.get(`${governance} m.room.pinned_events `)?.pinned;
  const results = (context.storeEntries.get("poll/000001") as { resultsEventId?: string }).resultsEventId;
  assert.ok(results);
  assert.deepEqual(pinned, [results]);
  await passDeadline(bot, context, 10 * 60_000);
  assert.equal(context.events.filter((event) => event.type === "m.room.pinned_events").length, 1, "pinned once");
});

test("a redacted response falls back to the voter's previous response", async () => {
  const { context, bot } = setup();
  const start = await propose(bot, context, "!propose Compost bins closes in 1 day");
  await bot.handleEvent(respond(context, start, ann, ["agree"], { ts: context.clock.now + 1 }), context);
  const changed = respond(context, start, ann, ["disagree"], { ts: context.clock.now + 2 });
  await bot.handleEvent(changed, context);
  await bot.handleEvent(
    {
      event_id: "$redaction",
      room_id: governance,
      sender: ann,
      type: "m.room.redaction",
      content: { redacts: changed.event_id },
      origin_server_ts: context.clock.now + 3,
    },
    context,
  );
  await passDeadline(bot, context, day);
  assert.match(context.sent.at(-1)?.message.text ?? "", /Agree: 1 vote\n• Disagree: 0 votes/);
});

test("stable m.poll.response events count too", async () => {
  const { context, bot } = setup();
  const start = await propose(bot, context, "!propose Compost bins closes in 1 day");
  await bot.handleEvent(respond(context, start, ann, ["disagree"], { type: "m.poll.response" }), context);
  await passDeadline(bot, context, day);
  assert.match(context.sent.at(-1)?.message.text ?? "", /Disagree: 1 vote/);
});

test("an open poll still closes on time after a restart (a new bot over the same store)", async () => {
  const { context, bot } = setup();
  const start = await propose(bot, context, "!propose Bike rack closes in 2 hours");
  await bot.handleEvent(respond(context, start, ann, ["agree"]), context);
  const restarted = createPollsBot();
  context.clock.now += 5 * 60 * 60 * 1000; // the box was down past the deadline
  await restarted.onTick?.(context);
  assert.equal(endEvents(context).length, 1);
  assert.match(context.sent.at(-1)?.message.text ?? "", /Agree: 1 vote[\s\S]*Outcome: Passed\./);
});

test("an end event from anyone but the bot is ignored; the author or a moderator can close early through the bot", async () => {
  const { context, bot } = setup();
  const start = await propose(bot, context, "!propose Bike rack closes in 2 days");
  await bot.handleEvent(
    {
      event_id: "$foreignEnd",
      room_id: governance,
      sender: bob,
      type: "org.matrix.msc3381.poll.end",
      content: { "m.relates_to": { rel_type: "m.reference", event_id: start }, "org.matrix.msc3381.poll.end": {} },
      origin_server_ts: context.clock.now,
    },
    context,
  );
  assert.equal(context.sent.at(-1)?.message.text, said("polls.end.stillOpen", { number: "1", command: "!close 1" }));
  assert.equal(endEvents(context).length, 0);
  assert.equal(await command(bot, context, governance, bob, "!close 1"), said("polls.close.notAllowed", { number: "1" }));
  assert.equal(endEvents(context).length, 0);
  context.powerLevels.set(`${governance} ${cy}`, 50);
  const reply = await command(bot, context, governance, cy, "!close #1");
  assert.equal(endEvents(context).length, 1);
  assert.match(reply, /Closed early by @cy:block\.test/);
  assert.equal(await command(bot, context, governance, ann, "!close 1"), said("polls.close.already", { number: "1" }));
});

test("a moderator ending the poll in Element closes it at that moment, as Element shows it; a neighbor's end does not", async () => {
  const { context, bot } = setup();
  const start = await propose(bot, context, "!propose Bike rack closes in 2 days");
  const end = (sender: string, ts: number): MatrixEvent => ({
    event_id: `$end${ts}`,
    room_id: governance,
    sender,
    type: "org.matrix.msc3381.poll.end",
    content: { "m.relates_to": { rel_type: "m.reference", event_id: start }, "org.matrix.msc3381.poll.end": {}, "org.matrix.msc1767.text": "Ended" },
    origin_server_ts: ts,
  });
  const t = context.clock.now;
  await bot.handleEvent(respond(context, start, ann, ["agree"], { ts: t + 1000 }), context);
  await bot.handleEvent(end(bob, t + 2000), context);
  assert.equal(endEvents(context).length, 0, "a neighbor's end is ignored");
  await bot.handleEvent(respond(context, start, bob, ["agree"], { ts: t + 3000 }), context);
  context.state.set(`${governance} m.room.power_levels `, { redact: 50 });
  context.powerLevels.set(`${governance} ${cy}`, 50);
  // Delivered a little late: a vote with a later timestamp arrived first; Element counts only up to the end.
  await bot.handleEvent(respond(context, start, dee, ["disagree"], { ts: t + 5000 }), context);
  context.clock.now = t + 6000;
  await bot.handleEvent(end(cy, t + 4000), context);
  assert.equal(endEvents(context).length, 1, "the bot sends its own end too");
  const results = context.sent.at(-1)?.message.text ?? "";
  assert.match(results, /Closed early by @cy:block\.test/);
  assert.match(results, /Agree: 2 votes\n• Disagree: 0 votes/);
  await passDeadline(bot, context, 2 * day);
  assert.equal(endEvents(context).length, 1, "closed once");
});

test("consent with an objection does not pass", async () => {
  const { context, bot } = setup();
  await command(bot, context, governance, ann, "!consent Move the bike rack closes in 1 day");
  const start = startEvents(context)[0]?.eventId ?? "";
  assert.deepEqual(
    (startEvents(context)[0]!.content["org.matrix.msc3381.poll.start"] as any).answers.map((a: any) => a.id),
    ["consent", "object"],
  );
  await bot.handleEvent(respond(context, start, ann, ["consent"]), context);
  await bot.handleEvent(respond(context, start, bob, ["object"]), context);
  await passDeadline(bot, context, day);
  assert.match(context.sent.at(-1)?.message.text ?? "", /Outcome: Not passed: 1 objection stands\./);
});

test("choose several: pick 2 sets max_selections and counts both choices", async () => {
  const { context, bot } = setup();
  await command(bot, context, governance, ann, '!poll "Lunch?" options: pizza, tacos, soup closes in 2 days pick 2');
  const start = startEvents(context)[0];
  assert.equal((start!.content["org.matrix.msc3381.poll.start"] as any).max_selections, 2);
  await bot.handleEvent(respond(context, start?.eventId ?? "", ann, ["a", "b"]), context);
  await bot.handleEvent(respond(context, start?.eventId ?? "", bob, ["b"]), context);
  await passDeadline(bot, context, 2 * day);
  assert.match(context.sent.at(-1)?.message.text ?? "", /pizza: 1 vote\n• tacos: 2 votes[\s\S]*Outcome: Decided: tacos\./);
});

test("secret ballot: votes by DM with receipts, the room sees only the count, receipts are published at the close", async () => {
  const { context, bot } = setup();
  await command(bot, context, governance, ann, "!propose Hire a gardener closes in 1 day secret");
  assert.equal(startEvents(context).length, 0, "no native poll: clicking it would show who voted what");
  const announcement = context.sent.at(-1);
  assert.match(
    announcement?.message.text ?? "",
    /secret ballot[\s\S]*!vote 1 agree[\s\S]*I keep them on the box to count them, so its operator could look them up[\s\S]*Ballots cast: 0/,
  );

  assert.equal(await command(bot, context, governance, bob, "!vote 1 agree"), said("polls.ballot.sendPrivately"));
  const dm = (user: string) => {
    const roomId = `!dm-${user}`;
    context.directRooms.add(roomId);
    return roomId;
  };
  const annReply = await command(bot, context, dm(ann), ann, "vote 1 agree");
  const annReceipt = /receipt: `([A-Z0-9-]+)`/.exec(annReply)?.[1];
  assert.ok(annReceipt, annReply);
  // The fake host delivers it unencrypted: the reply says the operator could read this chat.
  assert.match(annReply, /this chat is not end-to-end encrypted: the box's operator could read it and your vote/);
  await command(bot, context, dm(bob), bob, "vote 1 disagree");
  const changed = await command(bot, context, dm(ann), ann, "vote 1 abstain");
  assert.match(changed, new RegExp(`changed[\\s\\S]*${annReceipt}`), "a changed vote keeps its receipt");
  assert.equal(await command(bot, context, dm(pactNeighbor), pactNeighbor, "vote 1 agree"), said("polls.ballot.notEligible", { number: "1" }));
  assert.match(await command(bot, context, dm(cy), cy, "vote 1 maybe"), /not an option/);

  const edits = context.events.filter((event) => event.type === "m.room.message" && event.roomId === governance);
  assert.match(String((edits.at(-1)?.content["m.new_content"] as any)?.body), /Ballots cast: 2/);
  assert.ok(!JSON.stringify(context.sent.filter((sent) => sent.roomId === governance)).includes('abstain"'), "the room never sees a vote");

  await passDeadline(bot, context, day);
  const results = context.sent.at(-1)?.message.text ?? "";
  assert.match(results, /Agree: 0 votes\n• Disagree: 1 vote\n• Abstain: 1 vote/);
  assert.match(results, new RegExp(`Receipts[\\s\\S]*\`${annReceipt}\` Abstain`));
  assert.ok(![...context.storeEntries.keys()].some((key) => key.startsWith("ballots/")), "voter names are dropped at the close");
  assert.ok(!JSON.stringify([...context.storeEntries.values()].filter((value) => Array.isArray(value))).includes(ann + '","receipt'));
});

test("ranked choice: ballots by DM, the results show each round", async () => {
  // On this block the operator lives there too and votes from the admin account (operator_is_neighbor: true).
  const { context, bot } = setup({ operatorIsNeighbor: true });
  await command(bot, context, governance, ann, '!ranked "Party theme" options: garden, music, food, games closes in 1 day');
  assert.match(context.sent.at(-1)?.message.text ?? "", /Element cannot rank options[\s\S]*!rank 1 C B A/);
  const ballots: [string, string][] = [
    [ann, "A B C"],
    [bob, "A B C"],
    [cy, "B C A"],
    [dee, "C B A"],
    [eli, "D C B"],
    [fay, "B"],
    [ada, "A"],
  ];
  for (const [voter, ranking] of ballots) {
    const roomId = `!dm-${voter}`;
    context.directRooms.add(roomId);
    assert.match(await command(bot, context, roomId, voter, `rank 1 ${ranking}`), /Your ballot is in/);
  }
  await passDeadline(bot, context, day);
  const results = context.sent.at(-1)?.message.text ?? "";
  assert.match(results, /Round 1: garden 3, music 2, food 1, games 1; out: food, games/);
  assert.match(results, /Round 2: garden 3, music 4\n/);
  assert.match(results, /Outcome: Decided: music\./);
});

test("a reminder a day before the close goes by DM to eligible members who haven't voted, unless they opted out", async () => {
  const { context, bot } = setup();
  assert.equal(await command(bot, context, lobby, dee, "!remind off"), said("polls.remind.off"));
  const start = await propose(bot, context, "!propose Quiet hours closes in 3 days");
  await bot.handleEvent(respond(context, start, ann, ["agree"]), context);
  await passDeadline(bot, context, day);
  assert.equal(context.privateRooms.length, 0, "not yet");
  await passDeadline(bot, context, day);
  const reminded = context.privateRooms.map((room) => room.userIds[0]).sort();
  assert.deepEqual(reminded, [bob, cy, eli, fay], "not the operator's admin account, which does not vote");
  const reminder = context.sent.find((sent) => sent.roomId === context.privateRooms[0]?.roomId);
  assert.match(reminder?.message.text ?? "", /Proposal 1: Quiet hours closes in about 1 day and you haven't voted yet[\s\S]*!remind off/);
  const count = context.sent.length;
  await passDeadline(bot, context, 60_000);
  assert.equal(context.sent.length, count, "reminded once");
});

test("a passed binding proposal applies its setting; a failed one does not", async () => {
  const { context, bot } = setup();
  const passing = await propose(bot, context, "!propose set sharing.max_open_listings to 5 closes in 1 day quorum 20%");
  await bot.handleEvent(respond(context, passing, ann, ["agree"]), context);
  await bot.handleEvent(respond(context, passing, bob, ["agree"]), context);
  const failing = await propose(bot, context, "!propose add neighbor elm.mesh at 10.0.2.1 closes in 1 day quorum 20%");
  await bot.handleEvent(respond(context, failing, ann, ["agree"]), context);
  await bot.handleEvent(respond(context, failing, bob, ["disagree"]), context);
  await passDeadline(bot, context, day);
  assert.equal(context.limits.maxOpenListings, 5);
  assert.deepEqual(context.pactMembers, []);
  const texts = context.sent.map((sent) => sent.message.text).join("\n");
  assert.match(texts, /Outcome: Passed\. Applied: sharing\.max_open_listings becomes 5\./);
  assert.match(texts, /Outcome: Not passed: threshold not met\./);
  assert.match(await command(bot, context, governance, cy, "!decisions"), /#1 set sharing\.max_open_listings to 5 .* — Passed Applied/);
});

test("the operator's members list decides who votes; only operators change it", async () => {
  const { context, bot } = setup();
  assert.match(await command(bot, context, governance, ann, "!members add " + bob), /Only the box operators/);
  assert.match(await command(bot, context, governance, ada, "!members add " + bob), /Added/);
  await command(bot, context, governance, ada, "!members add " + cy);
  assert.equal(await command(bot, context, governance, ada, "!members add " + pactNeighbor), said("polls.members.notMember", { server: testServer }));
  assert.match(await command(bot, context, governance, ada, "!members list"), /Members who vote \(2\)/);
  const start = await propose(bot, context, "!propose Quiet hours closes in 1 day");
  assert.match(context.sent.at(-1)?.message.text ?? "", /2 eligible members/);
  await bot.handleEvent(respond(context, start, ann, ["agree"]), context);
  await bot.handleEvent(respond(context, start, bob, ["disagree"]), context);
  await passDeadline(bot, context, day);
  assert.match(context.sent.at(-1)?.message.text ?? "", /Agree: 0 votes[\s\S]*Not counted .*@ann:block\.test/);
});

test("unreadable commands get a reply with what is accepted; polls start only in rooms, by members", async () => {
  const { context, bot } = setup();
  const reply = await command(bot, context, governance, ann, "!propose Quiet hours threshold 60%");
  assert.match(
    reply,
    /The threshold must be majority, two-thirds \(2\/3\) or three-quarters \(3\/4\)[\s\S]*For example: `!propose Quiet hours from 10pm[\s\S]*"closes in …" or "until …", "threshold …"/,
  );
  assert.ok((await command(bot, context, governance, ann, "!poll Lunch? options: pizza")).startsWith(said("polls.problem.fewOptions", { min: 2 })));
  assert.ok((await command(bot, context, governance, ann, "!propose")).startsWith(said("polls.problem.whatQuestion")));
  assert.equal(await command(bot, context, governance, pactNeighbor, "!propose Quiet hours"), said("polls.start.membersOnly"));
  assert.equal(startEvents(context).length, 0);
  assert.equal(await command(bot, context, governance, ann, "!polls"), said("polls.list.none"));
  await command(bot, context, governance, ann, "!propose Quiet hours");
  assert.match(await command(bot, context, governance, bob, "!polls"), /Proposal 1: Quiet hours .* — closes in 1 week/);
});

test("a neighbor who chose Spanish: replies, ballots and reminders in Spanish; the poll and its results in the block's English", async () => {
  const { context, bot } = setup();
  // A neighbor typing at a person's pace, not faster than the rate limit.
  const command = (...args: Parameters<typeof commandNow>) => {
    args[1].clock.now += 20_000;
    return commandNow(...args);
  };
  const dm = `!dm-${bob}`;
  context.directRooms.add(dm);
  await command(bot, context, dm, bob, "idioma es");
  assert.match(await command(bot, context, governance, bob, "!votaciones"), new RegExp(`^${sayPlain("es", "polls.list.none").slice(0, 30)}`));
  assert.equal(
    await command(bot, context, governance, bob, "!proponer"),
    [
      sayPlain("es", "polls.problem.whatQuestion"),
      sayPlain("es", "polls.start.example", { example: sayPlain("es", "polls.propose.example") }),
      sayPlain("es", "polls.start.clauses", { clauses: '"cierra en …" o "hasta …", "umbral …", "quórum …%", "secreta", "oculta"' }),
    ].join("\n\n"),
  );
  // Bob proposes in Spanish words; the poll is the room's, so its notice is in the block's language.
  const notice = await command(bot, context, governance, bob, "!proponer Hire a gardener hasta el viernes secret");
  assert.match(notice, /^Proposal 1: Hire a gardener\n[\s\S]*Closes June 6, 2025, 11:59\sPM/, "the coming Friday, read from Spanish");
  assert.match(notice, /This is a secret ballot/);
  const ballot = await command(bot, context, dm, bob, "votar 1 a favor");
  assert.ok(ballot.startsWith(sayPlain("es", "polls.ballot.cast", { changed: "no", title: "Propuesta 1: Hire a gardener", choices: "A favor" })), ballot);
  assert.equal(
    await command(bot, context, dm, bob, "votar 1 quizás"),
    "“quizás” no es una opción de esta votación. Opciones: agree (A favor), disagree (En contra), abstain (Me abstengo).",
  );
  assert.equal(await command(bot, context, governance, bob, "!cerrar 7"), sayPlain("es", "polls.noPoll", { number: "7" }).replace(/<[^>]+>/g, ""));
  assert.equal(await command(bot, context, governance, bob, "!recordar no"), sayPlain("es", "polls.remind.off"));
  // What a poll number is, when it is not one: in bob's words too.
  assert.ok((await command(bot, context, dm, bob, "votar uno a favor")).includes(sayPlain("es", "polls.argument.poll")));
  assert.equal(await command(bot, context, governance, ann, "!remind off"), sayPlain("en", "polls.remind.off"), "ann kept the block's language");
});

test("a Spanish-speaking block: the poll Element shows, its answers, results and end text in Spanish", async () => {
  const { context, bot } = setup({ blockLanguage: "es" });
  const start = await propose(bot, context, "!proponer Horario de silencio desde las 22 closes in 1 day");
  const content = startEvents(context)[0]?.content["org.matrix.msc3381.poll.start"] as Record<string, any>;
  assert.equal(content.question["org.matrix.msc1767.text"], "Propuesta 1: Horario de silencio desde las 22");
  assert.deepEqual(
    content.answers.map((answer: any) => answer["org.matrix.msc1767.text"]),
    ["A favor", "En contra", "Me abstengo"],
  );
  assert.match(context.sent.at(-1)?.message.text ?? "", /Cierra el 2 de junio de 2025 a las 12:00 \(en 1 día\)\. Se aprueba con más de la mitad/);
  await bot.handleEvent(respond(context, start, ann, ["agree"]), context);
  await passDeadline(bot, context, day);
  const results = context.sent.at(-1)?.message.text ?? "";
  assert.match(results, /^Resultados — Propuesta 1: Horario de silencio desde las 22\n• A favor: 1 voto\n• En contra: 0 votos/);
  assert.match(results, /Resultado: Aprobada\./);
  assert.equal(String(endEvents(context)[0]?.content["org.matrix.msc1767.text"]), "La votación terminó. Aprobada. (Votaron 1 de 6 con voto).");
  assert.match(
    await command(bot, context, governance, ann, "!decisions"),
    /Decisiones \(las más recientes primero\)\n\n• 2 jun 2025 #1 Horario de silencio desde las 22 .* — Aprobada/,
  );
});

test("!help shows the commands' examples as code, not as literal backticks", async () => {
  const { context, bot } = setup();
  for (const name of ["propose", "vote", "rank", "poll"]) {
    await command(bot, context, governance, ann, `!help ${name}`);
    const help = context.sent.at(-1)?.message;
    assert.ok(help, name);
    assert.ok(help.html.includes("<code>"), name);
    assert.ok(!help.html.includes("`"), `${name}: ${help.html}`);
  }
  await command(bot, context, governance, ann, "!ayuda votar");
  assert.match(context.sent.at(-1)?.message.html ?? "", /<code>!vote 3 agree<\/code>/);
});

test("a poll closing on a day already past is refused and nothing opens: 'until last Tuesday' is not next Tuesday", async () => {
  const { context, bot } = setup();
  const reply = await command(bot, context, governance, ann, "!propose Fix the gate until last Tuesday");
  // The test clock is Sunday 1 June 2025.
  assert.match(reply, /^“until last Tuesday” is already past: it was Tuesday, May 27, 2025\./);
  assert.equal(startEvents(context).length, 0);
  await command(bot, context, governance, ann, "!propose Fix the gate until Tuesday");
  assert.equal(startEvents(context).length, 1);
  const poll = context.storeEntries.get("poll/000001") as { closesAt: number };
  assert.equal(poll.closesAt, Date.UTC(2025, 5, 3, 23, 59), "the coming Tuesday, at the end of the day");
});
