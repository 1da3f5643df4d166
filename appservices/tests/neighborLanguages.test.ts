import { test } from "node:test";
import assert from "node:assert/strict";
import { communityStoreName, createCommunity, defaultNorms, fixedPact } from "../src/communitySettings.ts";
import { defaultSharingLimits } from "../src/appserviceHost.ts";
import { openStore } from "../src/store.ts";

test("a neighbor's language: the block's until they choose, kept across a restart, and a code the box no longer speaks falls back", () => {
  const store = openStore(":memory:");
  try {
    const open = () => createCommunity(store.botStore(communityStoreName), defaultSharingLimits, fixedPact([]), defaultNorms, "es", ["en", "es"]);
    const community = open();
    assert.equal(community.blockLanguage(), "es");
    assert.equal(community.languageOf("@ana:block.test"), "es");
    community.setLanguage("@ana:block.test", "en");
    assert.equal(open().languageOf("@ana:block.test"), "en", "the choice is in the host's store, not in memory");
    assert.equal(open().languageOf("@bea:block.test"), "es");
    store.botStore(communityStoreName).put("language:@cy:block.test", "tlh");
    assert.equal(open().languageOf("@cy:block.test"), "es");
    assert.equal(
      createCommunity(store.botStore(communityStoreName), defaultSharingLimits, fixedPact([])).languageOf("@bea:block.test"),
      "en",
      "English by default",
    );
  } finally {
    store.close();
  }
});
