// The share bot's tick: replication housekeeping, then this block's due timed jobs (expiries, loan
// reminders, lapsed holds), settling promises made on both sides of a partition and pruning old
// records, then rendering. Jobs follow from the board and the clock, and the store remembers the ones
// done, so jobs that fell due while the box was down run at the first tick once the homeserver answers.

import type { Listing } from "../domain/listing.ts";
import type { ActionNotice } from "../domain/listingDecisions.ts";
import { doneRecordMatters, dueJobs, nextDueAt, type TimedJob, type TimedJobKind } from "../domain/timedWork.ts";
import { pruneInterestRecords } from "./interestRecords.ts";
import { lapseHold } from "./lendingHolds.ts";
import { performAction } from "./listingActions.ts";
import { settlePeerPromises } from "./promiseSettlement.ts";
import { shareLocalpart, type ShareRuntime } from "./shareRuntime.ts";

/** How often the bot tells the pact what it has, so anything lost in a partition is re-sent. */
export const announceIntervalMs = 10 * 60 * 1000;

/** A loan reminder's notices: "due soon" to the borrower; overdue to the borrower and the lender. */
function loanReminders(listing: Listing, job: TimedJob): ActionNotice[] {
  const borrower = listing.borrower ?? "";
  const due = listing.dueAt ?? 0;
  if (job.kind === "due-soon") return [{ kind: "due-soon", to: borrower, due }];
  return [borrower, listing.owner].map((to): ActionNotice => ({ kind: "overdue", to, due, round: job.round, borrower }));
}

/** A reminder nobody received (the homeserver restarting, say) is tried again after this long. */
export const reminderRetryMs = 60_000;

/** Each runner resolves to whether the job is done; false: try again after `reminderRetryMs`. */
type JobRunner = (runtime: ShareRuntime, listing: Listing, job: TimedJob) => Promise<boolean>;

const sendReminder: JobRunner = async (runtime, listing, job) => {
  let delivered = false;
  for (const notice of loanReminders(listing, job)) delivered = (await runtime.notify(listing, notice)) || delivered;
  // Once anyone has it, it is not repeated (someone unreachable for days would otherwise get a copy a minute).
  return delivered;
};

const jobRunners: Readonly<Record<TimedJobKind, JobRunner>> = {
  async expire(runtime, listing) {
    await performAction({ runtime, listing, action: "expire", sender: undefined });
    return true;
  },
  "due-soon": sendReminder,
  overdue: sendReminder,
  async "hold-lapse"(runtime, listing) {
    await lapseHold(runtime, listing, runtime.context.now());
    return true;
  },
};

async function runDueJobs(runtime: ShareRuntime): Promise<void> {
  const now = runtime.context.now();
  // true: done; a number: failed, try again from then on.
  const done = (id: string) => {
    const record = runtime.store.get<boolean | number>(`done/${id}`);
    return record === true || (typeof record === "number" && record > now);
  };
  for (const listing of runtime.board.all()) {
    // Only the home block does a listing's timed work, so a pact never sends two reminders.
    if (listing.home !== runtime.ownServer) continue;
    const due = nextDueAt(listing);
    if (due === undefined || due > now) continue;
    for (const job of dueJobs(listing, now, done)) {
      // Marked first, so a slow send is never started twice by overlapping work.
      runtime.store.put(`done/${job.id}`, true);
      if (!(await jobRunners[job.kind](runtime, listing, job))) runtime.store.put(`done/${job.id}`, now + reminderRetryMs);
    }
  }
}

/**
 * Done-job records (`done/<listing key>|…`) that can no longer matter are deleted (all of a closed or
 * vanished listing's, and those of an earlier expiry, loan or hold), so the store does not grow with
 * every listing and loan ever: all records at start, then those of changed listings.
 */
function pruneDoneRecords(runtime: ShareRuntime, sweepAll: boolean): void {
  const keys = sweepAll
    ? new Set(runtime.store.keys("done/").map((record) => record.slice("done/".length).split("|")[0] ?? ""))
    : runtime.takeChangedSinceSweep();
  if (sweepAll) runtime.takeChangedSinceSweep();
  for (const key of keys) {
    const listing = runtime.board.get(key);
    for (const record of runtime.store.keys(`done/${key}|`)) {
      if (!doneRecordMatters(listing, record.slice("done/".length))) runtime.store.delete(record);
    }
    pruneInterestRecords(runtime.store, key, listing);
  }
}

const sweptStores = new WeakSet<object>();

