// Runs async work one piece at a time. The webhook and the tick both post and edit incidents: run
// side by side they could post the same incident twice while a send is in flight.

export type Serially = <T>(work: () => Promise<T>) => Promise<T>;

export function createSerialQueue(): Serially {
  let tail: Promise<unknown> = Promise.resolve();
  return (work) => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}
