// !members' action words come from the catalogs: an operator who reads Spanish types `!miembros agregar`
// (English words keep working), and the bot names the actions in the operator's words.
import assert from "node:assert/strict";
import { test } from "node:test";
import { code, joinPieces } from "../../framework/richText.ts";
import { sayPlain } from "../../framework/speak.ts";
import { createFakeBotContext, testServer, textMessage } from "../../framework/testing/fakeBotContext.ts";
import { createPollsBot } from "../pollsBot.ts";

const governance = `!governance:${testServer}`;
const ada = `@ada:${testServer}`; // operator
const bea = `@bea:${testServer}`;

test("an operator reading Spanish manages the members list with the Spanish words, and English ones still work", async () => {
  const context = createFakeBotContext({ operators: [ada] });
  context.roomRoles.set(governance, "governance");
  context.members.set(governance, [context.self, ada, bea]);
  const bot = createPollsBot();
  const ask = async (body: string): Promise<string> => {
    // Past the rate limit's refill: six commands in a row would be a burst.
    context.clock.now += 5_000;
    const before = context.sent.length;
    await bot.handleEvent(textMessage(governance, ada, body, { origin_server_ts: context.clock.now }), context);
    return context.sent
      .slice(before)
      .map((sent) => sent.message.text)
      .join("\n");
  };
  await ask("!idioma es");
  const word = (action: "list" | "add" | "remove") => sayPlain("es", `polls.members.word.${action}`);

  const use = sayPlain("es", "polls.members.use", {
    commands: joinPieces(
      (["list", "add", "remove"] as const).map((action) => code(`!members ${word(action)}`)),
      ", ",
    ),
  });
  assert.equal(await ask("!miembros hacer"), use, "an unknown action is answered with the Spanish words");
  assert.equal(
    await ask(`!miembros ${word("add")}`),
    sayPlain("es", "polls.members.whom", { example: `!members ${word("add")} @bea:${testServer}` }),
    "the example uses the Spanish word",
  );
  assert.match(await ask(`!miembros ${word("add")} ${bea}`), new RegExp(sayPlain("es", "polls.members.added", { neighbor: "X" }).split("X")[0]!));
  assert.match(await ask(`!miembros ${word("list")}`), new RegExp(sayPlain("es", "polls.members.list", { count: 1 }).replace(/[()]/g, "\\$&")));
  assert.match(
    await ask(`!members remove ${bea}`),
    new RegExp(sayPlain("es", "polls.members.removed", { neighbor: "X" }).split("X")[0]!),
    "the English word still works",
  );
  assert.notEqual(word("remove"), "remove");
});
