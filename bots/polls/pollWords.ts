// What the polls bot says, in a Speaker's language: announcements, results, reminders, lists, ballots and
// refusals, each from the catalogs (bots/messages/<lang>/polls.json). The decisions (decidePoll,
// readPollRequest, readBallot, castBallot…) return outcomes; this renders them. Every question, option
// and name a neighbor typed goes in as a value, so it is escaped and never read as ICU.

import type { RichText } from "../framework/contract.ts";
import { durationIn } from "../framework/durations.ts";
import type { MessageKey } from "../framework/languages.ts";
import { bold, bulletList, code, heading, link, lines, mention, message, paragraph, rich, type Inline } from "../framework/richText.ts";
import type { MessageRef, Speaker } from "../framework/speak.ts";
import type { PollResult } from "./decidePoll.ts";
import {
  votesByDm,
  type AppliedChange,
  type BindingChange,
  type DecisionRecord,
  type PollOption,
  type PollOutcome,
  type PollRecord,
  type PublishedReceipt,
  type Verdict,
} from "./pollModel.ts";
import type { ClauseName, PollRequestProblem } from "./readPollRequest.ts";
import type { ThresholdName } from "./thresholds.ts";

/** The catalog names of the fixed answers of proposals and consent decisions, by answer id. */
export const fixedAnswerKeys: Readonly<Record<string, MessageKey>> = {
  agree: "polls.answer.agree",
  disagree: "polls.answer.disagree",
  abstain: "polls.answer.abstain",
  consent: "polls.answer.consent",
  object: "polls.answer.object",
};

const thresholdKeys: Readonly<Record<ThresholdName, MessageKey>> = {
  majority: "polls.threshold.majority",
  "two-thirds": "polls.threshold.twoThirds",
  "three-quarters": "polls.threshold.threeQuarters",
};

export function pollTitle(speaker: Speaker, poll: Pick<PollRecord, "kind" | "number" | "question">): string {
  return speaker.plain("polls.title", { kind: poll.kind, number: String(poll.number), question: poll.question });
}

export function pollLink(poll: Pick<PollRecord, "roomId" | "startEventId">): string {
  return `https://matrix.to/#/${poll.roomId}/${poll.startEventId}`;
}

/** An option as the speaker names it: a fixed answer in their language, a neighbor's option as written. */
export function optionLabel(speaker: Speaker, option: PollOption): string {
  const key = fixedAnswerKeys[option.id];
  return key === undefined ? option.label : speaker.plain(key);
}

/** The fixed answers named in the speaker's language (the block's, for a poll's start event). */
export function localizedOptions(speaker: Speaker, options: readonly PollOption[]): PollOption[] {
  return options.map((option) => ({ id: option.id, label: optionLabel(speaker, option) }));
}

function labelOf(speaker: Speaker, poll: Pick<PollRecord, "options">, id: string): string {
  const option = poll.options.find((candidate) => candidate.id === id);
  return option === undefined ? id : optionLabel(speaker, option);
}

const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((100 * part) / whole));

function rulesLine(speaker: Speaker, poll: PollRecord): Inline[] {
  const parts: Inline[] = [
    speaker.say("polls.rules.closes", { closesAt: new Date(poll.closesAt), duration: durationIn(speaker.language, poll.closesAt - poll.openedAt) }),
  ];
  if (poll.kind === "proposal") parts.push(" ", speaker.say("polls.rules.threshold", { threshold: speaker.say(thresholdKeys[poll.threshold ?? "majority"]) }));
  if (poll.kind === "consent") parts.push(" ", speaker.say("polls.rules.consent"));
  if (poll.kind === "choose" && poll.maxSelections > 1) parts.push(" ", speaker.say("polls.rules.pick", { count: poll.maxSelections }));
  parts.push(
    " ",
    poll.quorumPercent > 0
      ? speaker.say("polls.rules.quorum", { percent: poll.quorumPercent, eligible: poll.eligible.length })
      : speaker.say("polls.rules.noQuorum", { eligible: poll.eligible.length }),
  );
  return parts;
}

