// The share bot's live state for one store (one box): the board, its replica, which Matrix message
// shows which listing, and the rendering of changed listings. Built on first use, from the store,
// so a restart (or a new store) starts exactly from what was saved.

import type { BotContext, BotStore, RichText } from "../../framework/contract.ts";
import type { Language } from "../../framework/languages.ts";
import { sayPlain, speakerFor } from "../../framework/speak.ts";
import { Board } from "../board/board.ts";
import { loadOrigin } from "../board/persistedDoc.ts";
import { isLive, serverOf, type Listing } from "../domain/listing.ts";
import { shortId } from "../domain/listingIds.ts";
import { BoardReplica, remoteOrigin, type SyncStats } from "../sync/boardReplica.ts";
import type { ActionNotice } from "../domain/listingDecisions.ts";
import { renderListing, renderWithdrawn } from "./listingMessage.ts";
import { noticeText } from "./shareWords.ts";

export const shareLocalpart = "share";

interface PostedMessage {
  roomId: string;
  eventId: string;
}

export class ShareRuntime {
  readonly board: Board;
  readonly replica: BoardReplica;
  context: BotContext;
  readonly #dirty = new Set<string>();
  /** Listings a pact block changed: promises made on both sides of a partition are settled for these. */
  readonly #changedByPeers = new Set<string>();
  /** Listings changed since the last sweep of their timed-work records. */
  readonly #changedSinceSweep = new Set<string>();
  #rendering: Promise<void> = Promise.resolve();

  constructor(context: BotContext) {
    this.context = context;
    const store = context.store;
    this.board = new Board(store);
    this.board.onChange((keys, origin) => {
      for (const key of keys) {
        this.#dirty.add(key);
        this.#changedSinceSweep.add(key);
        if (origin === remoteOrigin) this.#changedByPeers.add(key);
      }
    });
    this.replica = new BoardReplica({
      doc: this.board.shared.doc,
      transport: { send: (type, content) => this.#sendToPact(type, content) },
      isAuthorizedSender: (sender) => this.isPactShareBot(sender),
      now: () => this.context.now(),
      stats: store.get<SyncStats>("sync/stats"),
      onStatsChange: (stats) => store.put("sync/stats", stats),
      silentOrigins: [loadOrigin],
    });
  }

  /** Keys of listings changed by pact blocks since the last call. */
  takeChangedByPeers(): string[] {
    const keys = [...this.#changedByPeers];
    this.#changedByPeers.clear();
    return keys;
  }

  /** Keys of listings changed since the last call (for pruning timed-work records). */
  takeChangedSinceSweep(): string[] {
    const keys = [...this.#changedSinceSweep];
    this.#changedSinceSweep.clear();
    return keys;
  }

  get store(): BotStore {
    return this.context.store;
  }

  get ownServer(): string {
    return this.context.neighborhood.serverName;
  }

  pactServers(): string[] {
    return this.context.community
      .pact()
      .map((member) => member.serverName)
      .filter((server) => server !== this.ownServer);
  }

  /** Exactly `@share:<server>` for a server in the pact, compared as full IDs. */
  isPactShareBot(sender: string): boolean {
    return sender !== this.context.self && this.pactServers().some((server) => sender === `@${shareLocalpart}:${server}`);
  }

  async #sendToPact(type: string, content: Record<string, unknown>): Promise<void> {
    // Without neighbors there is no one to tell; a block joining later catches up by state vector.
    if (this.pactServers().length === 0) return;
    const outbox = this.outboxRoom();
    if (outbox === undefined) throw new Error("the board-sync room is not open yet");
    await this.context.actions.sendEvent(outbox, type, content);
  }

  /** Where this block's bot posts board updates: the provisioned #board-sync room, else one it opened. */
  outboxRoom(): string | undefined {
    return this.context.neighborhood.roomsWithRole("board-sync")[0] ?? this.store.get<{ roomId: string }>("sync/outbox")?.roomId;
  }

  /** The block's Sharing room, as provisioning recorded it (or as learned from events seen in it). */
  sharingRoom(): string | undefined {
    return this.context.neighborhood.roomsWithRole("sharing")[0] ?? this.store.get<string>("sharingRoom");
  }

  noticeRoom(roomId: string): void {
    if (this.context.neighborhood.roomRole(roomId) === "sharing" && this.sharingRoom() !== roomId) this.store.put("sharingRoom", roomId);
  }

  messageOf(key: string): PostedMessage | undefined {
    return this.store.get<PostedMessage>(`message/${key}`);
  }

  listingOfEvent(eventId: string): string | undefined {
    return this.store.get<string>(`byEvent/${eventId}`);
  }

  /** Whether this block shows the listing in its Sharing room. */
  shows(listing: Listing): boolean {
    return listing.home === this.ownServer || (listing.visibility === "shared" && this.pactServers().includes(listing.home));
  }

  /** Posts new listings and edits changed ones; serialized so a listing is never posted twice. */
  render(): Promise<void> {
    this.#rendering = this.#rendering.then(() => this.#renderDirty()).catch((error: unknown) => this.context.log.error("rendering listings", error));
    return this.#rendering;
  }

  async #renderDirty(): Promise<void> {
    const roomId = this.sharingRoom();
    if (roomId === undefined) return;
    const keys = [...this.#dirty];
    this.#dirty.clear();
    for (const key of keys) {
      const listing = this.board.get(key);
      try {
        if (listing === undefined || !this.shows(listing)) await this.#withdraw(key);
        else await this.#show(roomId, listing);
      } catch (error) {
        this.#dirty.add(key); // retried with the next round
        this.context.log.error(`showing listing ${key}`, error);
      }
    }
  }

  async #show(roomId: string, listing: Listing): Promise<void> {
    const text = renderListing(speakerFor(this.context), listing, this.ownServer);
    const posted = this.messageOf(listing.key);
    if (posted !== undefined) {
      await this.context.actions.editMessage(posted.roomId, posted.eventId, text);
      return;
    }
    if (!isLive(listing)) return;
    const eventId = await this.context.actions.sendMessage(roomId, text);
    this.store.put(`message/${listing.key}`, { roomId, eventId });
    this.store.put(`byEvent/${eventId}`, listing.key);
  }

  /** A pact block's listing that is gone from the shared board (unshared): its message says so, once. */
  async #withdraw(key: string): Promise<void> {
    const posted = this.messageOf(key);
    const slash = key.lastIndexOf("/");
    const home = key.slice(0, slash);
    if (posted === undefined || home === this.ownServer) return;
    await this.context.actions.editMessage(
      posted.roomId,
      posted.eventId,
      renderWithdrawn(speakerFor(this.context), shortId(home, Number(key.slice(slash + 1)), this.ownServer)),
    );
    this.store.delete(`message/${key}`);
    this.store.delete(`byEvent/${posted.eventId}`);
  }

