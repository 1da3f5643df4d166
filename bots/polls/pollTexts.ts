// What the polls bot says: announcements, results, reminders, lists. Built with richText, so every
// question, option and name a neighbor typed is escaped.

import type { RichText } from "../framework/contract.ts";
import { formatDuration } from "../framework/durations.ts";
import { bold, bulletList, code, heading, italic, joinPieces, link, lines, mention, message, paragraph, rich, type Inline } from "../framework/richText.ts";
import { describeBindingChange } from "./bindingChanges.ts";
import type { PollResult } from "./decidePoll.ts";
import { votesByDm, type DecisionRecord, type PollKind, type PollRecord, type PublishedReceipt } from "./pollModel.ts";
import { thresholdRules } from "./thresholds.ts";

const kindNames: Readonly<Record<PollKind, string>> = {
  proposal: "Proposal",
  consent: "Consent decision",
  choose: "Poll",
  ranked: "Ranked-choice poll",
};

export function pollTitle(poll: Pick<PollRecord, "kind" | "number" | "question">): string {
  return `${kindNames[poll.kind]} ${poll.number}: ${poll.question}`;
}

export function pollLink(poll: Pick<PollRecord, "roomId" | "startEventId">): string {
  return `https://matrix.to/#/${poll.roomId}/${poll.startEventId}`;
}

export function formatTime(ts: number): string {
  return `${new Date(ts).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((100 * part) / whole));

function rulesLine(poll: PollRecord): Inline[] {
  const parts: Inline[] = [`Closes ${formatTime(poll.closesAt)} (in ${formatDuration(poll.closesAt - poll.openedAt)}).`];
  if (poll.kind === "proposal") parts.push(` Passes with ${thresholdRules[poll.threshold ?? "majority"].describe}.`);
  if (poll.kind === "consent") parts.push(" Passes unless an objection stands at the close.");
  if (poll.kind === "choose" && poll.maxSelections > 1) parts.push(` Pick up to ${poll.maxSelections}.`);
  parts.push(poll.quorumPercent > 0 ? ` Quorum: ${poll.quorumPercent}% of the ${poll.eligible.length} eligible members.` : ` ${poll.eligible.length} eligible members; no quorum.`);
  return parts;
}

function eligibilityLine(poll: PollRecord): string {
  return poll.eligibleFrom === "members-list"
    ? "Members on the block's voting list count, one vote each; other votes are shown as not counted."
    : "Members of this block who were in this room when it opened count, one vote each; other votes are shown as not counted.";
}

function bindingLine(poll: PollRecord): Inline {
  return poll.binding === undefined ? "" : paragraph(bold("Binding:"), ` if it passes, ${describeBindingChange(poll.binding)}, automatically.`);
}

/** The notice after a native poll's start event: the rules Element's poll tile cannot show. */
export function nativePollNotice(poll: PollRecord): RichText {
  return message(
    paragraph(bold(pollTitle(poll))),
    paragraph(...rulesLine(poll)),
    bindingLine(poll),
    paragraph("Vote in the poll above; you can change your vote until it closes. ", eligibilityLine(poll)),
    paragraph("The author or a moderator can close it early with ", code(`!close ${poll.number}`), "."),
  );
}

function ballotExample(poll: PollRecord): string {
  if (poll.kind === "ranked") return `!rank ${poll.number} ${poll.options.slice(0, 3).map((option) => option.id.toUpperCase()).reverse().join(" ")}`;
  if (poll.kind === "choose") return `!vote ${poll.number} ${poll.options.slice(0, poll.maxSelections).map((option) => option.id.toUpperCase()).join(" ")}`;
  return `!vote ${poll.number} ${poll.options[0]?.id ?? ""}`;
}

function optionLabel(poll: PollRecord, id: string): string {
  return poll.options.find((option) => option.id === id)?.label ?? id;
}

function optionList(poll: PollRecord): RichText {
  const lettered = poll.kind === "choose" || poll.kind === "ranked";
  return bulletList(poll.options.map((option) => (lettered ? rich(bold(option.id.toUpperCase()), ` ${option.label}`) : rich(bold(option.id), ` — ${option.label}`))));
}

/** The room's announcement of a poll voted by DM (secret ballot or ranked choice), with the ballot count. */
export function dmPollAnnouncement(poll: PollRecord, botUserId: string, ballotsCast: number): RichText {
  return message(
    paragraph(bold(pollTitle(poll))),
    optionList(poll),
    paragraph(...rulesLine(poll)),
    bindingLine(poll),
    paragraph(
      poll.kind === "ranked" ? "Element cannot rank options, so " : "This is a secret ballot: ",
      "vote in a private chat with ", mention(botUserId), ", e.g. ", code(ballotExample(poll)),
      poll.kind === "ranked" ? " (most preferred first)." : ".",
      " You get a receipt code; after the close I publish every receipt with what it counted for, so you can check yours. ",
      eligibilityLine(poll),
    ),
    paragraph(italic("Be aware: the box's operator could see the votes sent to me by DM. This room only sees the count.")),
    paragraph(bold(`Ballots cast: ${ballotsCast}`), poll.status === "closed" ? " (closed)" : ""),
  );
}

function countLines(poll: PollRecord, result: PollResult): RichText {
  const noun = poll.kind === "ranked" ? "first preferences" : "votes";
  return bulletList(poll.options.map((option) => `${option.label}: ${result.counts.get(option.id) ?? 0} ${noun}`));
}

function runoffLines(poll: PollRecord, result: PollResult): Inline {
  if (result.runoff === undefined) return "";
  return paragraph(
    bold("Rounds:"),
    bulletList(result.runoff.rounds.map((round, index) => {
      const counts = [...round.counts].map(([id, count]) => `${optionLabel(poll, id)} ${count}`).join(", ");
      const out = round.eliminated.length > 0 ? `; out: ${round.eliminated.map((id) => optionLabel(poll, id)).join(", ")}` : "";
      return `Round ${index + 1}: ${counts}${round.exhausted > 0 ? `; ${round.exhausted} exhausted` : ""}${out}`;
    })),
  );
}

function thresholdLine(poll: PollRecord, result: PollResult): Inline {
  if (result.thresholdMet === undefined) return "";
  const agree = result.counts.get("agree") ?? 0;
  const sides = agree + (result.counts.get("disagree") ?? 0);
  return lines(`Threshold: ${thresholdRules[poll.threshold ?? "majority"].describe}: ${agree} of ${sides} (${percent(agree, sides)}%), ${result.thresholdMet ? "met" : "not met"}.`);
}

function receiptList(receipts: readonly PublishedReceipt[], poll: PollRecord): Inline {
  if (receipts.length === 0) return "";
  return paragraph(
    bold("Receipts"), " (find your code to check your vote was counted as you cast it):",
    bulletList(receipts.map((entry) => rich(code(entry.receipt), ` ${entry.choices.map((id) => optionLabel(poll, id)).join(" > ")}`))),
  );
}

export interface ResultsExtras {
  receipts: readonly PublishedReceipt[];
  applied: string | undefined;
  closedEarlyBy: string | undefined;
}

export function resultsMessage(poll: PollRecord, result: PollResult, extras: ResultsExtras): RichText {
  const turnout = `Turnout: ${result.voted} of ${result.eligible} eligible (${percent(result.voted, result.eligible)}%)`;
  const quorum = poll.quorumPercent > 0 ? `; quorum ${poll.quorumPercent}%: ${result.quorumMet ? "met" : "not met"}.` : "; no quorum.";
  return message(
    heading("Results — ", pollTitle(poll)),
    extras.closedEarlyBy !== undefined ? paragraph("Closed early by ", mention(extras.closedEarlyBy), ".") : "",
    countLines(poll, result),
    runoffLines(poll, result),
    paragraph(lines(`${turnout}${quorum}`, thresholdLine(poll, result))),
    result.spoiled.length > 0 ? paragraph(`Spoiled votes (an answer the poll doesn't have): ${result.spoiled.length}.`) : "",
    result.notCounted.length > 0 ? paragraph("Not counted (not eligible for this poll): ", joinPieces(result.notCounted.map((user) => mention(user)), ", "), ".") : "",
    paragraph(bold(`Outcome: ${result.outcome.summary}.`), extras.applied !== undefined ? ` ${extras.applied}` : ""),
    receiptList(extras.receipts, poll),
    paragraph(link(pollLink(poll), "The poll")),
  );
}

