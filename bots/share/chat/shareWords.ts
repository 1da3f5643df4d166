// What the share bot says, in a Speaker's language: the replies, notices and introductions of the
// lifecycle actions (domain/listingDecisions.ts decides them), the chat layer's own replies (a posted
// listing, a listing not found, an unreadable date, a lost promise in the pickup chat), and the words
// they share (states, categories, fairness problems). Every title, area and name a neighbor typed goes in as a value, so it is escaped
// and never read as ICU.

import type { RichText } from "../../framework/contract.ts";
import type { MessageKey } from "../../framework/languages.ts";
import { mention, message } from "../../framework/richText.ts";
import type { MessageValues, Speaker } from "../../framework/speak.ts";
import type { FairnessProblem } from "../domain/fairness.ts";
import type { ActionNotice, ActionReply, Introduction } from "../domain/listingDecisions.ts";
import type { Listing, ListingKind, ListingState, Visibility } from "../domain/listing.ts";
import { defaultArea, type DraftProblem } from "../domain/listingText.ts";
import { commandsFor } from "./actionCommands.ts";
import type { ListingProblem } from "./listingArguments.ts";

/** The listing as a message names it: its id for this block (#12, #12.oak) and its title. */
export interface Named {
  id: string;
  title: string;
}

const stateKeys: Readonly<Record<ListingState, MessageKey>> = {
  open: "share.state.open",
  promised: "share.state.promised",
  "handed-over": "share.state.handedOver",
  fulfilled: "share.state.fulfilled",
  "on-loan": "share.state.onLoan",
  cancelled: "share.state.cancelled",
  expired: "share.state.expired",
};

/** A state in words ("available" for a lendable thing that is open). */
export function stateWord(speaker: Speaker, kind: ListingKind, state: ListingState): string {
  return speaker.plain(stateKeys[state], { kind });
}

/** A moment for a message's `{x, date, weekday}, {x, time, short}`: said in the speaker's language and the block's time zone. */
export function when(at: number): Date {
  return new Date(at);
}

/** A pickup area: the neighbor's own words, or "this block" in the speaker's language when they gave none. */
export function areaWord(speaker: Speaker, area: string): string {
  return area === defaultArea ? speaker.plain("share.area.default") : area;
}

/** A category in words: the select key is the first word of its name ("services and skills" → services). */
export function categoryWord(speaker: Speaker, category: string): string {
  return speaker.plain("share.category", { category: category.split(" ")[0] ?? category });
}

/** The id as typed after a command: "12" for #12, "12.oak" for #12.oak. */
export const typed = (id: string): string => id.slice(1);

const problemWords: { [Kind in FairnessProblem["kind"]]: (speaker: Speaker, problem: Extract<FairnessProblem, { kind: Kind }>) => RichText } = {
  "too-many-open": (speaker, { open, max }) => speaker.say("share.problem.tooManyOpen", { open, max }),
  "weekly-claims": (speaker, { recent, max }) => speaker.say("share.problem.weeklyClaims", { recent, max }),
  "own-listing": (speaker) => speaker.say("share.problem.ownListing"),
  "unknown-block": (speaker) => speaker.say("share.problem.unknownBlock"),
  "block-only": (speaker) => speaker.say("share.problem.blockOnly"),
  "home-keeps-claims": (speaker, { home }) => speaker.say("share.problem.homeKeepsClaims", { home }),
};

export function problemText(speaker: Speaker, problem: FairnessProblem): RichText {
  return problemWords[problem.kind](speaker, problem as never);
}

type Words<Union extends { kind: string }> = { [Kind in Union["kind"]]: (speaker: Speaker, named: Named, item: Extract<Union, { kind: Kind }>) => RichText };

