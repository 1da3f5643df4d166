import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { importsOf, importViolations, misplacedTests, projectImportViolations } from "./importRules.ts";

test("every folder keeps the import rule its README states", () => {
  assert.deepEqual(projectImportViolations(process.cwd()), []);
});

test("a planted import across a rule is reported with the file, line and the README's rule", () => {
  const source = [
    `import { readFileSync } from "node:fs";`,
    `import { parse } from "yaml";`,
    `import type { BotContext } from "../framework/contract.ts";`,
    `import { startAppserviceHost } from "../../appservices/src/appserviceHost.ts";`,
    `export { loadNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";`,
    `const later = await import("../../deploy/src/cli.ts");`,
  ].join("\n");
  assert.deepEqual(importViolations("bots/share/shareBot.ts", source), [
    "bots/share/shareBot.ts:4 imports appservices/src/appserviceHost.ts; bots/README.md: only files inside bots/ and common/",
    "bots/share/shareBot.ts:5 imports homeserver-config/loadNeighborhood.ts; bots/README.md: only files inside bots/ and common/",
    "bots/share/shareBot.ts:6 imports deploy/src/cli.ts; bots/README.md: only files inside bots/ and common/",
  ]);
  // The host may use the bots' contract for types, and nothing else of theirs.
  assert.deepEqual(importViolations("appservices/src/x.ts", `import type { Community } from "../../bots/framework/contract.ts";`), []);
  assert.equal(importViolations("appservices/src/x.ts", `import { defineBot } from "../../bots/framework/defineBot.ts";`).length, 1);
  assert.equal(
    importViolations("appservices/src/x.ts", `import { Community } from "../../bots/framework/contract.ts";`).length,
    1,
    "a value import of the contract",
  );
  // A test may start real parts through the shared harness; the code under test may not.
  const harness = `import { startTestNeighborhood } from "../../test/harness/testNeighborhood.ts";`;
  assert.deepEqual(importViolations("bots/polls/pollsBot.integration.test.ts", harness), []);
  assert.equal(importViolations("bots/polls/pollsBot.ts", harness).length, 1);
  // Every folder may use common/'s helpers; common/ itself imports nothing of the project.
  const helper = `import { bearerChecker } from "../../common/bearerToken.ts";`;
  assert.deepEqual(importViolations("mesh-monitor/src/x.ts", helper), []);
  assert.deepEqual(importViolations("appservices/src/x.ts", helper), []);
  assert.deepEqual(importViolations("common/x.ts", `import { createHash } from "node:crypto";\nimport { isJsonObject } from "./jsonObject.ts";`), []);
  assert.deepEqual(importViolations("common/x.ts", `import { sendMatrixError } from "../appservices/src/matrixErrors.ts";`), [
    "common/x.ts:1 imports appservices/src/matrixErrors.ts; common/README.md: Node built-ins and npm packages only",
  ]);
  assert.equal(
    importViolations("mesh-monitor/src/x.ts", `import { say } from "../../bots/framework/speak.ts";`).length,
    1,
    "the monitor still imports no bot code",
  );
});

test("multi-line imports are read", () => {
  const source = `import {\n  a,\n  b,\n} from "../../deploy/x.ts";\nimport type {\n  C,\n} from "./y.ts";`;
  assert.deepEqual(
    importsOf(source).map((statement) => [statement.specifier, statement.typeOnly]),
    [
      ["../../deploy/x.ts", false],
      ["./y.ts", true],
    ],
  );
});

test("every test lives where the README says: its folder's tests/, or test/ for whole-block tests", () => {
  const tracked = execFileSync("git", ["ls-files", "*.test.ts"], { encoding: "utf8" }).split("\n").filter(Boolean);
  assert.deepEqual(misplacedTests(tracked), []);
  assert.deepEqual(misplacedTests(["bots/polls/pollsBot.test.ts", "bots/polls/tests/pollsBot.test.ts", "test/chaos.test.ts"]), ["bots/polls/pollsBot.test.ts"]);
});
