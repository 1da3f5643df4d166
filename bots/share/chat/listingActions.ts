// Performs one lifecycle action on a listing: domain/listingDecisions.ts decides (the table says who
// may and which state follows), this applies the outcome to the board, opens the pickup chat, sends the
// notices and returns the reply, each said by chat/shareWords.ts in the reader's language.

import type { RichText } from "../../framework/contract.ts";
import { moderatorPowerLevel } from "../../framework/permissions.ts";
import { speaker, speakerFor, type Speaker } from "../../framework/speak.ts";
import { mayClaimThisWeek, mayTakePart, weekMs, type Verdict } from "../domain/fairness.ts";
import type { LifecycleAction } from "../domain/lifecycle.ts";
import { decideAction, needsModeratorCheck, type ActionOutcome, type BoardStep, type Introduction } from "../domain/listingDecisions.ts";
import type { Listing } from "../domain/listing.ts";
import { shortId } from "../domain/listingIds.ts";
import { recordOwnerTold } from "./interestRecords.ts";
import { confirmHold, holdForNext } from "./lendingHolds.ts";
import { inviteReason, type ShareRuntime } from "./shareRuntime.ts";
import { introductionText, noticeText, replyText, returnedText } from "./shareWords.ts";
import { claimTimesKey, pickupChatKey } from "./shareStoreKeys.ts";
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

async function isModerator(runtime: ShareRuntime, listing: Listing, userId: string): Promise<boolean> {
  // Moderators of the home block only: another block's moderators do not run this block's board.
  const roomId = runtime.sharingRoom();
  if (listing.home !== runtime.ownServer || roomId === undefined) return false;
  return (await runtime.context.actions.powerLevel(roomId, userId)) >= moderatorPowerLevel;
}

function idOf(runtime: ShareRuntime, listing: Listing): string {
  return shortId(listing.home, listing.number, runtime.ownServer);
}

function claimTimes(runtime: ShareRuntime, userId: string): number[] {
  return claimTimesKey(userId).get(runtime.store) ?? [];
}

function recordClaim(runtime: ShareRuntime, userId: string): void {
  const now = runtime.context.now();
  claimTimesKey(userId).put(runtime.store, [...claimTimes(runtime, userId).filter((time) => now - time < weekMs), now]);
}

function takePartVerdict(runtime: ShareRuntime, listing: Listing, userId: string): Verdict {
  return mayTakePart(listing, userId, {
    ownServer: runtime.ownServer,
    pactServers: runtime.pactServers(),
    pactNeighborsMayClaim: (home) =>
      home === runtime.ownServer
        ? runtime.context.community.sharingLimits().pactNeighborsMayClaim
        : runtime.board.policyOf(home)?.pactNeighborsMayClaim === true,
  });
}

/** A pickup chat is two neighbors': their language when they share one, else the block's. */
export function pickupSpeaker(runtime: ShareRuntime, userIds: readonly string[]): Speaker {
  const languages = new Set(userIds.map((userId) => runtime.context.community.languageOf(userId)));
  const [only] = languages;
  return languages.size === 1 && only !== undefined ? speaker(only, runtime.context.neighborhood.timeZone) : speakerFor(runtime.context);
}

async function introduce(runtime: ShareRuntime, listing: Listing, introduction: Introduction): Promise<void> {
  const other = introduction.taker;
  const named = { id: idOf(runtime, listing), title: listing.title };
  const chatSpeaker = pickupSpeaker(runtime, [listing.owner, other]);
  const text = introductionText(chatSpeaker, named, introduction, listing);
  const open = async () => {
    try {
      const roomId = await runtime.context.actions.openPrivateRoom([listing.owner, other], `${listing.title} (${named.id})`.slice(0, 80), {
        message: text,
        reason: inviteReason(text, chatSpeaker.language),
      });
      pickupChatKey(listing.key).put(runtime.store, { roomId, with: other });
    } catch {
      // The listing changed either way; tell each by DM (in their language) instead of failing the command.
      await runtime.tell(listing.owner, introductionText(speakerFor(runtime.context, listing.owner), named, introduction, listing));
      await runtime.tell(other, introductionText(speakerFor(runtime.context, other), named, introduction, listing));
    }
  };
  if (runtime.involvesOtherBlocks([listing.owner, other])) runtime.inBackground(open);
  else await open();
}

function applyStep(runtime: ShareRuntime, key: string, step: BoardStep): void {
  if (step.kind === "change") {
    runtime.board.change(key, step.fields, {
      ...(step.remove === undefined ? {} : { remove: step.remove }),
      ...(step.bid === undefined ? {} : { bid: step.bid }),
    });
  } else if (step.kind === "enqueue") runtime.board.enqueue(key, step.userId);
  else runtime.board.setVisibility(key, step.to);
}

/** Applies a decided outcome: the board first, then the introduction and the notices; resolves to the reply. */
async function perform(request: ActionRequest, outcome: ActionOutcome, now: number): Promise<RichText | undefined> {
  const { runtime, sender } = request;
  const listing = outcome.listing;
  const named = { id: idOf(runtime, listing), title: listing.title };
  const replySpeaker = () => speakerFor(runtime.context, sender);
  if (outcome.followUp === "confirm-hold") return confirmHold(runtime, listing);
  if (outcome.followUp === "withdraw") return withdrawInterest(runtime, listing, sender ?? "", now);
  if (outcome.countsClaim === true && sender !== undefined) recordClaim(runtime, sender);
  for (const step of outcome.steps) applyStep(runtime, listing.key, step);
  if (outcome.introduction !== undefined) await introduce(runtime, listing, outcome.introduction);
  for (const notice of outcome.notices) {
    const told = await runtime.tell(notice.to, noticeText(speakerFor(runtime.context, notice.to), named, notice, listing));
    if (notice.kind === "would-like" && outcome.interestOf !== undefined) recordOwnerTold(runtime.store, listing.key, outcome.interestOf, told);
  }
  if (outcome.followUp === "hold-for-next") {
    const next = await holdForNext(runtime, runtime.board.get(listing.key) ?? listing, now);
    return returnedText(replySpeaker(), named, next);
  }
  return outcome.reply === undefined ? undefined : replyText(replySpeaker(), named, outcome.reply);
}

/** Decides the action (domain/listingDecisions.ts), performs it and says what happened or why not. */
export async function performAction(request: ActionRequest): Promise<RichText | undefined> {
  const { runtime, listing, action, sender } = request;
  const moderates = needsModeratorCheck(listing, action, sender) && sender !== undefined ? await isModerator(runtime, listing, sender) : false;
  // The check awaited; act on the listing as it is now (a peer's update may have arrived meanwhile).
  const current = runtime.board.get(listing.key);
  if (current === undefined || current.state !== listing.state) {
    return replyText(speakerFor(runtime.context, sender), { id: idOf(runtime, listing), title: listing.title }, { kind: "changed-meanwhile" });
  }
  const now = runtime.context.now();
  const outcome = decideAction(
    {
      listing: current,
      action,
      sender,
      ...(request.target === undefined ? {} : { target: request.target }),
      ...(request.until === undefined ? {} : { until: request.until }),
      now,
      senderModerates: moderates,
      mayTakePart: (userId) => takePartVerdict(runtime, current, userId),
      weeklyClaims: sender === undefined ? { ok: true } : mayClaimThisWeek(claimTimes(runtime, sender), now, runtime.context.community.sharingLimits()),
    },
    runtime.ownServer,
  );
  return perform({ ...request, listing: current }, outcome, now);
}