const replyWords: Words<ActionReply> = {
  "not-now": (speaker, { id }, { state, listingKind, actions }) => {
    const commands = commandsFor(actions);
    const values: MessageValues = { id, state: stateWord(speaker, listingKind, state) };
    return commands.length === 0
      ? speaker.say("share.action.notNow", values)
      : speaker.say("share.action.notNowCommands", { ...values, commands: commands.map((key) => speaker.plain(key)).join(", ") });
  },
  "own-listing": (speaker, { id }) => speaker.say("share.action.ownListing", { id }),
  "only-actor": (speaker, { id }, { actor }) => speaker.say("share.action.onlyActor", { id, actor }),
  "changed-meanwhile": (speaker, { id }) => speaker.say("share.action.changedMeanwhile", { id }),
  "name-whom": (speaker, _named, { action }) => speaker.say(action === "promise" ? "share.action.promiseWhom" : "share.action.lendWhom"),
  "cannot-take-part": (speaker, _named, { problem, target, action }) => {
    const said = problemText(speaker, problem);
    if (target === undefined || action === undefined) return said;
    return speaker.say(action === "promise" ? "share.action.cannotPromiseTo" : "share.action.cannotLendTo", { target, problem: said });
  },
  promised: (speaker, { id }, { to }) => speaker.say("share.action.promised", { id, to: mention(to) }),
  yours: (speaker, { id }, { owner }) => speaker.say("share.action.yours", { id, owner: mention(owner) }),
  "already-on-list": (speaker, { id }) => speaker.say("share.action.alreadyOnList", { id }),
  "on-list": (speaker, { id }, { owner, place, listingKind }) =>
    speaker.say(listingKind === "offer" ? "share.action.onOfferList" : "share.action.inLine", { owner: mention(owner), place, number: typed(id) }),
  helping: (speaker, _named, { owner }) => speaker.say("share.action.helping", { owner: mention(owner) }),
  released: (speaker, { id }) => speaker.say("share.action.released", { id }),
  closed: (speaker, { id }, { state, listingKind }) =>
    speaker.say("share.action.closed", { id, state: stateWord(speaker, listingKind, state), number: typed(id) }),
  lent: (speaker, { id }, { to, until }) => speaker.say("share.action.lent", { id, to: mention(to), until: when(until) }),
  returned: (speaker, { id }) => speaker.say("share.action.returned", { id }),
  "date-past": (speaker, _named, { loan }) => speaker.say(loan ? "share.action.loanDatePast" : "share.action.datePast"),
  "loan-renewed": (speaker, { id }, { until }) => speaker.say("share.action.loanRenewed", { id, until: when(until) }),
  renewed: (speaker, { id }, { until }) => speaker.say("share.action.renewed", { id, until: when(until) }),
  cancelled: (speaker, { id }) => speaker.say("share.action.cancelled", { id }),
  "already-block-only": (speaker, { id }) => speaker.say("share.action.alreadyBlockOnly", { id }),
  "taker-elsewhere": (speaker, { id }, { state, listingKind, taker }) =>
    speaker.say("share.action.takerElsewhere", { id, state: stateWord(speaker, listingKind, state), taker: mention(taker), number: typed(id) }),
  unshared: (speaker, { id }) => speaker.say("share.action.unshared", { id }),
  "already-shared": (speaker, { id }) => speaker.say("share.action.alreadyShared", { id }),
  shared: (speaker, { id }) => speaker.say("share.action.shared", { id }),
  "hold-already-confirmed": (speaker, _named, { owner }) => speaker.say("share.hold.alreadyConfirmed", { owner: mention(owner) }),
  "hold-confirmed": (speaker, { id }, { owner }) => speaker.say("share.hold.confirmed", { id, owner: mention(owner) }),
  withdrawn: (speaker, { id, title }, { owner, ownerTold }) =>
    ownerTold
      ? speaker.say("share.withdraw.doneOwnerTold", { id, title, owner: mention(owner), number: typed(id) })
      : speaker.say("share.withdraw.done", { id, title, number: typed(id) }),
  "not-waiting": (speaker, { id, title }) => speaker.say("share.withdraw.notWaiting", { id, title, number: typed(id) }),
};

export function replyText(speaker: Speaker, named: Named, reply: ActionReply): RichText {
  return replyWords[reply.kind](speaker, named, reply as never);
}

