import { test } from "node:test";
import assert from "node:assert/strict";
import { durationIn, formatDuration, parseDuration } from "../durations.ts";

test("parses the ways neighbors write durations", () => {
  assert.equal(parseDuration("90m"), 90 * 60_000);
  assert.equal(parseDuration("3 days"), 3 * 86_400_000);
  assert.equal(parseDuration("1 week 2 days"), 9 * 86_400_000);
  assert.equal(parseDuration("1.5h"), 90 * 60_000);
  for (const bad of ["", "3", "soon", "2 fortnights", "0h", "2h30"]) assert.equal(parseDuration(bad), undefined, bad);
});

test("formats the two largest units", () => {
  assert.equal(formatDuration(90 * 60_000), "1 hour 30 minutes");
  assert.equal(formatDuration(3 * 86_400_000 + 5_000), "3 days 5 seconds");
  assert.equal(formatDuration(0), "0 seconds");
});

test("durations in a neighbor's language: the two largest units, and zero said as zero", () => {
  assert.equal(durationIn("es", 90 * 60_000), "1 hora y 30 minutos");
  assert.equal(durationIn("en", 3 * 86_400_000 + 5_000), "3 days, 5 seconds");
  assert.equal(durationIn("en", 0), "0 seconds");
  assert.equal(durationIn("es", 400), "0 segundos");
});
