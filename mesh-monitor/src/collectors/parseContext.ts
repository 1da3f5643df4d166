// What every parser needs besides the payload: who produced it (the snapshot's `source`) and when it
// arrived (the fallback for "last seen" when a format carries no timestamp of its own).
export interface ParseContext {
  source: string;
  /** ms since the epoch. */
  collectedAt: number;
}
