import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isJsonObject } from "../jsonObject.ts";

describe("isJsonObject", () => {
  it("is true for objects only, not null or arrays", () => {
    assert.equal(isJsonObject({}), true);
    assert.equal(isJsonObject({ a: 1 }), true);
    assert.equal(isJsonObject(null), false);
    assert.equal(isJsonObject([]), false);
    assert.equal(isJsonObject("x"), false);
    assert.equal(isJsonObject(undefined), false);
  });
});