function eligibilityLine(speaker: Speaker, poll: PollRecord): RichText {
  return speaker.say(poll.eligibleFrom === "members-list" ? "polls.eligibility.membersList" : "polls.eligibility.room");
}

/** A binding change in words: "sharing.max_open_listings becomes 5". */
export function bindingChangeWords(speaker: Speaker, change: BindingChange): RichText {
  switch (change.kind) {
    case "sharing-limit": {
      const value = typeof change.value === "boolean" ? speaker.plain(change.value ? "polls.change.yes" : "polls.change.no") : String(change.value);
      return speaker.say("polls.change.sharingLimit", { setting: change.name, value });
    }
    case "pact-add":
      return speaker.say("polls.change.pactAdd", { server: change.member.serverName, address: change.member.address });
    case "pact-remove":
      return speaker.say("polls.change.pactRemove", { server: change.serverName });
    case "norms":
      return speaker.say("polls.change.norms");
  }
}

/** What applying a change did; a line stored by an earlier version is said as it was stored. */
export function appliedWords(speaker: Speaker, applied: AppliedChange | string): RichText {
  if (typeof applied === "string") return rich(applied);
  const change = bindingChangeWords(speaker, applied.change);
  return applied.ok ? speaker.say("polls.applied", { change }) : speaker.say("polls.notApplied", { change, error: applied.error });
}

function bindingLine(speaker: Speaker, poll: PollRecord): Inline {
  return poll.binding === undefined ? "" : paragraph(speaker.say("polls.binding", { change: bindingChangeWords(speaker, poll.binding) }));
}

const verdictWords: { [Kind in Verdict["kind"]]: (speaker: Speaker, verdict: Extract<Verdict, { kind: Kind }>) => RichText } = {
  passed: (speaker) => speaker.say("polls.outcome.passed"),
  thresholdNotMet: (speaker) => speaker.say("polls.outcome.thresholdNotMet"),
  consentPassed: (speaker) => speaker.say("polls.outcome.consentPassed"),
  objections: (speaker, verdict) => speaker.say("polls.outcome.objections", { count: verdict.count }),
  nobodyChose: (speaker) => speaker.say("polls.outcome.nobodyChose"),
  tie: (speaker, verdict) => speaker.say("polls.outcome.tie", { options: speaker.list(verdict.options) }),
  decided: (speaker, verdict) => speaker.say("polls.outcome.decided", { option: verdict.option }),
  noBallots: (speaker) => speaker.say("polls.outcome.noBallots"),
  quorumNotPassed: (speaker) => speaker.say("polls.outcome.quorumNotPassed"),
  quorumNotDecided: (speaker) => speaker.say("polls.outcome.quorumNotDecided"),
};

/** "Passed", "Decided: pizza"… (an outcome stored by an earlier version keeps its English line). */
export function outcomeWords(speaker: Speaker, outcome: PollOutcome | undefined): RichText {
  const verdict = outcome?.verdict;
  if (verdict === undefined) return rich(outcome?.summary ?? "");
  return (verdictWords[verdict.kind] as (speaker: Speaker, verdict: Verdict) => RichText)(speaker, verdict);
}

/** The notice after a native poll's start event: the rules Element's poll tile cannot show. */
export function nativePollNotice(speaker: Speaker, poll: PollRecord): RichText {
  return message(
    paragraph(bold(pollTitle(speaker, poll))),
    paragraph(...rulesLine(speaker, poll)),
    bindingLine(speaker, poll),
    paragraph(speaker.say("polls.native.vote", { eligibility: eligibilityLine(speaker, poll) })),
    paragraph(speaker.say("polls.native.close", { command: closeExample(speaker, poll) })),
  );
}

