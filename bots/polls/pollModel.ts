// The shapes of a poll as the polls bot keeps it: what was asked, who may vote, when it closes, and
// how it ended. Plain JSON, stored in the bot's BotStore (pollStore.ts).

import type { PactMember, SharingLimits } from "../framework/contract.ts";
import type { ThresholdName } from "./thresholds.ts";

/** proposal: agree/disagree/abstain; consent: consent/object; choose: one or several options; ranked: instant runoff. */
export type PollKind = "proposal" | "consent" | "choose" | "ranked";

export interface PollOption {
  /** The answer id in the poll start event, and what a DM ballot names ("a", "agree"…). */
  id: string;
  label: string;
}

/** A setting that only a passed proposal may change, applied when it passes. */
export type BindingChange =
  | { kind: "sharing-limit"; setting: keyof SharingLimits; value: number | boolean; name: string }
  | { kind: "pact-add"; member: PactMember }
  | { kind: "pact-remove"; serverName: string }
  /** The block's norms, replaced by this text (lines as written). */
  | { kind: "norms"; text: string };

/** How a poll ended, as the renderer (pollWords.ts) words it in a language. Options by their labels. */
export type Verdict =
  | { kind: "passed" }
  | { kind: "thresholdNotMet" }
  | { kind: "consentPassed" }
  | { kind: "objections"; count: number }
  | { kind: "nobodyChose" }
  | { kind: "tie"; options: string[] }
  | { kind: "decided"; option: string }
  | { kind: "noBallots" }
  | { kind: "quorumNotPassed" }
  | { kind: "quorumNotDecided" };

export interface PollOutcome {
  /** Absent only in polls stored before the bot spoke more than English (they keep `summary`). */
  verdict?: Verdict;
  /** An English line stored by earlier versions: "Passed", "Decided: pizza"… */
  summary?: string;
  /** Whether something was decided (a proposal or consent passed; a choice has a winner, quorum met). */
  decided: boolean;
}

/** What applying a passed binding change did: done, or refused with the host's reason. */
export type AppliedChange = { ok: true; change: BindingChange } | { ok: false; change: BindingChange; error: string };

/** What a neighbor asked for: read from a command (readPollRequest.ts), then kept in the PollRecord. */
export interface PollTerms {
  kind: PollKind;
  question: string;
  options: PollOption[];
  maxSelections: number;
  threshold: ThresholdName | undefined;
  /** Share of eligible voters who must vote, in percent (0 = no quorum). */
  quorumPercent: number;
  /** Votes by DM with receipts; the room sees only counts. */
  secret: boolean;
  /** Results hidden until close (Element's undisclosed kind). */
  hidden: boolean;
  binding: BindingChange | undefined;
}

export interface PollRecord extends PollTerms {
  number: number;
  roomId: string;
  /** The native poll's start event, or (DM-ballot polls) the announcement message. */
  startEventId: string;
  author: string;
  openedAt: number;
  closesAt: number;
  /** Full Matrix IDs fixed when the poll opened: one member, one vote. */
  eligible: string[];
  eligibleFrom: "room" | "members-list";
  status: "open" | "closed";
  remindedAt?: number;
  closedAt?: number;
  closedBy?: string;
  endEventId?: string;
  resultsEventId?: string;
  outcome?: PollOutcome;
}

/** A poll response event as received (native polls), kept until the poll closes. */
export interface StoredResponse {
  eventId: string;
  sender: string;
  ts: number;
  /** Answer ids as sent; undefined when the content was malformed (a spoiled vote). */
  answers: string[] | undefined;
}

/** A vote cast by DM (secret or ranked polls): the chosen option ids, in order of preference. */
export interface DmBallot {
  choices: string[];
  receipt: string;
  ts: number;
}

export interface PublishedReceipt {
  receipt: string;
  choices: string[];
}

export interface DecisionRecord {
  number: number;
  question: string;
  outcome: PollOutcome;
  decidedAt: number;
  roomId: string;
  startEventId: string;
  /** What the binding change did, or why it could not be applied (an English line in earlier versions). */
  applied?: AppliedChange | string;
}

/** Whether votes come by DM (secret ballots and ranked choice) rather than as native poll responses. */
export function votesByDm(poll: Pick<PollRecord, "secret" | "kind">): boolean {
  return poll.secret || poll.kind === "ranked";
}
