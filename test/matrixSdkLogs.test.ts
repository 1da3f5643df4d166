// matrix-js-sdk's chatter stays out of what a block, a test or a benchmark prints: a neighborhood with its
// bots and a neighbor client that starts, syncs and chats runs in a child process, and its whole output
// is read. (Before, every client's first sync printed "Adding default global … push rule" eight times.)
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const harness = pathToFileURL(join(root, "test", "harness", "testNeighborhood.ts")).href;
const sdkLogger = pathToFileURL(join(root, "node_modules", "matrix-js-sdk", "lib", "logger.js")).href;

// Two neighbors, so sync also delivers another client's message (timeline, receipts, push rules).
const flow = `
const { startTestNeighborhood } = await import(${JSON.stringify(harness)});
const block = await startTestNeighborhood({ name: "Quiet Block" });
try {
  const lobby = block.running.rooms.get("lobby");
  const ann = await block.addNeighbor("ann");
  const bob = await block.addNeighbor("bob");
  await ann.sendText(lobby, "anyone have a ladder?");
  await bob.waitForEvent((event) => event.room_id === lobby && event.content.body === "anyone have a ladder?", "ann's message", 60000);
  // The SDK's global logger (no client's logger reaches it) goes the same way.
  const { logger } = await import(${JSON.stringify(sdkLogger)});
  logger.debug("sdk debug chatter");
  logger.getChild("child").info("sdk child chatter");
  logger.warn("a warning worth reading");
  console.log("FLOW DONE");
} finally {
  await block.stop();
}
process.exit(0);
`;

function runFlow(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", flow], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test("a neighborhood and syncing neighbor clients print none of matrix-js-sdk's push-rule or debug chatter", async () => {
  const { code, output } = await runFlow();
  assert.equal(code, 0, `the flow failed:\n${output}`);
  assert.match(output, /FLOW DONE/);
  const chatter = output.split("\n").filter((line) => /default global .* push rule|sdk (debug|child) chatter/.test(line));
  assert.deepEqual(chatter, [], `matrix-js-sdk printed:\n${chatter.slice(0, 10).join("\n")}`);
  // Warnings still reach the operator, as the host's own log lines do.
  const warning = output.split("\n").find((line) => line.includes("a warning worth reading"));
  assert.ok(warning, `the SDK's warning was not printed:\n${output}`);
  assert.deepEqual(
    { ...JSON.parse(warning), time: undefined },
    { level: "warn", time: undefined, message: "a warning worth reading", source: "matrix-js-sdk" },
  );
});
