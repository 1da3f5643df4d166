import { test } from "node:test";
import assert from "node:assert/strict";
import { tokenizeArguments } from "../argumentTokens.ts";
import { duration, integer, optional, rest, text, userId, type AnyCommandArgument } from "../commandArguments.ts";
import { defineCommand } from "../defineCommand.ts";
import { parseArguments } from "../parseArguments.ts";

function problemOf(argumentList: readonly AnyCommandArgument[], input: string): string {
  const parsed = parseArguments(argumentList, input);
  assert.equal(parsed.ok, false, `expected "${input}" to be refused`);
  return parsed.ok ? "" : parsed.problem.text;
}

test("quoted phrases stay together, straight or curly quotes", () => {
  assert.deepEqual(
    tokenizeArguments(`one "two words"  “three more words” last`).map((token) => token.value),
    ["one", "two words", "three more words", "last"],
  );
});

test("typed values arrive under their names", () => {
  const parsed = parseArguments([integer("count", { min: 1, max: 20 }), text("what"), rest("note")], `3 "ripe tomatoes" from   my garden`);
  assert.equal(parsed.ok, true);
  if (!parsed.ok) return;
  assert.deepEqual(parsed.values, { count: 3, what: "ripe tomatoes", note: "from   my garden" });
});

test("a bad integer names the argument and the accepted range", () => {
  assert.equal(problemOf([integer("count", { min: 1, max: 20 })], "lots"), "`count` must be a whole number from 1 to 20.");
  assert.equal(problemOf([integer("count", { min: 1, max: 20 })], "21"), "`count` must be a whole number from 1 to 20.");
  assert.equal(problemOf([integer("count")], "2.5"), "`count` must be a whole number.");
});

test("a missing argument is named; extra words are pointed out", () => {
  assert.equal(problemOf([text("title")], ""), "`title` is missing.");
  assert.equal(problemOf([text("title")], "ladder please"), "I didn't expect `please`.");
});

test("optional arguments may be left off at the end", () => {
  const parsed = parseArguments([text("first"), optional(integer("count"))], "apples");
  assert.deepEqual(parsed, { ok: true, values: { first: "apples", count: undefined } });
});

test("rest takes the remaining text; a single quoted phrase loses its quotes", () => {
  assert.deepEqual(parseArguments([rest("title")], `"a big ladder"`), { ok: true, values: { title: "a big ladder" } });
  assert.deepEqual(parseArguments([rest("title")], `a "big" ladder`), { ok: true, values: { title: `a "big" ladder` } });
});

test("durations: single word, two words, compound; bare numbers and out-of-range refused", () => {
  const hour = 3_600_000;
  const args = [duration("for", { max: 30 * 24 * hour }), optional(rest("question"))] as const;
  assert.deepEqual(parseArguments(args, "2h"), { ok: true, values: { for: 2 * hour, question: undefined } });
  assert.deepEqual(parseArguments(args, "3 days Paint the fence?"), { ok: true, values: { for: 72 * hour, question: "Paint the fence?" } });
  assert.deepEqual(parseArguments(args, "1h30m"), { ok: true, values: { for: 1.5 * hour, question: undefined } });
  assert.match(problemOf(args, "3"), /^`for` must be a length of time of at most 4 weeks, 2 days \(like 2h/);
  assert.match(problemOf(args, "40d"), /^`for` must be/);
  assert.deepEqual(parseArguments(args, "3 días"), { ok: true, values: { for: 72 * hour, question: undefined } }, "Spanish units too");
});

test("a problem is said in the neighbor's language, durations too", () => {
  const hour = 3_600_000;
  const args = [duration("for", { max: 30 * 24 * hour }), integer("count", { min: 1, max: 20 })] as const;
  const problem = (text: string) => {
    const parsed = parseArguments(args, text, "es");
    return parsed.ok ? "" : parsed.problem.text;
  };
  assert.equal(problem("3"), "`durante` debe ser un tiempo de como máximo 4 semanas y 2 días (como 2h, 45m o “3 días”).");
  assert.equal(problem("2h 99"), "`count` debe ser un número entero del 1 al 20.");
  assert.equal(problem("2h"), "Falta `count`.");
  assert.equal(problem("2h 3 pero"), "No esperaba `pero`.");
});

test("user IDs must be full Matrix IDs", () => {
  assert.deepEqual(parseArguments([userId("who")], "@alice:block.test"), { ok: true, values: { who: "@alice:block.test" } });
  assert.deepEqual(parseArguments([userId("who")], "@bob:[::1]:8448"), { ok: true, values: { who: "@bob:[::1]:8448" } });
  for (const notAnId of ["alice", "@alice", "Alice Smith", "alice:block.test", "@:block.test"]) {
    assert.match(problemOf([userId("who")], notAnId), /^`who` must be a full Matrix ID/, notAnId);
  }
});

test("defineCommand refuses ambiguous argument lists at startup", () => {
  const run = () => undefined;
  assert.throws(() => defineCommand({ name: "x", summary: "", args: [rest("a"), text("b")], permission: "anyone", run }), /must be last/);
  assert.throws(
    () => defineCommand({ name: "x", summary: "", args: [optional(text("a")), text("b")], permission: "anyone", run }),
    /cannot follow an optional/,
  );
  assert.throws(() => defineCommand({ name: "x", summary: "", args: [text("a"), text("a")], permission: "anyone", run }), /used twice/);
  assert.throws(() => defineCommand({ name: "Bad Name", summary: "", args: [], permission: "anyone", run }), /lowercase/);
});

test("run receives typed values (checked by tsc)", async () => {
  const give = defineCommand({
    name: "give",
    summary: "Offer something",
    args: [integer("count", { min: 1, max: 20 }), optional(userId("to"))],
    permission: "anyone",
    run: ({ args }) => {
      const count: number = args.count;
      const to: string | undefined = args.to;
      // @ts-expect-error: there is no such argument
      void args.missing;
      // @ts-expect-error: an optional value may be undefined
      const definitely: string = args.to;
      void definitely;
      return { html: `${count} ${to ?? "-"}`, text: `${count} ${to ?? "-"}` };
    },
  });
  assert.equal(give.usage, "!give <count> [to]");
});
