// Events other than commands, as a table by event type: reactions claim (and, removed, take it back),
// images become photos, invites from pact share bots open board-sync rooms, and board-sync events
// feed the replica.

import type { BotContext, MatrixEvent, RichText } from "../../framework/contract.ts";
import { speakerFor } from "../../framework/speak.ts";
import { decideReaction, decideReactionRemoval, isWaiting, type ReactionDecision } from "../domain/interestWithdrawal.ts";
import type { Listing } from "../domain/listing.ts";
import { shortId } from "../domain/listingIds.ts";
import { boardStateType, boardUpdateType } from "../sync/syncEvents.ts";
import { forgetReaction, otherReactions, reactionRecord, recordReaction } from "./interestRecords.ts";
import { performAction } from "./listingActions.ts";
import { claimActionFor } from "./lifecycleCommands.ts";
import { isMxcUri } from "./listingMessage.ts";
import { photoWindowMs } from "./postCommands.ts";
import { lastPostedKey } from "./shareStoreKeys.ts";
import { settlePeerPromises } from "./promiseSettlement.ts";
import { runtimeFor, type ShareRuntime } from "./shareRuntime.ts";
import { ownReactionText } from "./shareWords.ts";

type Handler = (event: MatrixEvent, runtime: ShareRuntime) => Promise<void>;

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** Any reaction to a listing message claims it (Element sends m.annotation with the emoji as key). */
const onReaction: Handler = async (event, runtime) => {
  const relation = event.content["m.relates_to"];
  if (field(relation, "rel_type") !== "m.annotation") return;
  const target = field(relation, "event_id");
  const key = typeof target === "string" ? runtime.listingOfEvent(target) : undefined;
  const decision = decideReaction(key === undefined ? undefined : runtime.board.get(key), event.sender, claimActionFor);
  await reactionOutcomes[decision.kind](event, runtime, decision as never);
};

type ReactionOutcomes = {
  [Kind in ReactionDecision["kind"]]: (event: MatrixEvent, runtime: ShareRuntime, decision: Extract<ReactionDecision, { kind: Kind }>) => Promise<void>;
};

const reactionOutcomes: ReactionOutcomes = {
  ignore: async () => {},
  async "own-listing"(event, runtime, { listing }) {
    // Removed, so Element's count shows only neighbors who want it; failing that, the answer still stands.
    const reason = speakerFor(runtime.context, event.sender).plain("share.reaction.removedReason");
    await runtime.context.actions
      .redactEvent(event.room_id, event.event_id, reason)
      .catch((error: unknown) => runtime.context.log.error(`removing a reaction in ${event.room_id}`, error));
    await runtime.tell(event.sender, ownReactionReply(runtime, listing, field(event.content["m.relates_to"], "key")));
  },
  async "take-part"(event, runtime, { listing, action }) {
    const reply = await performAction({ runtime, listing, action, sender: event.sender });
    // Remembered so that removing this reaction later takes them off the list again.
    const now = runtime.board.get(listing.key);
    if (now !== undefined && isWaiting(now, event.sender)) recordReaction(runtime.store, listing.key, event.sender, event.event_id);
    await runtime.render();
    // The answer goes to the neighbor privately: a reply to a reaction in the room would be noise.
    if (reply !== undefined) await runtime.tell(event.sender, reply);
  },
};

function ownReactionReply(runtime: ShareRuntime, listing: Listing, key: unknown): RichText {
  const id = shortId(listing.home, listing.number, runtime.ownServer);
  return ownReactionText(speakerFor(runtime.context, listing.owner), id, listing.kind, typeof key === "string" && key.length <= 8 ? key : undefined);
}

