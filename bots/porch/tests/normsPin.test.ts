import { test } from "node:test";
import assert from "node:assert/strict";
import { createFakeBotContext, testServer } from "../../framework/testing/fakeBotContext.ts";
import { decideNormsPin, type NormsPin } from "../normsPin.ts";
import { porchBot } from "../porchBot.ts";
import { sayPlain } from "../../framework/speak.ts";

const lobby = `!lobby:${testServer}`;
const pinnedKey = `${lobby} m.room.pinned_events `;

test("the pin decision: wait for a Lobby, post once, edit when the norms change, pin what is not pinned", () => {
  const pin: NormsPin = { roomId: lobby, eventId: "$norms", text: "Be kind.", pinned: true };
  assert.deepEqual(decideNormsPin("Be kind.", undefined, undefined), { kind: "nothing" });
  assert.deepEqual(decideNormsPin("Be kind.", lobby, undefined), { kind: "post", roomId: lobby });
  assert.deepEqual(decideNormsPin("Be kind.", lobby, pin), { kind: "nothing" });
  assert.deepEqual(decideNormsPin("Be kinder.", lobby, pin), { kind: "edit", pin });
  assert.deepEqual(decideNormsPin("Be kind.", lobby, { ...pin, pinned: false }), { kind: "pin", pin: { ...pin, pinned: false } });
  assert.deepEqual(decideNormsPin("Be kind.", `!newlobby:${testServer}`, pin), { kind: "post", roomId: `!newlobby:${testServer}` });
});

test("the porch posts the norms in the Lobby once, pins them beside other pins, and edits that message when they change", async () => {
  const context = createFakeBotContext();
  context.roomRoles.set(lobby, "lobby");
  context.state.set(pinnedKey, { pinned: ["$older"] });
  context.norms.text = "Be kind.\nNo selling on the sharing board.";
  await porchBot.onTick?.(context);
  await porchBot.onTick?.(context);
  assert.equal(context.sent.length, 1, "posted once");
  const posted = context.sent[0]!;
  assert.equal(posted.roomId, lobby);
  assert.match(posted.message.text, /Our block's norms\n• Be kind\.\n• No selling on the sharing board\./);
  assert.match(posted.message.text, /!propose norms/);
  const pinned = context.state.get(pinnedKey)?.pinned as string[];
  assert.equal(pinned.length, 2, "the older pin stays");
  assert.equal(pinned[0], "$older");

  context.norms.text = "Be kind.\nShare fairly.";
  await porchBot.onTick?.(context);
  await porchBot.onTick?.(context);
  assert.equal(context.sent.length, 1, "no new message: the pinned one is edited");
  const edits = context.events.filter((event) => event.type === "m.room.message");
  assert.equal(edits.length, 1);
  assert.deepEqual(edits[0]?.content["m.relates_to"], { rel_type: "m.replace", event_id: pinned[1] });
  assert.match(String((edits[0]!.content["m.new_content"] as { body: string }).body), /• Share fairly\./);
});

test("a failing post is tried again later, not every second", async () => {
  const context = createFakeBotContext();
  context.roomRoles.set(lobby, "lobby");
  let tries = 0;
  context.actions.sendMessage = async () => {
    tries += 1;
    throw new Error("M_FORBIDDEN: not in the room yet");
  };
  const quiet = console.error;
  console.error = () => {};
  try {
    await porchBot.onTick?.(context);
    await porchBot.onTick?.(context);
    assert.equal(tries, 1, "waits before trying again");
    context.clock.now += 2_000;
    await porchBot.onTick?.(context);
    assert.equal(tries, 2);
  } finally {
    console.error = quiet;
  }
});

test("a Spanish block's pinned norms are in Spanish (the block's language), the norms' own text as written", async () => {
  const context = createFakeBotContext({ blockLanguage: "es" });
  context.roomRoles.set(lobby, "lobby");
  context.norms.text = "Sé amable.\nComparte.";
  await porchBot.onTick?.(context);
  const posted = context.sent[0]!;
  assert.ok(posted.message.text.startsWith(`${sayPlain("es", "porch.norms.heading")}\n• Sé amable.\n• Comparte.`), posted.message.text);
  assert.ok(posted.message.text.includes(sayPlain("es", "porch.norms.howTheyChange", { example: '!propose norms "…"' })));
});
