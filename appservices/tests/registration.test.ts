import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildRegistration } from "../src/registration.ts";

describe("registration", () => {
  const registration = buildRegistration({
    id: "blockshare",
    serverName: "block.example:8448",
    url: "http://127.0.0.1:9010",
    asToken: "as",
    hsToken: "hs",
    senderLocalpart: "blockshare",
    botLocalparts: ["share", "polls"],
  });

  it("carries the tokens and deliberate flags", () => {
    assert.equal(registration.as_token, "as");
    assert.equal(registration.hs_token, "hs");
    assert.equal(registration.sender_localpart, "blockshare");
    assert.equal(registration.rate_limited, false);
    // The bots' devices need to-device messages (only sent with ephemeral events), MSC3202's device lists and
    // key counts, and MSC4190's device creation.
    assert.equal(registration.receive_ephemeral, true);
    assert.equal(registration["org.matrix.msc3202"], true);
    assert.equal(registration["io.element.msc4190"], true);
    assert.deepEqual(registration.namespaces.aliases, []);
    assert.deepEqual(registration.namespaces.rooms, []);
  });

  it("claims exactly the bots and the sender on this server, exclusively", () => {
    assert.equal(registration.namespaces.users.length, 1);
    const entry = registration.namespaces.users[0]!;
    assert.equal(entry.exclusive, true);
    const pattern = new RegExp(entry.regex);
    for (const ours of ["@share:block.example:8448", "@polls:block.example:8448", "@blockshare:block.example:8448"]) {
      assert.ok(pattern.test(ours), ours);
    }
    for (const theirs of [
      "@alice:block.example:8448",
      "@sharex:block.example:8448",
      "@xshare:block.example:8448",
      "@share:blockXexample:8448",
      "@share:block.example:84489",
      "@share:block.example",
      "@share:other.example:8448",
    ]) {
      assert.ok(!pattern.test(theirs), theirs);
    }
  });
});
