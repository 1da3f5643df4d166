// Argument names in usage lines, !help and problems are words of the neighbor's language: every argument
// of every command the bots define has its name in each catalog (`argument.name.<name>`), one word a
// neighbor can read between < >; and a Spanish speaker sees them in !help and in a bad command's usage.
import assert from "node:assert/strict";
import { test } from "node:test";
import "../../index.ts";
import { pollsBot } from "../../polls/pollsBot.ts";
import { shareBot } from "../../share/shareBot.ts";
import { definedCommands, type Command } from "../defineCommand.ts";
import { readCatalogFolder, supportedLanguages } from "../languages.ts";
import { argumentLabel, sayPlain } from "../speak.ts";
import { createFakeBotContext, takeSentTexts, testServer, textMessage } from "../testing/fakeBotContext.ts";

/** Arguments without a name in a catalog, or with one a usage line cannot show, one line each. */
function argumentNameProblems(commands: readonly Command[], catalogs: ReadonlyMap<string, Record<string, unknown>>): string[] {
  const problems = new Set<string>();
  for (const command of commands) {
    for (const argument of command.arguments) {
      for (const [language, catalog] of catalogs) {
        const label = catalog[`argument.name.${argument.name}`];
        if (typeof label !== "string") problems.add(`${language}: "argument.name.${argument.name}" is missing (!${command.name})`);
        else if (!/^[\p{L}\p{N}-]+$/u.test(label)) problems.add(`${language}: "argument.name.${argument.name}" is "${label}"; a usage line needs one word`);
      }
    }
  }
  return [...problems].sort();
}

const catalogs = new Map(supportedLanguages.map((language) => [language, readCatalogFolder(language)]));

test("every argument of every bot's commands has a one-word name in each catalog", () => {
  assert.ok(definedCommands.length > 30, `the bots' commands are all defined: ${definedCommands.length}`);
  assert.deepEqual(argumentNameProblems(definedCommands, catalogs), []);
});

test("the check fails on a planted argument without a name and on a name of two words", () => {
  const spanish = { ...catalogs.get("es") };
  delete spanish["argument.name.until"];
  spanish["argument.name.what"] = "qué cosa";
  const planted = new Map([["es", spanish]]);
  assert.deepEqual(argumentNameProblems(definedCommands, planted), [
    'es: "argument.name.until" is missing (!lend-out)',
    'es: "argument.name.until" is missing (!renew)',
    'es: "argument.name.what" is "qué cosa"; a usage line needs one word',
  ]);
});

test("a usage line names the arguments in the neighbor's language", () => {
  const offer = definedCommands.find((command) => command.name === "offer");
  assert.ok(offer);
  assert.equal(offer.usage, offer.usageIn("en"));
  assert.equal(offer.usageIn("es"), `!offer <${argumentLabel("es", "what")}…>`);
  assert.notEqual(offer.usageIn("es"), offer.usageIn("en"));
});

test("a Spanish speaker reads the bot's name and Spanish argument names in !help, !help <command> and a bad command's usage", async () => {
  const context = createFakeBotContext({ operators: [`@ada:${testServer}`] });
  const sharing = `!sharing:${testServer}`;
  const governance = `!governance:${testServer}`;
  context.roomRoles.set(sharing, "sharing");
  context.roomRoles.set(governance, "governance");
  const ana = `@ana:${testServer}`;
  await shareBot.handleEvent(textMessage(sharing, ana, "!idioma es"), context);
  takeSentTexts(context);
  const lendOut = definedCommands.find((command) => command.name === "lend-out");
  assert.ok(lendOut);

  await shareBot.handleEvent(textMessage(sharing, ana, "!ayuda"), context);
  const [list] = takeSentTexts(context);
  assert.ok(list?.includes(lendOut.usageIn("es")), `the list shows ${lendOut.usageIn("es")}: ${list}`);
  assert.ok(list?.includes(`!help <${argumentLabel("es", "command")}>`), "and how to ask about one command");
  // The bot's own name heads its !help in the reader's language; its Matrix profile takes the English.
  assert.ok(list?.startsWith(`${sayPlain("es", "share.displayName")} — `), `the share bot's name in Spanish: ${list}`);
  assert.equal(shareBot.displayName, sayPlain("en", "share.displayName"));

  await shareBot.handleEvent(textMessage(sharing, ana, "!ayuda lend-out"), context);
  const [detail] = takeSentTexts(context);
  for (const name of ["id", "borrower", "until"]) assert.ok(detail?.includes(`\`${argumentLabel("es", name)}\``), `${name} is named in Spanish: ${detail}`);

  await pollsBot.handleEvent(textMessage(governance, ana, "!votar"), context);
  const [problem] = takeSentTexts(context);
  const vote = definedCommands.find((command) => command.name === "vote");
  assert.ok(problem?.includes(vote!.usageIn("es")), `the usage after a problem is in Spanish: ${problem}`);
  assert.ok(problem?.includes(`\`${argumentLabel("es", "poll")}\``), "and so is the missing argument's name");
});