/** A ballot to copy, with the command and answer words of the speaker's language: "!votar 3 a-favor". */
/** "!close 3" / "!cerrar 3". */
function closeExample(speaker: Speaker, poll: Pick<PollRecord, "number">): string {
  return speaker.plain("polls.closeExample", { number: String(poll.number) });
}

/** The reply to an end event from someone Element would not take one from. */
export function stillOpenMessage(speaker: Speaker, poll: PollRecord): RichText {
  return message(speaker.say("polls.end.stillOpen", { number: String(poll.number), command: closeExample(speaker, poll) }));
}

export function ballotExample(speaker: Speaker, poll: PollRecord): string {
  const number = String(poll.number);
  const letters = (options: readonly PollOption[]) => options.map((option) => option.id.toUpperCase()).join(" ");
  if (poll.kind === "ranked") return speaker.plain("polls.ballot.rankExample", { number, choices: letters(poll.options.slice(0, 3).reverse()) });
  if (poll.kind === "choose") return speaker.plain("polls.ballot.voteExample", { number, choices: letters(poll.options.slice(0, poll.maxSelections)) });
  return speaker.plain("polls.ballot.voteExample", {
    number,
    choices: speaker.plain(poll.kind === "consent" ? "polls.answerWord.consent" : "polls.answerWord.agree"),
  });
}

function optionList(speaker: Speaker, poll: PollRecord): RichText {
  const lettered = poll.kind === "choose" || poll.kind === "ranked";
  return bulletList(
    poll.options.map((option) =>
      lettered ? rich(bold(option.id.toUpperCase()), ` ${option.label}`) : rich(bold(option.id), ` — ${optionLabel(speaker, option)}`),
    ),
  );
}

/** The room's announcement of a poll voted by DM (secret ballot or ranked choice), with the ballot count. */
export function dmPollAnnouncement(speaker: Speaker, poll: PollRecord, botUserId: string, ballotsCast: number): RichText {
  return message(
    paragraph(bold(pollTitle(speaker, poll))),
    optionList(speaker, poll),
    paragraph(...rulesLine(speaker, poll)),
    bindingLine(speaker, poll),
    paragraph(
      speaker.say("polls.dm.how", {
        kind: poll.kind,
        bot: mention(botUserId),
        example: ballotExample(speaker, poll),
        eligibility: eligibilityLine(speaker, poll),
      }),
    ),
    paragraph(speaker.say("polls.dm.operator")),
    paragraph(speaker.say("polls.dm.ballots", { count: ballotsCast }), poll.status === "closed" ? [" ", speaker.say("polls.dm.closed")] : ""),
  );
}

function countLines(speaker: Speaker, poll: PollRecord, result: PollResult): RichText {
  const key = poll.kind === "ranked" ? "polls.results.firstPreferences" : "polls.results.votes";
  return bulletList(poll.options.map((option) => speaker.say(key, { option: optionLabel(speaker, option), count: result.counts.get(option.id) ?? 0 })));
}

function runoffLines(speaker: Speaker, poll: PollRecord, result: PollResult): Inline {
  if (result.runoff === undefined) return "";
  return paragraph(
    speaker.say("polls.results.rounds"),
    bulletList(
      result.runoff.rounds.map((round, index) =>
        rich(
          speaker.say("polls.results.round", {
            round: index + 1,
            counts: [...round.counts].map(([id, count]) => `${labelOf(speaker, poll, id)} ${count}`).join(", "),
            exhausted: round.exhausted,
          }),
          round.eliminated.length > 0
            ? speaker.say("polls.results.roundOut", { options: round.eliminated.map((id) => labelOf(speaker, poll, id)).join(", ") })
            : "",
        ),
      ),
    ),
  );
}

function thresholdLine(speaker: Speaker, poll: PollRecord, result: PollResult): Inline {
  if (result.thresholdMet === undefined) return "";
  const agree = result.counts.get("agree") ?? 0;
  const sides = agree + (result.counts.get("disagree") ?? 0);
  return speaker.say("polls.results.threshold", {
    rule: speaker.say(thresholdKeys[poll.threshold ?? "majority"]),
    agree,
    sides,
    percent: percent(agree, sides),
    met: result.thresholdMet ? "yes" : "no",
  });
}

