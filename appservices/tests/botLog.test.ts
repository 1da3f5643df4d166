import { test } from "node:test";
import assert from "node:assert/strict";
import { buildBotContext } from "../src/botContexts.ts";
import { createCommunity, communityStoreName, fixedPact } from "../src/communitySettings.ts";
import { defaultSharingLimits } from "../src/appserviceHost.ts";
import type { HostLog, LogFields } from "../src/hostLog.ts";
import { openStore } from "../src/store.ts";
import type { BotActions } from "../../bots/framework/contract.ts";

test("a bot's failure reaches the host's log with the bot's name and what it was doing, tokens masked", () => {
  const store = openStore(":memory:");
  try {
    const lines: Array<{ message: string; fields?: LogFields }> = [];
    const log: HostLog = { info: () => {}, warn: () => {}, error: (message, fields) => void lines.push({ message, ...(fields ? { fields } : {}) }) };
    const context = buildBotContext({
      localpart: "share",
      serverName: "block.test",
      neighborhood: { name: "Maple", serverName: "block.test", publicUrl: "https://block.test", operators: [] },
      actions: {} as BotActions,
      store,
      now: () => 0,
      community: createCommunity(store.botStore(communityStoreName), defaultSharingLimits, fixedPact([])),
      isServiceUser: () => false,
      log,
    });
    context.log.error("messaging @ana:block.test", new Error("request to /sync?access_token=syt_abc_123 failed: Bearer syt_abc_123"));
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.message, "messaging @ana:block.test failed");
    assert.equal(lines[0]?.fields?.bot, "share");
    const logged = JSON.stringify(lines);
    assert.match(logged, /access_token=<redacted>/);
    assert.doesNotMatch(logged, /syt_abc_123/);
  } finally {
    store.close();
  }
});
