import { test } from "node:test";
import assert from "node:assert/strict";
import { communityStoreName, createCommunity, defaultNorms, fixedPact, readCommunityNorms } from "../src/communitySettings.ts";
import { defaultSharingLimits } from "../src/appserviceHost.ts";
import { openStore } from "../src/store.ts";

test("the block's norms: the default, or the neighborhood file's text, until a passed proposal sets them; readCommunityNorms sees the same", () => {
  const store = openStore(":memory:");
  try {
    assert.ok(defaultNorms.split("\n").length >= 4 && defaultNorms.split("\n").length <= 6, "a short default");
    assert.equal(createCommunity(store.botStore(communityStoreName), defaultSharingLimits, fixedPact([])).norms(), defaultNorms);
    const fromFile = "Be kind.\nShare fairly.\n"; // a YAML block scalar ends with a line break
    const community = createCommunity(store.botStore(communityStoreName), defaultSharingLimits, fixedPact([]), fromFile);
    assert.equal(community.norms(), "Be kind.\nShare fairly.");
    assert.equal(readCommunityNorms(store, fromFile), "Be kind.\nShare fairly.");
    community.setNorms("Be kinder.");
    assert.equal(community.norms(), "Be kinder.");
    assert.equal(readCommunityNorms(store, fromFile), "Be kinder.", "what a passed proposal set wins over the file");
    assert.deepEqual(community.sharingLimits(), defaultSharingLimits, "the sharing limits are untouched");
  } finally {
    store.close();
  }
});