/** A removed reaction (Element redacts it) takes back the interest it gave. */
const onRedaction: Handler = async (event, runtime) => {
  const redacts = typeof event.content.redacts === "string" ? event.content.redacts : event.redacts;
  if (redacts === undefined) return;
  const record = reactionRecord(runtime.store, redacts);
  if (record === undefined) return;
  const decision = decideReactionRemoval(record, event.sender, otherReactions(runtime.store, redacts), runtime.board.get(record.key));
  if (event.sender === record.userId) forgetReaction(runtime.store, redacts);
  if (decision.kind === "ignore") return;
  const listing = runtime.board.get(decision.key);
  if (listing === undefined) return;
  const reply = await performAction({ runtime, listing, action: "withdraw", sender: decision.userId });
  await runtime.render();
  if (reply !== undefined) await runtime.tell(decision.userId, reply);
};

/** An image right after posting (or in reply to one's listing) becomes that listing's photo. */
const onImage: Handler = async (event, runtime) => {
  if (event.content.msgtype !== "m.image") return;
  const replied = field(field(event.content["m.relates_to"], "m.in_reply_to"), "event_id") ?? field(event.content["m.relates_to"], "event_id");
  const repliedKey = typeof replied === "string" ? runtime.listingOfEvent(replied) : undefined;
  const last = lastPostedKey(event.sender).get(runtime.store);
  const recentKey = last !== undefined && last.roomId === event.room_id && runtime.context.now() - last.at <= photoWindowMs ? last.key : undefined;
  const key = repliedKey ?? recentKey;
  const listing = key === undefined ? undefined : runtime.board.get(key);
  if (listing === undefined || listing.owner !== event.sender) return;
  // Sent in an encrypted chat, the photo is decrypted and published: the board is open to the block.
  const url = await runtime.context.actions.publishableMedia(event.content);
  if (url === undefined || !isMxcUri(url)) return;
  runtime.board.patch(listing.key, { photo: url });
  lastPostedKey(event.sender).delete(runtime.store);
  await runtime.render();
};

/**
 * A pact block's share bot joined our board-sync room: its block is up, so joining its room need not
 * wait for the next retry.
 */
function noticePeerJoined(event: MatrixEvent, runtime: ShareRuntime): void {
  const peer = event.state_key ?? "";
  if (event.content.membership !== "join" || !runtime.isPactShareBot(peer)) return;
  if (runtime.context.neighborhood.roomRole(event.room_id) !== "board-sync") return;
  runtime.store.delete(`sync/joinTried/${peer.slice(peer.indexOf(":") + 1)}`);
}

/** A pact block's share bot invites us to its board-sync room: join it and catch up. */
const onMembership: Handler = async (event, runtime) => {
  noticePeerJoined(event, runtime);
  if (event.state_key !== runtime.context.self || event.content.membership !== "invite") return;
  if (!runtime.isPactShareBot(event.sender)) return;
  try {
    await runtime.context.actions.joinRoom(event.room_id);
    const rooms = runtime.store.get<string[]>("sync/peerRooms") ?? [];
    if (!rooms.includes(event.room_id)) runtime.store.put("sync/peerRooms", [...rooms, event.room_id]);
    await runtime.replica.announce();
  } catch (error) {
    // Retried by the timed work while the invite stands.
    runtime.store.put(`sync/pendingInvite/${event.room_id}`, event.sender);
    runtime.context.log.error(`joining board-sync room ${event.room_id}`, error);
  }
};

const onBoardSync: Handler = async (event, runtime) => {
  await runtime.replica.receive({ type: event.type, sender: event.sender, content: event.content });
  await settlePeerPromises(runtime);
  await runtime.render();
};

const handlers: Readonly<Record<string, Handler>> = {
  "m.reaction": onReaction,
  "m.room.redaction": onRedaction,
  "m.room.message": onImage,
  "m.room.member": onMembership,
  [boardUpdateType]: onBoardSync,
  [boardStateType]: onBoardSync,
};

export async function handleShareEvent(event: MatrixEvent, context: BotContext): Promise<void> {
  const handler = handlers[event.type];
  if (handler === undefined) return;
  const runtime = runtimeFor(context);
  runtime.noticeRoom(event.room_id);
  await handler(event, runtime);
}
