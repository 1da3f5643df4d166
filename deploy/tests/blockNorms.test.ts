import { test } from "node:test";
import assert from "node:assert/strict";
import { initialNorms } from "../src/blockNorms.ts";
import { defaultNorms } from "../../appservices/src/communitySettings.ts";
import { sayPlain } from "../../bots/framework/speak.ts";

test("a block starts with the file's norms, else the default ones in its language", () => {
  assert.equal(initialNorms({ language: "en", norms: "Be kind.\nShare.\n" }), "Be kind.\nShare.");
  assert.equal(initialNorms({ language: "en" }), defaultNorms, "the host's English default and the catalog's agree");
  const spanish = initialNorms({ language: "es" });
  assert.equal(spanish, sayPlain("es", "porch.norms.default"));
  assert.equal(spanish.split("\n").length, defaultNorms.split("\n").length, "a line per norm, as many as in English");
});
