import { test } from "node:test";
import assert from "node:assert/strict";
import { catalogProblems } from "../catalogCheck.ts";
import { catalogFor, readCatalogFolder, sourceLanguage, supportedLanguages } from "../languages.ts";

const source = readCatalogFolder(sourceLanguage) as Record<string, string>;

test("Spanish is there, and English's files are all imported by languages.ts", () => {
  assert.ok(supportedLanguages.includes("es"));
  assert.deepEqual(Object.keys(catalogFor("en")).sort(), Object.keys(source).sort());
});

test("every catalog has English's keys, valid ICU, the same placeholders and tags", () => {
  for (const language of supportedLanguages) {
    assert.deepEqual(catalogProblems(source, readCatalogFolder(language), language), [], `the ${language} catalog`);
  }
});

test("the check fails on a planted missing key, stray key, lost placeholder, changed tag and broken message", () => {
  const planted = { ...readCatalogFolder("es") };
  delete planted["framework.slowDown"];
  planted["framework.slowdown"] = "Más despacio";
  planted["porch.welcomeBack"] = "¡Hola de nuevo! 👋";
  planted["framework.unknownCommand"] = "No conozco <b>{command}</b>. Prueba <code>{help}</code>.";
  planted["framework.tooLong"] = "Demasiado largo ({limit, number";
  planted["help.usage"] = "Uso: <script>{usage}</script>";
  const problems = catalogProblems(source, planted, "es");
  assert.deepEqual(problems.sort(), [
    'es: "framework.slowDown" is missing',
    'es: "framework.slowdown" is not in the English catalog (a typo, or a key that was removed)',
    'es: "framework.tooLong" is not valid ICU MessageFormat (EXPECT_ARGUMENT_CLOSING_BRACE)',
    'es: "framework.unknownCommand" has tags b, code; English has code',
    'es: "help.usage" uses <script> (tags: b, i, code)',
    'es: "porch.welcomeBack" has placeholders none; English has neighbor',
  ]);
});
