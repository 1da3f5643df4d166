// What the host tells each bot about who is a neighbor (by full Matrix ID) and which bots run beside it.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { BotDefinition } from "../../bots/framework/contract.ts";
import { botProfiles, neighborRule, type NeighborhoodFacts } from "../src/botContexts.ts";

const server = "maple.mesh:8448";
const operator = `@admin:${server}`;
const serviceUsers = new Set(["blockshare", "porch", "polls"].map((localpart) => `@${localpart}:${server}`));
const isServiceUser = (userId: string) => serviceUsers.has(userId);
const facts: NeighborhoodFacts = { name: "Maple", serverName: server, publicUrl: "https://maple.mesh", operators: [operator] };

test("neighbors are this server's accounts, without the appservice's users or the operator's admin account", () => {
  const isNeighbor = neighborRule(facts, isServiceUser);
  assert.equal(isNeighbor(`@ann:${server}`), true);
  for (const notNeighbor of [operator, `@porch:${server}`, `@blockshare:${server}`, "@ann:elm.mesh:8448", "@ann:maple.mesh", "ann"]) {
    assert.equal(isNeighbor(notNeighbor), false, notNeighbor);
  }
  // A display name is never consulted: an account called "porch" on another server is just not ours.
  assert.equal(isNeighbor("@porch:elm.mesh:8448"), false);
});

test("operator_is_neighbor: true makes the operator's admin account a neighbor, and nothing else changes", () => {
  const isNeighbor = neighborRule({ ...facts, operatorIsNeighbor: true }, isServiceUser);
  assert.equal(isNeighbor(operator), true);
  assert.equal(isNeighbor(`@polls:${server}`), false);
});

test("bots are described to each other as data: id, name, summary and home rooms", () => {
  const bots: BotDefinition[] = [
    { localpart: "share", displayName: "Sharing board", summary: "Give and lend things", homeRoles: ["sharing"], handleEvent: async () => {} },
    { localpart: "quiet", displayName: "Quiet", handleEvent: async () => {} },
  ];
  assert.deepEqual(botProfiles(bots, server), [
    { userId: `@share:${server}`, displayName: "Sharing board", summary: "Give and lend things", homeRoles: ["sharing"] },
    { userId: `@quiet:${server}`, displayName: "Quiet", homeRoles: [] },
  ]);
});
