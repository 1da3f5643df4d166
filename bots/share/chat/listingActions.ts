// Carries out one lifecycle action on a listing for a neighbor (or for the timed work): who may,
// whether the state allows it (both from the lifecycle table), the change, and who is told what.
// Each action's effect is an entry in a table; none of them decides states by itself.

import type { RichText } from "../../framework/contract.ts";
import { moderatorPowerLevel } from "../../framework/permissions.ts";
import { code, mention, message, rich } from "../../framework/richText.ts";
import { lifetimeOf } from "../domain/categories.ts";
import { formatDate } from "../domain/dates.ts";
import { mayClaimThisWeek, mayTakePart, weekMs } from "../domain/fairness.ts";
import { actionsFrom, stateLabel, transitionFor, type Actor, type LifecycleAction } from "../domain/lifecycle.ts";
import { serverOf, type Listing, type PromiseBid } from "../domain/listing.ts";
import { shortId } from "../domain/listingIds.ts";
import type { ListingPatch } from "../board/boardDoc.ts";
import { commandsFor } from "./actionCommands.ts";
import { recordOwnerTold } from "./interestRecords.ts";
import { confirmHold, holdForNext } from "./lendingHolds.ts";
import { inviteReason, type ShareRuntime } from "./shareRuntime.ts";
import { withdrawInterest } from "./withdrawInterest.ts";

export interface ActionRequest {
  runtime: ShareRuntime;
  listing: Listing;
  action: LifecycleAction;
  /** Full Matrix ID of who acts; undefined for the bot's timed work. */
  sender: string | undefined;
  /** The other neighbor the action names (promise to, lend out to). */
  target?: string;
  /** A date the action sets (due date, new expiry). */
  until?: number;
}

const actorWords: Readonly<Record<Actor, string>> = {
  owner: "the neighbor who posted it",
  party: "the neighbor who posted it or the one it is promised or lent to",
  staff: "the neighbor who posted it or a room moderator",
  neighbor: "neighbors other than the one who posted it",
  system: "the bot itself",
};

const defaultLoanMs = 7 * 24 * 60 * 60 * 1000;

async function isModerator(runtime: ShareRuntime, listing: Listing, userId: string): Promise<boolean> {
  // Moderators of the home block only: another block's moderators do not run this block's board.
  const roomId = runtime.sharingRoom();
  if (listing.home !== runtime.ownServer || roomId === undefined) return false;
  return (await runtime.context.actions.powerLevel(roomId, userId)) >= moderatorPowerLevel;
}

async function actorMatches(by: Actor, request: ActionRequest): Promise<boolean> {
  const { listing, sender, runtime } = request;
  if (sender === undefined) return by === "system";
  const checks: Readonly<Record<Actor, () => Promise<boolean> | boolean>> = {
    owner: () => sender === listing.owner,
    party: () => sender === listing.owner || sender === listing.promisedTo || sender === listing.borrower,
    staff: async () => sender === listing.owner || (await isModerator(runtime, listing, sender)),
    neighbor: () => sender !== listing.owner,
    system: () => false,
  };
  return checks[by]();
}

function idOf(request: ActionRequest): string {
  return shortId(request.listing.home, request.listing.number, request.runtime.ownServer);
}

function claimTimes(runtime: ShareRuntime, userId: string): number[] {
  return runtime.store.get<number[]>(`claims/${userId}`) ?? [];
}

function recordClaim(runtime: ShareRuntime, userId: string): void {
  const now = runtime.context.now();
  runtime.store.put(`claims/${userId}`, [...claimTimes(runtime, userId).filter((time) => now - time < weekMs), now]);
}

function takePartProblem(request: ActionRequest, userId: string): string | undefined {
  const { runtime } = request;
  const verdict = mayTakePart(request.listing, userId, {
    ownServer: runtime.ownServer,
    pactServers: runtime.pactServers(),
    pactNeighborsMayClaim: (home) =>
      home === runtime.ownServer ? runtime.context.community.sharingLimits().pactNeighborsMayClaim : runtime.board.policyOf(home)?.pactNeighborsMayClaim === true,
  });
  return verdict.ok ? undefined : verdict.reason;
}

function weeklyProblem(request: ActionRequest, userId: string): string | undefined {
  const { runtime } = request;
  const verdict = mayClaimThisWeek(claimTimes(runtime, userId), runtime.context.now(), runtime.context.community.sharingLimits());
  return verdict.ok ? undefined : verdict.reason;
}