async function timedHousekeeping(runtime: ShareRuntime): Promise<void> {
  await settlePeerPromises(runtime);
  const first = !sweptStores.has(runtime.store);
  sweptStores.add(runtime.store);
  pruneDoneRecords(runtime, first);
}

/** Retrying to join a pact block's #board-sync room: soon at first (the peer may be starting), then every 5 min. */
export const peerJoinRetryMs = 5 * 60 * 1000;
export const firstPeerJoinRetryMs = 10 * 1000;

/** Joins each pact block's provisioned #board-sync:<server> room (over federation), once. */
async function joinPeerRooms(runtime: ShareRuntime): Promise<void> {
  const now = runtime.context.now();
  for (const server of runtime.pactServers()) {
    if (runtime.store.get<boolean>(`sync/joined/${server}`) === true) continue;
    const tried = runtime.store.get<{ at: number; waitMs: number } | number>(`sync/joinTried/${server}`);
    // (A plain number is what earlier versions stored: the time of the last try, retried every 5 min.)
    const last = typeof tried === "number" ? { at: tried, waitMs: peerJoinRetryMs } : tried;
    if (last !== undefined && now - last.at < last.waitMs) continue;
    const waitMs = last === undefined ? firstPeerJoinRetryMs : Math.min(peerJoinRetryMs, last.waitMs * 2);
    runtime.store.put(`sync/joinTried/${server}`, { at: now, waitMs });
    try {
      await runtime.context.actions.joinRoom(`#board-sync:${server}`);
      runtime.store.put(`sync/joined/${server}`, true);
      runtime.store.delete(`sync/joinTried/${server}`);
      runtime.store.delete("sync/lastAnnounce"); // catch up with the newly joined block now
    } catch {
      // Not reachable (or not provisioned) yet; retried later. Invites from its bot also work.
    }
  }
}

/** Provisioning runs right after start; only a box that has no #board-sync room after this long opens its own. */
export const provisioningGraceMs = 60_000;

/**
 * Without a provisioned board-sync room, opens one inviting the pact's share bots (a new one when
 * the pact changes); with one, the peers join it by alias instead.
 */
async function ensureOutbox(runtime: ShareRuntime): Promise<void> {
  const peers = runtime.pactServers().sort();
  if (peers.length === 0) return;
  if (runtime.context.neighborhood.roomsWithRole("board-sync").length > 0) return joinPeerRooms(runtime);
  if (runtime.answeringForMs() < provisioningGraceMs) return;
  const outbox = runtime.store.get<{ roomId: string; peers: string[] }>("sync/outbox");
  if (outbox !== undefined && outbox.peers.join(" ") === peers.join(" ")) return;
  const roomId = await runtime.context.actions.openPrivateRoom(
    peers.map((server) => `@${shareLocalpart}:${server}`),
    "BlockShare board sync",
  );
  runtime.store.put("sync/outbox", { roomId, peers });
  runtime.store.delete("sync/lastAnnounce");
}

async function retryInvites(runtime: ShareRuntime): Promise<void> {
  for (const key of runtime.store.keys("sync/pendingInvite/")) {
    const roomId = key.slice("sync/pendingInvite/".length);
    try {
      await runtime.context.actions.joinRoom(roomId);
      runtime.store.delete(key);
    } catch {
      // Still unreachable; next tick.
    }
  }
}

async function replicationHousekeeping(runtime: ShareRuntime): Promise<void> {
  const limits = runtime.context.community.sharingLimits();
  runtime.board.publishPolicy(runtime.ownServer, { pactNeighborsMayClaim: limits.pactNeighborsMayClaim });
  await ensureOutbox(runtime);
  await retryInvites(runtime);
  const now = runtime.context.now();
  const last = runtime.store.get<number>("sync/lastAnnounce");
  if (runtime.pactServers().length > 0 && (last === undefined || now - last >= announceIntervalMs)) {
    runtime.store.put("sync/lastAnnounce", now);
    await runtime.replica.announce();
  }
  await runtime.replica.tick();
}

export async function shareTick(runtime: ShareRuntime): Promise<void> {
  // Nothing to do (and nothing but errors to log) until the homeserver is up and the rooms exist.
  if (!(await runtime.homeserverAnswers())) return;
  // Each part runs even when another fails (e.g. the pact is unreachable): reminders still go out.
  const parts: readonly [string, (runtime: ShareRuntime) => Promise<void>][] = [
    ["replication", replicationHousekeeping],
    ["timed jobs", runDueJobs],
    ["settling and pruning", timedHousekeeping],
  ];
  for (const [name, part] of parts) {
    try {
      await part(runtime);
    } catch (error) {
      runtime.context.log.error(name, error);
    }
  }
  await runtime.render();
}
