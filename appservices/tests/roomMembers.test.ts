import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RoomMembers } from "../src/roomMembers.ts";

describe("room members for encrypted sends", () => {
  it("asks once per room until a membership changes there, and does not keep a failed answer", async () => {
    const members = new RoomMembers();
    let asked = 0;
    const lookup = async () => {
      asked++;
      return [`@n${asked}:b`];
    };
    assert.deepEqual(await members.of("!a", lookup), ["@n1:b"]);
    assert.deepEqual(await members.of("!a", lookup), ["@n1:b"]);
    members.forget("!b");
    assert.equal(asked, 1, "another room's change leaves this one cached");
    members.forget("!a");
    assert.deepEqual(await members.of("!a", lookup), ["@n2:b"]);
    await assert.rejects(members.of("!c", async () => Promise.reject(new Error("down"))));
    assert.deepEqual(await members.of("!c", lookup), ["@n3:b"], "after a failure it asks again");
  });
});
