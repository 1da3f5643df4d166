// Timed work for one listing at a moment: expiry, and loan reminders before and after the due date.
// Pure: which jobs are due follows from the listing and the clock; the store remembers jobs done,
// so work that fell due while the box was down happens at the first tick, exactly once.

import { transitionFor } from "./lifecycle.ts";
import { closedStates, type Listing } from "./listing.ts";

const hour = 60 * 60 * 1000;
const day = 24 * hour;

export type TimedJobKind = "expire" | "due-soon" | "overdue" | "hold-lapse";

/** How long the first in line has to confirm a returned thing before the next is asked. */
export const holdWindowMs = 2 * day;

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
  // The lifecycle table says from which states a listing expires.
  if (transitionFor(listing.kind, listing.state, "expire") !== undefined && listing.expiresAt <= now) {
    jobs.push({ kind: "expire", id: `${listing.key}|expire|${listing.expiresAt}`, listingKey: listing.key, round: 0 });
  }
  const hold = pendingHoldUntil(listing);
  if (hold !== undefined && hold <= now && listing.expiresAt > now) {
    jobs.push({ kind: "hold-lapse", id: `${listing.key}|hold-lapse|${listing.heldFor ?? ""}|${hold}`, listingKey: listing.key, round: 0 });
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

/**
 * Whether a done-job record still matters for the listing as it is now: only the jobs of its current
 * expiry, loan and hold can still fall due (a renewed or returned listing gets new ids). Other records
 * (like notices about lost promises) matter while the listing lives. Closed listings keep none.
 */
export function doneRecordMatters(listing: Listing | undefined, jobId: string): boolean {
  if (listing === undefined || closedStates.has(listing.state)) return false;
  const [, kind = ""] = jobId.split("|");
  const current: Readonly<Record<string, () => boolean>> = {
    expire: () => jobId === `${listing.key}|expire|${listing.expiresAt}`,
    "due-soon": () => listing.dueAt !== undefined && jobId === `${listing.key}|due-soon|${listing.dueAt}`,
    "hold-lapse": () => jobId === `${listing.key}|hold-lapse|${listing.heldFor ?? ""}|${listing.holdUntil ?? ""}`,
  };
  if (kind.startsWith("overdue-")) return listing.dueAt !== undefined && jobId.endsWith(`|${listing.dueAt}`);
  return current[kind]?.() ?? true;
}

/** When an unconfirmed hold on an available lendable thing lapses; undefined when there is none. */
function pendingHoldUntil(listing: Listing): number | undefined {
  if (listing.kind !== "lend" || listing.state !== "open" || listing.heldFor === undefined || listing.holdConfirmed === true) return undefined;
  return listing.holdUntil;
}

/** The next moment this listing needs attention, to skip listings with nothing due. */
export function nextDueAt(listing: Listing): number | undefined {
  if (listing.state === "open") return Math.min(listing.expiresAt, pendingHoldUntil(listing) ?? Number.POSITIVE_INFINITY);
  if (listing.state === "on-loan" && listing.dueAt !== undefined) return listing.dueAt - dueSoonLead(listing);
  return undefined;
}
