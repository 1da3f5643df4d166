import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bearerChecker, bearerToken, tokenMatcher } from "../bearerToken.ts";

describe("bearer tokens", () => {
  it("reads the token of an Authorization: Bearer header, and nothing else", () => {
    assert.equal(bearerToken("Bearer abc.DEF-123"), "abc.DEF-123");
    assert.equal(bearerToken("bearer  abc "), "abc", "the scheme is case-insensitive; extra spaces are tolerated");
    assert.equal(bearerToken(undefined), undefined);
    assert.equal(bearerToken(""), undefined);
    assert.equal(bearerToken("Basic dXNlcjpwYXNz"), undefined);
    assert.equal(bearerToken("Bearer"), undefined);
    assert.equal(bearerToken("Bearer two tokens"), undefined);
    assert.equal(bearerToken("Bearerabc"), undefined);
  });

  it("matches only the expected token, whatever the candidate's length", () => {
    const matches = tokenMatcher("s3cret");
    assert.equal(matches("s3cret"), true);
    assert.equal(matches("s3cre"), false);
    assert.equal(matches("s3cret!"), false);
    assert.equal(matches(""), false);
    assert.equal(matches("x".repeat(10_000)), false);
  });

  it("says whether a header is missing, wrong or right", () => {
    const check = bearerChecker("s3cret");
    assert.equal(check(undefined), "missing");
    assert.equal(check("Token s3cret"), "missing");
    assert.equal(check("Bearer nope"), "wrong");
    assert.equal(check("Bearer s3cret"), "ok");
  });
});