/** "Next in line" after a return, said with the reply. */
export function returnedText(speaker: Speaker, { id }: Named, next: string | undefined): RichText {
  return next === undefined ? speaker.say("share.action.returned", { id }) : speaker.say("share.action.returnedNext", { id, next: mention(next) });
}

/** What the owner types to say yes to a neighbor who would like the thing, in the owner's language. */
export function yesCommand(speaker: Speaker, listing: Pick<Listing, "kind">, id: string, who: string): string {
  return speaker.plain(listing.kind === "offer" ? "share.command.promiseTo" : "share.command.lendTo", { number: typed(id), who });
}

export function noticeText(speaker: Speaker, named: Named, notice: ActionNotice, listing: Listing): RichText {
  const { id, title } = named;
  const words: Words<ActionNotice> = {
    "would-like": (s, _n, { who }) => s.say("share.notice.wouldLike", { who: mention(who), id, title, command: yesCommand(s, listing, id, who) }),
    released: (s) => s.say("share.notice.released", { id, title }),
    "loan-renewed": (s, _n, { until }) => s.say("share.notice.loanRenewed", { id, title, until: when(until) }),
    "cancelled-by-moderator": (s, _n, { moderator }) => s.say("share.notice.cancelledByModerator", { id, title, moderator: mention(moderator) }),
    cancelled: (s) => s.say("share.notice.cancelled", { id, title }),
    "unshared-off-list": (s) => s.say("share.notice.unsharedOffList", { id, title }),
    expired: (s) => s.say("share.notice.expired", { id, title, number: typed(id) }),
    "nobody-else-waiting": (s) => s.say("share.hold.nobodyElse", { id, title }),
    "your-turn": (s, _n, { until }) => s.say("share.hold.yourTurn", { id, title, number: typed(id), until: when(until) }),
    "next-in-line": (s, _n, { who, until }) =>
      s.say("share.hold.ownerNext", { id, who: mention(who), until: when(until), command: yesCommand(s, listing, id, who) }),
    "hold-confirmed": (s, _n, { who }) => s.say("share.hold.ownerConfirmed", { id, title, who: mention(who), command: yesCommand(s, listing, id, who) }),
    "turn-lapsed": (s) => s.say("share.hold.lapsed", { id, title, number: typed(id) }),
    "no-longer-wants": (s, _n, { who }) => s.say("share.withdraw.ownerNotice", { id, title, who: mention(who) }),
    "due-soon": (s, _n, { due }) => s.say("share.reminder.dueSoon", { id, title, number: typed(id), due: when(due), owner: mention(listing.owner) }),
    overdue: (s, _n, { due, round, borrower }) =>
      s.say("share.reminder.overdue", { id, title, number: typed(id), due: when(due), round, borrower: mention(borrower), owner: mention(listing.owner) }),
    "promise-lost": (s, _n, { winner, otherBlock }) =>
      s.say("share.settle.lost", { id, title, winner: mention(winner), other: otherBlock ?? "neighbor", offer: listing.kind === "offer" ? "yes" : "no" }),
  };
  return words[notice.kind](speaker, named, notice as never);
}

/** The first message of the pickup chat, in the block's language (two neighbors read it). */
export function introductionText(speaker: Speaker, named: Named, introduction: Introduction, listing: Listing): RichText {
  const values: MessageValues = {
    ...named,
    number: typed(named.id),
    owner: mention(listing.owner),
    taker: mention(introduction.taker),
    ownerId: listing.owner,
    takerId: introduction.taker,
    area: areaWord(speaker, listing.area),
  };
  const words: Words<Introduction> = {
    giving: (s) => s.say("share.intro.giving", values),
    "first-come": (s) => s.say("share.intro.firstCome", values),
    helping: (s) => s.say("share.intro.helping", values),
    lending: (s, _n, { until }) => s.say("share.intro.lending", { ...values, until: when(until) }),
  };
  return words[introduction.kind](speaker, named, introduction as never);
}

