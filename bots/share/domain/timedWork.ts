// Timed work for one listing at a moment: expiry, and loan reminders before and after the due date.
// Pure: which jobs are due follows from the listing and the clock; the store remembers jobs done,
// so work that fell due while the box was down happens at the first tick, exactly once.

import type { Listing } from "./listing.ts";

const hour = 60 * 60 * 1000;
const day = 24 * hour;

export type TimedJobKind = "expire" | "due-soon" | "overdue";

export interface TimedJob {
  kind: TimedJobKind;
  /** Stable id: a renewed loan (new due date) gets new reminders. */
  id: string;
  listingKey: string;
  /** For overdue notices: the first, second, third. */
  round: number;
}

/** Overdue notices: an hour after the due date, then 3 and 6 days later (Libib-style, at most three). */
export const overdueOffsets = [hour, 3 * day, 6 * day] as const;

export function dueSoonLead(listing: Listing): number {
  // A loan of a few hours gets its reminder a quarter of the way before, not a day before it started.
  return Math.min(day, Math.max(0, ((listing.dueAt ?? 0) - listing.changedAt) / 4));
}

export function dueJobs(listing: Listing, now: number, done: (jobId: string) => boolean): TimedJob[] {
  const jobs: TimedJob[] = [];
  if (listing.state === "open" && listing.expiresAt <= now) {
    jobs.push({ kind: "expire", id: `${listing.key}|expire|${listing.expiresAt}`, listingKey: listing.key, round: 0 });
  }
  if (listing.state === "on-loan" && listing.dueAt !== undefined) {
    const dueAt = listing.dueAt;
    const soon = { kind: "due-soon" as const, id: `${listing.key}|due-soon|${dueAt}`, listingKey: listing.key, round: 0 };
    // After the due date the overdue notice says it all; a late "due soon" would only confuse.
    if (now >= dueAt - dueSoonLead(listing) && now < dueAt && !done(soon.id)) jobs.push(soon);
    // Only the latest overdue round that is due: after a long outage one notice, not three at once.
    for (let round = overdueOffsets.length; round >= 1; round -= 1) {
      const offset = overdueOffsets[round - 1] ?? hour;
      if (now < dueAt + offset) continue;
      const id = `${listing.key}|overdue-${round}|${dueAt}`;
      if (!done(id)) jobs.push({ kind: "overdue", id, listingKey: listing.key, round });
      break;
    }
  }
  return jobs;
}

/** The next moment this listing needs attention, to skip listings with nothing due. */
export function nextDueAt(listing: Listing): number | undefined {
  if (listing.state === "open") return listing.expiresAt;
  if (listing.state === "on-loan" && listing.dueAt !== undefined) return listing.dueAt - dueSoonLead(listing);
  return undefined;
}