function receiptList(speaker: Speaker, receipts: readonly PublishedReceipt[], poll: PollRecord): Inline {
  if (receipts.length === 0) return "";
  return paragraph(
    speaker.say("polls.results.receipts"),
    bulletList(receipts.map((entry) => rich(code(entry.receipt), ` ${entry.choices.map((id) => labelOf(speaker, poll, id)).join(" > ")}`))),
  );
}

export interface ResultsExtras {
  receipts: readonly PublishedReceipt[];
  applied: AppliedChange | undefined;
  closedEarlyBy: string | undefined;
}

export function resultsMessage(speaker: Speaker, poll: PollRecord, result: PollResult, extras: ResultsExtras): RichText {
  const quorum = poll.quorumPercent === 0 ? "none" : result.quorumMet ? "met" : "notMet";
  const turnout = speaker.say("polls.results.turnout", {
    voted: result.voted,
    eligible: result.eligible,
    percent: percent(result.voted, result.eligible),
    quorum,
    quorumPercent: poll.quorumPercent,
  });
  const threshold = thresholdLine(speaker, poll, result);
  return message(
    heading(speaker.say("polls.results.heading", { title: pollTitle(speaker, poll) })),
    extras.closedEarlyBy !== undefined ? paragraph(speaker.say("polls.results.closedEarly", { neighbor: mention(extras.closedEarlyBy) })) : "",
    countLines(speaker, poll, result),
    runoffLines(speaker, poll, result),
    paragraph(threshold === "" ? turnout : lines(turnout, threshold)),
    result.spoiled.length > 0 ? paragraph(speaker.say("polls.results.spoiled", { count: result.spoiled.length })) : "",
    result.notCounted.length > 0
      ? paragraph(speaker.say("polls.results.notCounted", { neighbors: speaker.list(result.notCounted.map((user) => mention(user))) }))
      : "",
    paragraph(
      speaker.say("polls.results.outcome", { outcome: outcomeWords(speaker, result.outcome) }),
      extras.applied !== undefined ? [" ", appliedWords(speaker, extras.applied)] : "",
    ),
    receiptList(speaker, extras.receipts, poll),
    paragraph(link(pollLink(poll), speaker.plain("polls.results.link"))),
  );
}

/** The end event's fallback text, for clients without polls. */
export function closingText(speaker: Speaker, result: PollResult): string {
  return speaker.plain("polls.closing", { outcome: outcomeWords(speaker, result.outcome), voted: result.voted, eligible: result.eligible });
}

/** A DM a day before the close, in the member's own language. */
export function reminderMessage(speaker: Speaker, poll: PollRecord, now: number): RichText {
  const how = votesByDm(poll)
    ? speaker.say("polls.reminder.byDm", { example: ballotExample(speaker, poll) })
    : speaker.say("polls.reminder.inRoom", { link: link(pollLink(poll)) });
  return message(
    paragraph(speaker.say("polls.reminder.closes", { title: pollTitle(speaker, poll), duration: durationIn(speaker.language, poll.closesAt - now) })),
    paragraph(how),
    paragraph(speaker.say("polls.reminder.off")),
  );
}

export function openPollsMessage(speaker: Speaker, polls: readonly PollRecord[], now: number): RichText {
  if (polls.length === 0) return message(speaker.say("polls.list.none"));
  return message(
    paragraph(speaker.say("polls.list.title")),
    bulletList(
      polls.map((poll) =>
        speaker.say("polls.list.item", { poll: link(pollLink(poll), pollTitle(speaker, poll)), duration: durationIn(speaker.language, poll.closesAt - now) }),
      ),
    ),
  );
}