const draftWords: { [Kind in DraftProblem["kind"]]: (speaker: Speaker, problem: Extract<DraftProblem, { kind: Kind }>) => RichText } = {
  "unknown-tags": (speaker, { tags }) => speaker.say("share.text.unknownTags", { tags: tags.join(", "), known: speaker.plain("share.text.knownTags") }),
  "unreadable-date": (speaker, { phrase }) => speaker.say("share.text.unreadableDate", { phrase, dates: speaker.plain("share.dates.accepted") }),
  "past-date": (speaker) => speaker.say("share.text.pastDate", { dates: speaker.plain("share.dates.accepted") }),
  "too-far": (speaker) => speaker.say("share.text.tooFar"),
  "street-address": (speaker) => speaker.say("share.text.streetAddress"),
  "no-title": (speaker) => speaker.say("share.text.noTitle"),
  "title-too-long": (speaker, { max }) => speaker.say("share.text.titleTooLong", { max }),
  "description-too-long": (speaker, { max }) => speaker.say("share.text.descriptionTooLong", { max }),
  quantity: (speaker, { phrase, max }) => speaker.say("share.text.quantity", { phrase, max }),
};

export const exampleKeys: Readonly<Record<ListingKind, MessageKey>> = { offer: "share.offer.example", ask: "share.ask.example", lend: "share.lend.example" };

/** Why a listing's text could not be read, then an example of the command the neighbor used. */
export function draftProblemText(speaker: Speaker, problem: DraftProblem, kind: ListingKind): RichText {
  return message(draftWords[problem.kind](speaker, problem as never), " ", speaker.say("share.post.example", { example: speaker.plain(exampleKeys[kind]) }));
}

/** To the owner who reacted to their own listing: it does nothing (so it was removed), and what does. */
export function ownReactionText(speaker: Speaker, id: string, kind: ListingKind, key: string | undefined): RichText {
  const said = speaker.say("share.reaction.own", { id, key: key ?? "none" });
  return message(said, " ", speaker.say(kind === "ask" ? "share.reaction.ownAsk" : "share.reaction.ownOffer", { number: typed(id) }));
}

/** The chat layer's own replies (not a lifecycle action's outcome): what happened, said by chatReplyText. */
export type ChatReply =
  /** The listing a command means was not found: none named and no thread, or no such listing. */
  | ListingProblem
  /** A new listing is on the board. */
  | { kind: "posted"; id: string; number: number; title: string; category: string; until: number; visibility: Visibility; listingKind: ListingKind }
  /** The date after a lifecycle command could not be read, or is past. */
  | { kind: "unreadable-until"; phrase: string }
  /** In the pickup chat of a promise that lost to one made elsewhere during a partition. */
  | { kind: "pickup-lost"; id: string; winner: string };

/** The command that closes each kind of listing, as the reader's language names it. */
const closeKeys: Readonly<Record<ListingKind, MessageKey>> = { offer: "share.command.handed", ask: "share.command.fulfilled", lend: "share.command.cancel" };

const chatReplyWords: { [Kind in ChatReply["kind"]]: (speaker: Speaker, reply: Extract<ChatReply, { kind: Kind }>) => RichText } = {
  which: (speaker) => speaker.say("share.listingRef.which"),
  "not-found": (speaker, { ref }) => speaker.say("share.listingRef.notFound", { ref }),
  posted: (speaker, { id, number, title, category, until, visibility, listingKind }) =>
    speaker.say("share.post.posted", {
      id,
      title,
      category: categoryWord(speaker, category),
      until: when(until),
      shared: visibility === "shared" ? "yes" : "no",
      close: `${speaker.plain(closeKeys[listingKind])} ${number}`,
    }),
  "unreadable-until": (speaker, { phrase }) => speaker.say("share.dates.unreadable", { phrase, dates: speaker.plain("share.dates.accepted") }),
  "pickup-lost": (speaker, { id, winner }) => speaker.say("share.settle.pickupLost", { id, winner: mention(winner) }),
};

export function chatReplyText(speaker: Speaker, reply: ChatReply): RichText {
  return chatReplyWords[reply.kind](speaker, reply as never);
}
