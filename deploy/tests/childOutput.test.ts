import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { operatorLine, relayChildOutput } from "../src/childOutput.ts";

test("only error-level log lines are for the terminal, with their error when the message lacks it", () => {
  assert.equal(
    operatorLine(JSON.stringify({ level: "error", message: "The disk holding the bots' store (/data) is full" })),
    "The disk holding the bots' store (/data) is full",
  );
  assert.equal(operatorLine(JSON.stringify({ level: "error", message: "webhook handler failed", error: "boom" })), "webhook handler failed: boom");
  assert.equal(operatorLine(JSON.stringify({ level: "info", message: "appservice host listening" })), undefined);
  assert.equal(operatorLine(JSON.stringify({ level: "warn", message: "dropped malformed events" })), undefined);
  assert.equal(operatorLine("Traceback (most recent call last):"), undefined);
  assert.equal(operatorLine("{not json"), undefined);
});

test("every line reaches the log file; error lines also reach the terminal, named by part", async () => {
  const dir = mkdtempSync(join(tmpdir(), "blockshare-child-output-"));
  try {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const said: string[] = [];
    relayChildOutput([stdout, stderr], join(dir, "bots.log"), "the bots", (line) => said.push(line));
    stdout.end("Bots are serving\n");
    stderr.end(`${JSON.stringify({ level: "error", message: "The disk is full" })}\n`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(said, ["the bots: The disk is full"]);
    const log = readFileSync(join(dir, "bots.log"), "utf8");
    assert.match(log, /Bots are serving/);
    assert.match(log, /The disk is full/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
