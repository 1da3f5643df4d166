import { test } from "node:test";
import assert from "node:assert/strict";
import { createFakeBotContext, takeSentTexts, testServer, textMessage } from "../testing/fakeBotContext.ts";
import { argumentLabel, sayPlain } from "../speak.ts";
import { porchBot } from "../../porch/porchBot.ts";
import { pollsBot } from "../../polls/pollsBot.ts";

const lobby = `!lobby:${testServer}`;
const governance = `!governance:${testServer}`;
const ana = `@ana:${testServer}`;

function block() {
  const context = createFakeBotContext({ operators: [`@ada:${testServer}`] });
  context.roomRoles.set(lobby, "lobby");
  context.roomRoles.set(governance, "governance");
  return context;
}

test("!language says the current language and the choices; !language es answers in Spanish from then on", async () => {
  const context = block();
  await porchBot.handleEvent(textMessage(lobby, ana, "!language"), context);
  const [current] = takeSentTexts(context);
  assert.match(current ?? "", /^I answer you in English\. To change it, send `!language <code>` with one of: `en` \(English\) and `es` \(Español\)\.$/);

  await porchBot.handleEvent(textMessage(lobby, ana, "!language es"), context);
  assert.deepEqual(takeSentTexts(context), [sayPlain("es", "language.changed", { language: "Español" })]);
  assert.equal(context.community.languageOf(ana), "es");

  await porchBot.handleEvent(textMessage(lobby, ana, "!nada"), context);
  assert.deepEqual(takeSentTexts(context), [sayPlain("es", "framework.unknownCommand", { command: "!nada", help: "!help" })]);
});

test("the choice is the block's: every bot answers in it, and Spanish aliases work", async () => {
  const context = block();
  const ana = `@ana2:${testServer}`;
  await porchBot.handleEvent(textMessage(lobby, ana, "!idioma español"), context);
  takeSentTexts(context);
  // The polls bot was never told, and answers in Spanish.
  await pollsBot.handleEvent(textMessage(governance, ana, "!ayuda"), context);
  const [help] = takeSentTexts(context);
  assert.ok(help?.includes(sayPlain("es", "help.more", { usage: `!help <${argumentLabel("es", "command")}>` })), help);
  assert.ok(help?.includes(`\`!language [${argumentLabel("es", "language")}]\` (\`!idioma\`) — ${sayPlain("es", "language.summary")}`), help);

  await porchBot.handleEvent(textMessage(lobby, ana, "!language EN-us"), context);
  assert.deepEqual(takeSentTexts(context), ["From now on I answer you in English."]);
});

test("an unknown language is refused in the neighbor's language, naming the choices, and changes nothing", async () => {
  const context = block();
  // Each test its own neighbor: the bots' rate limits outlive a test context.
  const ana = `@ana3:${testServer}`;
  await porchBot.handleEvent(textMessage(lobby, ana, "!language klingon"), context);
  assert.deepEqual(takeSentTexts(context), ["I don't speak “klingon” yet. I can answer in: `en` (English) and `es` (Español)."]);
  assert.equal(context.community.languageOf(ana), "en");
});

test("where bots share a room, only the one at home answers !language", async () => {
  const context = block();
  const ana = `@ana4:${testServer}`;
  await pollsBot.handleEvent(textMessage(lobby, ana, "!language es"), context);
  assert.deepEqual(takeSentTexts(context), []);
  assert.equal(context.community.languageOf(ana), "en");
});

test("a block whose language is Spanish answers in Spanish until a neighbor chooses English", async () => {
  const context = createFakeBotContext({ blockLanguage: "es" });
  const ana = `@ana5:${testServer}`;
  context.roomRoles.set(lobby, "lobby");
  await porchBot.handleEvent(textMessage(lobby, ana, "!about"), context);
  const [about] = takeSentTexts(context);
  assert.ok(about?.startsWith(sayPlain("es", "porch.aboutCommand.what", { block: context.neighborhood.name })), about);
  await porchBot.handleEvent(textMessage(lobby, ana, "!language en"), context);
  await porchBot.handleEvent(textMessage(lobby, ana, "!about"), context);
  assert.match(takeSentTexts(context)[1] ?? "", /^BlockShare is /);
});