/** The end event's fallback text, for clients without polls. */
export function closingText(poll: PollRecord, result: PollResult): string {
  return `The poll has ended. ${result.outcome.summary}. (${result.voted} of ${result.eligible} eligible voted.)`;
}

export function reminderMessage(poll: PollRecord, now: number): RichText {
  const how = votesByDm(poll) ? rich("Reply here, e.g. ", code(ballotExample(poll)), ".") : rich("Vote in the poll: ", link(pollLink(poll)), ".");
  return message(
    paragraph(bold(pollTitle(poll)), ` closes in about ${formatDuration(poll.closesAt - now)} and you haven't voted yet.`),
    paragraph(how),
    paragraph("Send ", code("!remind off"), " to stop these reminders."),
  );
}

export function openPollsMessage(polls: readonly PollRecord[], now: number): RichText {
  if (polls.length === 0) return message("No polls are open right now. Start one with ", code("!propose"), ", ", code("!consent"), ", ", code("!poll"), " or ", code("!ranked"), ".");
  return message(
    paragraph(bold("Open polls")),
    bulletList(polls.map((poll) => rich(link(pollLink(poll), pollTitle(poll)), ` — closes in ${formatDuration(poll.closesAt - now)}`))),
  );
}

export function decisionsMessage(decisions: readonly DecisionRecord[]): RichText {
  if (decisions.length === 0) return message("No decisions recorded yet.");
  return message(
    paragraph(bold("Decisions"), " (newest first)"),
    bulletList(decisions.map((decision) =>
      rich(`${formatTime(decision.decidedAt).slice(0, 10)} `, link(pollLink(decision), `#${decision.number} ${decision.question}`), ` — ${decision.summary}`, decision.applied !== undefined ? ` ${decision.applied}` : ""))),
  );
}

/** Posted (and pinned) in the Governance room when a decision was taken in another room. */
export function decisionNote(poll: PollRecord): RichText {
  return message(bold("Decision: "), link(pollLink(poll), pollTitle(poll)), ` — ${poll.outcome?.summary ?? ""}.`);
}
