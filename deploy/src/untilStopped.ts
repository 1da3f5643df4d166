// Waits for Ctrl-C or the service manager's SIGTERM, or for a failure the caller watches; says why.

export interface StopRequest {
  /** Aborted at the first Ctrl-C or SIGTERM: what is starting stops starting. */
  signal: AbortSignal;
  /** Resolves with why the caller should stop: a signal, or the failure it watches. */
  until(failure?: Promise<string>): Promise<void>;
}

/**
 * Listens from now on (before anything starts), so a Ctrl-C during a long start stops it cleanly instead
 * of killing the process mid-way.
 */
export function listenForStop(say: (line: string) => void): StopRequest {
  const abort = new AbortController();
  let stop: (why: string) => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    let stopping = false;
    stop = (why: string) => {
      if (stopping) return;
      stopping = true;
      say(why);
      abort.abort();
      resolve();
    };
  });
  process.once("SIGINT", () => stop("Stopping…"));
  process.once("SIGTERM", () => stop("Stopping…"));
  return {
    signal: abort.signal,
    until(failure) {
      void failure?.then(stop);
      return stopped;
    },
  };
}

export function untilStopped(say: (line: string) => void, failure?: Promise<string>): Promise<void> {
  return listenForStop(say).until(failure);
}
