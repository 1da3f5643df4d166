// A supervised child's output: every line goes to its log file, and the lines an operator must see now
// (JSON log lines at level "error", e.g. "the disk holding the bots' store is full") also reach `run`'s
// terminal. The log file may sit on the very disk that is full: a refused write loses that copy only.
import { closeSync, openSync, writeSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";

/** The words of a line to show on the terminal, or undefined for lines that only go to the log. */
export function operatorLine(line: string): string | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const entry = JSON.parse(line) as { level?: unknown; message?: unknown; error?: unknown };
    if (entry.level !== "error" || typeof entry.message !== "string") return undefined;
    return typeof entry.error === "string" && !entry.message.includes(entry.error) ? `${entry.message}: ${entry.error}` : entry.message;
  } catch {
    return undefined;
  }
}

export function relayChildOutput(streams: Array<Readable | null>, logFile: string, label: string, say: (line: string) => void): void {
  const log = openSync(logFile, "a", 0o600);
  let open = streams.filter((stream) => stream !== null).length;
  for (const stream of streams) {
    if (stream === null) continue;
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    lines.on("line", (line) => {
      try {
        writeSync(log, `${line}\n`);
      } catch {
        // The disk is full or failing: the terminal still hears what matters.
      }
      const words = operatorLine(line);
      if (words !== undefined) say(`${label}: ${words}`);
    });
    lines.once("close", () => {
      if (--open === 0) closeSync(log);
    });
  }
}
