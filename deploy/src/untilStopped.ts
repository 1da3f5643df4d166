// Waits for Ctrl-C or the service manager's SIGTERM, or for a failure the caller watches; says why.
export function untilStopped(say: (line: string) => void, failure?: Promise<string>): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (why: string) => {
      if (stopping) return;
      stopping = true;
      say(why);
      resolve();
    };
    process.once("SIGINT", () => stop("Stopping…"));
    process.once("SIGTERM", () => stop("Stopping…"));
    void failure?.then(stop);
  });
}