/** Where this block's bot introduced the owner and a neighbor for a listing (the latest introduction). */
export interface Introduction {
  roomId: string;
  with: string;
}

async function introduce(request: ActionRequest, other: string, text: RichText): Promise<void> {
  const { runtime, listing } = request;
  const open = async () => {
    try {
      const roomId = await runtime.context.actions.openPrivateRoom([listing.owner, other], `${listing.title} (${idOf(request)})`.slice(0, 80), { message: text, reason: inviteReason(text) });
      runtime.store.put(`intro/${listing.key}`, { roomId, with: other } satisfies Introduction);
    } catch {
      // The listing changed either way; tell both by DM instead of failing the command.
      await runtime.tell(listing.owner, text);
      await runtime.tell(other, text);
    }
  };
  if (runtime.involvesOtherBlocks([listing.owner, other])) runtime.inBackground(open);
  else await open();
}

type Effect = (request: ActionRequest, now: number) => Promise<RichText | string>;

/**
 * A promise to `to`: the state, and a bid under this block's own key in a new round, so that a promise
 * made meanwhile on the other side of a partition is kept beside it and settled by one rule after the merge.
 */
function promiseTo(request: ActionRequest, to: string, now: number): { patch: ListingPatch; bid: PromiseBid } {
  const round = (request.listing.promiseRound ?? 0) + 1;
  return {
    patch: { state: "promised", promisedTo: to, changedAt: now, promiseRound: round },
    bid: { round, block: request.runtime.ownServer, to, at: now },
  };
}

const noHold: ListingPatch = { heldFor: undefined, holdUntil: undefined, holdConfirmed: undefined };

function pickupIntro(request: ActionRequest, taker: string, what: string): RichText {
  const { listing } = request;
  return message(
    "Hello ", mention(listing.owner), " and ", mention(taker), "! ", what, " ", `(${idOf(request)}: ${listing.title}). `,
    `Pickup area: ${listing.area}. Agree here on a time and place; no need to share a street address in the public room. `,
    "When it is done, send ", code(`!handed ${idOf(request).slice(1)}`), ".",
  );
}

