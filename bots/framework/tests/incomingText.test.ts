import { test } from "node:test";
import assert from "node:assert/strict";
import type { MatrixEvent } from "../contract.ts";
import { readIncomingText } from "../incomingText.ts";

function event(content: Record<string, unknown>, type = "m.room.message"): MatrixEvent {
  return { event_id: "$e", room_id: "!r:x", sender: "@a:x", type, content, origin_server_ts: 0 };
}

test("notices, edits, emotes, images and non-messages are not for the bots", () => {
  assert.equal(readIncomingText(event({ msgtype: "m.notice", body: "!help" })), undefined);
  assert.equal(readIncomingText(event({ msgtype: "m.text", body: "* !help", "m.relates_to": { rel_type: "m.replace", event_id: "$x" } })), undefined);
  assert.equal(readIncomingText(event({ msgtype: "m.emote", body: "!help" })), undefined);
  assert.equal(readIncomingText(event({ msgtype: "m.image", body: "!help.png" })), undefined);
  assert.equal(readIncomingText(event({ msgtype: "m.text", body: "!help" }, "m.sticker")), undefined);
  assert.equal(readIncomingText(event({ msgtype: "m.text", body: "!help" })), "!help");
});

test("Element's mention pills become full Matrix IDs", () => {
  const text = readIncomingText(
    event({
      msgtype: "m.text",
      body: "!kick Bea &co",
      format: "org.matrix.custom.html",
      formatted_body: `!kick <a href="https://matrix.to/#/@bea:block.test">Bea</a> &amp;co<br>next`,
    }),
  );
  assert.equal(text, "!kick @bea:block.test &co\nnext");
});

test("an old-style reply fallback quote is dropped", () => {
  const text = readIncomingText(
    event({
      msgtype: "m.text",
      body: "> <@porch:x> Welcome!\n> more\n\n!about",
      "m.relates_to": { "m.in_reply_to": { event_id: "$w" } },
    }),
  );
  assert.equal(text, "!about");
});