  /**
   * A direct message to one neighbor; failures are logged, never thrown at the command. True when sent
   * (or, for a neighbor of another block, handed to the background: see `involvesOtherBlocks`).
   */
  async tell(userId: string, text: RichText): Promise<boolean> {
    const deliver = async () => {
      try {
        // The host sends the message, into a new chat before the invite (which carries the reason).
        await this.context.actions.openPrivateRoom([userId], undefined, {
          message: text,
          reason: inviteReason(text, this.context.community.languageOf(userId)),
        });
        return true;
      } catch (error) {
        this.context.log.error(`messaging ${userId}`, error);
        return false;
      }
    };
    if (!this.involvesOtherBlocks([userId])) return deliver();
    this.inBackground(deliver);
    return true;
  }

  /** A notice about a listing, said to its reader in their language (chat/shareWords.ts); true when sent. */
  notify(listing: Listing, notice: ActionNotice): Promise<boolean> {
    const named = { id: shortId(listing.home, listing.number, this.ownServer), title: listing.title };
    return this.tell(notice.to, noticeText(speakerFor(this.context, notice.to), named, notice, listing));
  }

  /**
   * Whether a private room with these users needs another block: inviting its neighbor goes over
   * federation, and Synapse waits for that block (a minute or more while the mesh link is down), so
   * commands and timed work do not wait for it.
   */
  involvesOtherBlocks(userIds: readonly string[]): boolean {
    return userIds.some((userId) => serverOf(userId) !== this.ownServer);
  }

  /** Runs work without holding up the caller (errors are logged). */
  inBackground(work: () => Promise<unknown>): void {
    void work().catch((error: unknown) => this.context.log.error("background work", error));
  }

  /** When the homeserver first answered (bot clock), once it has. */
  #answeredAt: number | undefined;

  /**
   * Whether the homeserver answers (asked about the Sharing room), checked until it first does: the
   * host starts the bots before Synapse and provisioning, and timed work that fell due while the box
   * was down must not be spent on a server that is not there yet.
   */
  async homeserverAnswers(): Promise<boolean> {
    if (this.#answeredAt !== undefined) return true;
    const roomId = this.sharingRoom();
    if (roomId === undefined) return false;
    try {
      await this.context.actions.joinedMembers(roomId);
      this.#answeredAt = this.context.now();
    } catch (error) {
      // A Matrix error (say, not in the room yet) is still an answer; no connection is not.
      if (typeof (error as { errcode?: unknown } | null)?.errcode === "string") this.#answeredAt = this.context.now();
    }
    return this.#answeredAt !== undefined;
  }

  /** How long the homeserver has been answering (0 before it does). */
  answeringForMs(): number {
    return this.#answeredAt === undefined ? 0 : this.context.now() - this.#answeredAt;
  }
}

const reasonLength = 300;

/** An invite's reason: what the first message says, in plain text, short enough for an invite (in the message's language). */
export function inviteReason(text: RichText, language: Language): string {
  const plain = sayPlain(language, "share.invite.reason", { text: text.text.replace(/\s+/gu, " ").trim() });
  return plain.length <= reasonLength ? plain : `${plain.slice(0, reasonLength - 1)}…`;
}

const runtimes = new WeakMap<BotStore, ShareRuntime>();

/** The runtime for this context's store; the same store (the same box) always gets the same one. */
export function runtimeFor(context: BotContext): ShareRuntime {
  let runtime = runtimes.get(context.store);
  if (runtime === undefined) {
    runtime = new ShareRuntime(context);
    runtimes.set(context.store, runtime);
  }
  runtime.context = context;
  return runtime;
}