const effects: Readonly<Record<LifecycleAction, Effect>> = {
  async promise(request, now) {
    const { runtime, listing, target } = request;
    if (target === undefined) return "Who should get it? Name them by full Matrix ID, e.g. !promise 12 @bob:example.org.";
    const problem = takePartProblem(request, target);
    if (problem !== undefined) return `You can't promise it to ${target}: ${problem}`;
    const { patch, bid } = promiseTo(request, target, now);
    runtime.board.change(listing.key, patch, { remove: target, bid });
    await introduce(request, target, pickupIntro(request, target, `${listing.owner} is giving this to ${target}`));
    return message("Promised ", idOf(request), " to ", mention(target), ". I opened a private chat for you two to arrange the pickup.");
  },
  async "claim-first-come"(request, now) {
    const { runtime, listing, sender = "" } = request;
    const problem = takePartProblem(request, sender) ?? weeklyProblem(request, sender);
    if (problem !== undefined) return problem;
    recordClaim(runtime, sender);
    const { patch, bid } = promiseTo(request, sender, now);
    runtime.board.change(listing.key, patch, { remove: sender, bid });
    await introduce(request, sender, pickupIntro(request, sender, `First come, first served: it's yours, ${sender}`));
    return message("It's yours! ", idOf(request), " is promised to you; I opened a private chat with ", mention(listing.owner), " to arrange the pickup.");
  },
  async interest(request) {
    const { runtime, listing, sender = "" } = request;
    // The thing is back and held for this neighbor: saying "yes" again confirms their turn.
    if (listing.kind === "lend" && listing.state === "open" && listing.heldFor === sender) return confirmHold(runtime, listing);
    const problem = takePartProblem(request, sender) ?? (listing.kind === "offer" ? weeklyProblem(request, sender) : undefined);
    if (problem !== undefined) return problem;
    if (listing.queue.includes(sender)) return `You are already on the list for ${idOf(request)}.`;
    if (listing.kind === "offer") recordClaim(runtime, sender);
    const place = runtime.board.enqueue(listing.key, sender);
    const command = listing.kind === "offer" ? `!promise ${idOf(request).slice(1)} ${sender}` : `!lend-out ${idOf(request).slice(1)} ${sender} for 1 week`;
    const told = await runtime.tell(listing.owner, message(mention(sender), ` would like ${idOf(request)} (${listing.title}). To say yes: `, code(command), "."));
    recordOwnerTold(runtime.store, listing.key, sender, told);
    const takeBack = message(" Changed your mind? Remove your reaction or send ", code(`!withdraw ${idOf(request).slice(1)}`), ".");
    return listing.kind === "offer"
      ? message("I told ", mention(listing.owner), " you'd like it; the giver chooses who gets it. ", `You are number ${place} on the list.`, takeBack)
      : message("I told ", mention(listing.owner), ` you'd like to borrow it. You are number ${place} in line.`, takeBack);
  },
  async withdraw(request, now) {
    return withdrawInterest(request.runtime, request.listing, request.sender ?? "", now);
  },
  async hold(request) {
    return effects.interest(request, 0);
  },
  async help(request, now) {
    const { runtime, listing, sender = "" } = request;
    const problem = takePartProblem(request, sender);
    if (problem !== undefined) return problem;
    const { patch, bid } = promiseTo(request, sender, now);
    runtime.board.change(listing.key, patch, { bid });
    await introduce(request, sender, message("Hello ", mention(listing.owner), " and ", mention(sender), "! ", mention(sender), ` can help with ${idOf(request)} (${listing.title}). Arrange it here; `, code(`!fulfilled ${idOf(request).slice(1)}`), " closes the ask."));
    return message("Thank you! I opened a private chat with ", mention(listing.owner), " to arrange it.");
  },
  async release(request, now) {
    const { runtime, listing, sender } = request;
    const other = sender === listing.owner ? listing.promisedTo : listing.owner;
    runtime.board.change(listing.key, { state: "open", promisedTo: undefined, changedAt: now });
    if (other !== undefined) await runtime.tell(other, message(`${idOf(request)} (${listing.title}) is open again: the promise was released.`));
    return message(`${idOf(request)} is open again.`);
  },
  async "hand-over"(request, now) {
    const { runtime, listing } = request;
    const to = listing.kind === "ask" ? "fulfilled" : "handed-over";
    runtime.board.change(listing.key, { state: to, changedAt: now });
    return message(`Marked ${idOf(request)} as ${stateLabel(listing.kind, to)}. Say thanks with `, code(`!thanks ${idOf(request).slice(1)} …`), ".");
  },
  async fulfil(request, now) {
    request.runtime.board.change(request.listing.key, { state: "fulfilled", changedAt: now });
    return message(`Marked ${idOf(request)} as fulfilled. Say thanks with `, code(`!thanks ${idOf(request).slice(1)} …`), ".");
  },
  async "lend-out"(request, now) {
    const { runtime, listing, target } = request;
    if (target === undefined) return "Who borrows it? Name them by full Matrix ID, e.g. !lend-out 12 @bob:example.org for 1 week.";
    const problem = takePartProblem(request, target);
    if (problem !== undefined) return `You can't lend it to ${target}: ${problem}`;
    const dueAt = request.until ?? now + defaultLoanMs;
    runtime.board.change(listing.key, { state: "on-loan", borrower: target, dueAt, promisedTo: undefined, changedAt: now, ...noHold }, { remove: target });
    await introduce(request, target, message("Hello ", mention(listing.owner), " and ", mention(target), `! ${listing.title} (${idOf(request)}) is lent to ${target} until ${formatDate(dueAt)}. Arrange the handover here. I'll remind you before it is due; the lender sends `, code(`!returned ${idOf(request).slice(1)}`), " when it is back."));
    return message(`Lent ${idOf(request)} to `, mention(target), ` until ${formatDate(dueAt)}.`);
  },
  async return(request, now) {
    const { runtime, listing } = request;
    runtime.board.change(listing.key, { state: "open", borrower: undefined, dueAt: undefined, changedAt: now, expiresAt: Math.max(listing.expiresAt, now + lifetimeOf(listing.category)) });
    const next = await holdForNext(runtime, runtime.board.get(listing.key) ?? listing, now);
    return message(`${idOf(request)} is back and available again.`, next === undefined ? "" : rich(" Next in line: ", mention(next), "."));
  },
  async renew(request, now) {
    const { runtime, listing } = request;
    if (listing.state === "on-loan") {
      const dueAt = request.until ?? (listing.dueAt ?? now) + defaultLoanMs;
      if (dueAt <= now) return "The new due date must be in the future.";
      runtime.board.change(listing.key, { dueAt, changedAt: now });
      if (listing.borrower !== undefined) await runtime.tell(listing.borrower, message(`Good news: you can keep ${listing.title} (${idOf(request)}) until ${formatDate(dueAt)}.`));
      return message(`Renewed the loan of ${idOf(request)} until ${formatDate(dueAt)}.`);
    }
    const expiresAt = request.until ?? now + lifetimeOf(listing.category);
    if (expiresAt <= now) return "The new date must be in the future.";
    runtime.board.change(listing.key, { state: "open", expiresAt, changedAt: now });
    return message(`${idOf(request)} is open until ${formatDate(expiresAt)}.`);
  },
  async cancel(request, now) {
    const { runtime, listing, sender } = request;
    runtime.board.change(listing.key, { state: "cancelled", changedAt: now });
    if (sender !== listing.owner) await runtime.tell(listing.owner, message(`A moderator (`, mention(sender ?? ""), `) cancelled your listing ${idOf(request)} (${listing.title}).`));
    if (listing.promisedTo !== undefined && listing.promisedTo !== sender) await runtime.tell(listing.promisedTo, message(`${idOf(request)} (${listing.title}) was cancelled.`));
    return message(`Cancelled ${idOf(request)}.`);
  },
  async unshare(request) {
    const { runtime, listing } = request;
    if (listing.visibility === "block") return `${idOf(request)} is already for this block only.`;
    const taker = listing.promisedTo ?? listing.borrower;
    if (taker !== undefined && serverOf(taker) !== listing.home) {
      return message(`${idOf(request)} is ${stateLabel(listing.kind, listing.state)} to `, mention(taker), " of another block; settle that first (", code(`!release ${idOf(request).slice(1)}`), " or wait until it is back).");
    }
    const others = listing.queue.filter((userId) => serverOf(userId) !== listing.home);
    const heldElsewhere = listing.heldFor !== undefined && serverOf(listing.heldFor) !== listing.home;
    if (heldElsewhere) runtime.board.change(listing.key, noHold);
    for (const userId of others) runtime.board.change(listing.key, {}, { remove: userId });
    runtime.board.setVisibility(listing.key, "block");
    for (const userId of others) await runtime.tell(userId, message(`${listing.title} (${idOf(request)}) is no longer shared with your block, so you are off its list.`));
    return message(`${idOf(request)} is now for this block only; the pact's blocks no longer see it.`);
  },
  async share(request) {
    const { runtime, listing } = request;
    if (listing.visibility === "shared") return `${idOf(request)} is already shared with the pact.`;
    runtime.board.setVisibility(listing.key, "shared");
    return message(`${idOf(request)} is now shared with the pact's blocks.`);
  },
  async expire(request, now) {
    const { runtime, listing } = request;
    runtime.board.change(listing.key, { state: "expired", changedAt: now });
    await runtime.tell(listing.owner, message(`Your listing ${idOf(request)} (${listing.title}) has expired. To put it up again: `, code(`!renew ${idOf(request).slice(1)}`), " (optionally with a date, like “until Sunday”)."));
    return "";
  },
};

/** Runs the action if the table allows it for this neighbor; the reply says what happened or why not. */
export async function performAction(request: ActionRequest): Promise<RichText | string> {
  const { listing, action } = request;
  const transition = transitionFor(listing.kind, listing.state, action);
  const id = idOf(request);
  if (transition === undefined) {
    const possible = commandsFor(actionsFrom(listing.kind, listing.state));
    return `${id} is ${stateLabel(listing.kind, listing.state)}, so that is not possible now.${possible.length > 0 ? ` Commands that work on it now: ${possible.join(", ")}.` : ""}`;
  }
  if (transition.by === "neighbor" && request.sender === listing.owner) return `${id} is your own listing.`;
  if (!(await actorMatches(transition.by, request))) return `Only ${actorWords[transition.by]} can do that with ${id}.`;
  // The checks awaited; act on the listing as it is now (a peer's update may have arrived meanwhile).
  const current = request.runtime.board.get(listing.key);
  if (current === undefined || current.state !== listing.state) return `${id} changed meanwhile; please look at it again.`;
  return effects[action]({ ...request, listing: current }, request.runtime.context.now());
}