export function decisionsMessage(speaker: Speaker, decisions: readonly DecisionRecord[]): RichText {
  if (decisions.length === 0) return message(speaker.say("polls.decisions.none"));
  return message(
    paragraph(speaker.say("polls.decisions.title")),
    bulletList(
      decisions.map((decision) =>
        rich(
          speaker.say("polls.decisions.item", {
            decidedAt: new Date(decision.decidedAt),
            poll: link(pollLink(decision), `#${decision.number} ${decision.question}`),
            outcome: outcomeWords(speaker, decision.outcome),
          }),
          decision.applied !== undefined ? [" ", appliedWords(speaker, decision.applied)] : "",
        ),
      ),
    ),
  );
}

/** Posted (and pinned) in the Governance room when a decision was taken in another room. */
export function decisionNote(speaker: Speaker, poll: PollRecord): RichText {
  return message(speaker.say("polls.decisionNote", { poll: link(pollLink(poll), pollTitle(speaker, poll)), outcome: outcomeWords(speaker, poll.outcome) }));
}

/** A ballot taken: what it counts for, the receipt, and who could see it. */
export interface BallotCast {
  poll: PollRecord;
  choices: readonly string[];
  receipt: string;
  changed: boolean;
  /** The chat it came through was end-to-end encrypted (the reply says who could see the vote). */
  encrypted: boolean;
}

export function ballotCastMessage(speaker: Speaker, cast: BallotCast): RichText {
  const labels = cast.choices.map((id) => labelOf(speaker, cast.poll, id));
  return message(
    paragraph(
      speaker.say("polls.ballot.cast", {
        changed: cast.changed ? "yes" : "no",
        title: pollTitle(speaker, cast.poll),
        choices: labels.join(cast.poll.kind === "ranked" ? " > " : ", "),
      }),
    ),
    paragraph(speaker.say("polls.ballot.receipt", { receipt: cast.receipt })),
    // The issue asks to say it plainly, where the vote is cast as well as in the announcement.
    paragraph(speaker.say("polls.ballot.operator", { encrypted: cast.encrypted ? "yes" : "no" })),
  );
}

/** "D" named no option: the options, by letter or id, named in the voter's language. */
export function notAnOptionMessage(speaker: Speaker, poll: PollRecord, word: string): RichText {
  const options = poll.options.map((option) => `${option.id.length === 1 ? option.id.toUpperCase() : option.id} (${optionLabel(speaker, option)})`).join(", ");
  return message(speaker.say("polls.ballot.notAnOption", { word, options }));
}

/** A refusal or problem a decision named by its catalog message. */
export function problemMessage(speaker: Speaker, problem: MessageRef): RichText {
  return message(speaker.phrase(problem));
}

/** Clauses by their names, as the speaker writes them: "closes in …" or "until …", "threshold …"… */
export function clauseList(speaker: Speaker, names: readonly ClauseName[]): string {
  return names.map((name) => speaker.plain(`polls.clause.${name}`)).join(", ");
}

/** What was wrong with a poll request, in the speaker's words. */
export function requestProblemWords(speaker: Speaker, problem: PollRequestProblem): RichText {
  if ("clausesNotTaken" in problem) return speaker.say("polls.problem.notTaken", { clauses: clauseList(speaker, problem.clausesNotTaken) });
  if ("clauseTwice" in problem) return speaker.say("polls.problem.twice", { clause: clauseList(speaker, [problem.clauseTwice]) });
  return speaker.phrase(problem);
}

/** A poll request that could not be read: the problem, an example, and what this kind accepts. */
export function pollRequestProblem(speaker: Speaker, problem: PollRequestProblem, example: string, clauses: readonly ClauseName[]): RichText {
  return message(
    paragraph(requestProblemWords(speaker, problem)),
    paragraph(speaker.say("polls.start.example", { example })),
    paragraph(speaker.say("polls.start.clauses", { clauses: clauseList(speaker, clauses) })),
  );
}
