// The neighborhood file's `language` choices (homeserver-config may not import bots/) are exactly the
// languages the bots have catalogs for.
import { test } from "node:test";
import assert from "node:assert/strict";
import { blockLanguages } from "../homeserver-config/neighborhoodSchema.ts";
import { supportedLanguages } from "../bots/framework/languages.ts";

test("a block can choose exactly the languages the bots speak", () => {
  assert.deepEqual([...blockLanguages].sort(), [...supportedLanguages].sort());
});
