// The share bot's tick: replication housekeeping, then this block's due timed jobs (expiries, loan
// reminders), then rendering. Jobs follow from the board and the clock, and the store remembers the
// ones done, so jobs that fell due while the box was down run at the first tick after start.

import type { RichText } from "../../framework/contract.ts";
import { logBotError } from "../../framework/errorLog.ts";
import { code, mention, message } from "../../framework/richText.ts";
import { formatDate } from "../domain/dates.ts";
import type { Listing } from "../domain/listing.ts";
import { shortId } from "../domain/listingIds.ts";
import { dueJobs, nextDueAt, type TimedJob, type TimedJobKind } from "../domain/timedWork.ts";
import { performAction } from "./listingActions.ts";
import { shareLocalpart, type ShareRuntime } from "./shareRuntime.ts";

/** How often the bot tells the pact what it has, so anything lost in a partition is re-sent. */
export const announceIntervalMs = 10 * 60 * 1000;

function loanReminder(runtime: ShareRuntime, listing: Listing, job: TimedJob): { to: string[]; text: RichText } {
  const id = shortId(listing.home, listing.number, runtime.ownServer);
  const due = formatDate(listing.dueAt ?? 0);
  const borrower = listing.borrower ?? "";
  if (job.kind === "due-soon") {
    return { to: [borrower], text: message(`Reminder: ${listing.title} (${id}), borrowed from `, mention(listing.owner), `, is due back ${due}. Need longer? Ask them to `, code(`!renew ${id.slice(1)}`), ".") };
  }
  return {
    to: [borrower, listing.owner],
    text: message(`${listing.title} (${id}) was due back ${due} and is not marked returned yet (notice ${job.round} of 3). `, mention(borrower), ", please arrange the return with ", mention(listing.owner), "; the lender sends ", code(`!returned ${id.slice(1)}`), " or ", code(`!renew ${id.slice(1)}`), "."),
  };
}

const jobRunners: Readonly<Record<TimedJobKind, (runtime: ShareRuntime, listing: Listing, job: TimedJob) => Promise<void>>> = {
  async expire(runtime, listing) {
    await performAction({ runtime, listing, action: "expire", sender: undefined });
  },
  async "due-soon"(runtime, listing, job) {
    const { to, text } = loanReminder(runtime, listing, job);
    for (const userId of to) await runtime.tell(userId, text);
  },
  async overdue(runtime, listing, job) {
    const { to, text } = loanReminder(runtime, listing, job);
    for (const userId of to) await runtime.tell(userId, text);
  },
};

async function runDueJobs(runtime: ShareRuntime): Promise<void> {
  const now = runtime.context.now();
  const done = (id: string) => runtime.store.get<boolean>(`done/${id}`) === true;
  for (const listing of runtime.board.all()) {
    // Only the home block does a listing's timed work, so a pact never sends two reminders.
    if (listing.home !== runtime.ownServer) continue;
    const due = nextDueAt(listing);
    if (due === undefined || due > now) continue;
    for (const job of dueJobs(listing, now, done)) {
      // Marked first: a reminder that fails to send is not worth repeating every second.
      runtime.store.put(`done/${job.id}`, true);
      await jobRunners[job.kind](runtime, listing, job);
    }
  }
}

/** How often to retry joining a pact block's #board-sync room while it is unreachable. */
export const peerJoinRetryMs = 5 * 60 * 1000;

/** Joins each pact block's provisioned #board-sync:<server> room (over federation), once. */
async function joinPeerRooms(runtime: ShareRuntime): Promise<void> {
  const now = runtime.context.now();
  for (const server of runtime.pactServers()) {
    if (runtime.store.get<boolean>(`sync/joined/${server}`) === true) continue;
    const lastTry = runtime.store.get<number>(`sync/joinTried/${server}`);
    if (lastTry !== undefined && now - lastTry < peerJoinRetryMs) continue;
    runtime.store.put(`sync/joinTried/${server}`, now);
    try {
      await runtime.context.actions.joinRoom(`#board-sync:${server}`);
      runtime.store.put(`sync/joined/${server}`, true);
      runtime.store.delete("sync/lastAnnounce"); // catch up with the newly joined block now
    } catch {
      // Not reachable (or not provisioned) yet; retried later. Invites from its bot also work.
    }
  }
}

/**
 * Without a provisioned board-sync room, opens one inviting the pact's share bots (a new one when
 * the pact changes); with one, the peers join it by alias instead.
 */
async function ensureOutbox(runtime: ShareRuntime): Promise<void> {
  const peers = runtime.pactServers().sort();
  if (peers.length === 0) return;
  if (runtime.context.neighborhood.roomsWithRole("board-sync").length > 0) return joinPeerRooms(runtime);
  const outbox = runtime.store.get<{ roomId: string; peers: string[] }>("sync/outbox");
  if (outbox !== undefined && outbox.peers.join(" ") === peers.join(" ")) return;
  const roomId = await runtime.context.actions.openPrivateRoom(peers.map((server) => `@${shareLocalpart}:${server}`), "BlockShare board sync");
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
  // Each part runs even when another fails (e.g. the pact is unreachable): reminders still go out.
  const parts: readonly [string, (runtime: ShareRuntime) => Promise<void>][] = [
    ["replication", replicationHousekeeping],
    ["timed jobs", runDueJobs],
  ];
  for (const [name, part] of parts) {
    try {
      await part(runtime);
    } catch (error) {
      logBotError(shareLocalpart, name, error);
    }
  }
  await runtime.render();
}
