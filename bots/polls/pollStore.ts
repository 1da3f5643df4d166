// Where the polls bot keeps its state in BotStore, so open polls survive a restart and close on time.
// Keys: poll/<n>, open (numbers of open polls), by-event/<start event>, responses/<n>, ballots/<n>,
// receipts/<n>, decision/<n>, pins-pending, members, remind-off/<user>, governance-room.

import type { BotStore } from "../framework/contract.ts";
import type { DecisionRecord, DmBallot, PollRecord, PublishedReceipt, StoredResponse } from "./pollModel.ts";

const padded = (number: number) => String(number).padStart(6, "0");

export function nextPollNumber(store: BotStore): number {
  const number = (store.get<number>("next-number") ?? 0) + 1;
  store.put("next-number", number);
  return number;
}

export function savePoll(store: BotStore, poll: PollRecord): void {
  store.put(`poll/${padded(poll.number)}`, poll);
  store.put(`by-event/${poll.startEventId}`, poll.number);
  const open = new Set(openPollNumbers(store));
  if (poll.status === "open") open.add(poll.number);
  else open.delete(poll.number);
  store.put(
    "open",
    [...open].sort((a, b) => a - b),
  );
}

export function loadPoll(store: BotStore, number: number): PollRecord | undefined {
  return store.get<PollRecord>(`poll/${padded(number)}`);
}

export function pollByStartEvent(store: BotStore, eventId: string): PollRecord | undefined {
  const number = store.get<number>(`by-event/${eventId}`);
  return number === undefined ? undefined : loadPoll(store, number);
}

export function openPollNumbers(store: BotStore): number[] {
  return store.get<number[]>("open") ?? [];
}

export function openPolls(store: BotStore): PollRecord[] {
  return openPollNumbers(store).flatMap((number) => loadPoll(store, number) ?? []);
}

export function loadResponses(store: BotStore, number: number): StoredResponse[] {
  return store.get<StoredResponse[]>(`responses/${padded(number)}`) ?? [];
}

export function saveResponses(store: BotStore, number: number, responses: readonly StoredResponse[]): void {
  store.put(`responses/${padded(number)}`, responses);
}

export function loadBallots(store: BotStore, number: number): Record<string, DmBallot> {
  return store.get<Record<string, DmBallot>>(`ballots/${padded(number)}`) ?? {};
}

export function saveBallots(store: BotStore, number: number, ballots: Record<string, DmBallot>): void {
  store.put(`ballots/${padded(number)}`, ballots);
}

/** After the close the voters' names are dropped: only receipts and what they counted for remain. */
export function replaceBallotsWithReceipts(store: BotStore, number: number, receipts: readonly PublishedReceipt[]): void {
  store.put(`receipts/${padded(number)}`, receipts);
  store.delete(`ballots/${padded(number)}`);
}

export function recordDecision(store: BotStore, decision: DecisionRecord): void {
  store.put(`decision/${padded(decision.number)}`, decision);
}

/** Newest first. */
export function recentDecisions(store: BotStore, limit: number): DecisionRecord[] {
  return store
    .keys("decision/")
    .reverse()
    .slice(0, limit)
    .flatMap((key) => {
      const decision = store.get<DecisionRecord & { summary?: string }>(key);
      if (decision === undefined) return [];
      // Decisions stored by earlier versions kept an English line instead of an outcome.
      return decision.outcome !== undefined
        ? decision
        : { ...decision, outcome: { decided: true, ...(decision.summary === undefined ? {} : { summary: decision.summary }) } };
    });
}

export function membersList(store: BotStore): string[] {
  return store.get<string[]>("members") ?? [];
}

export function saveMembersList(store: BotStore, members: readonly string[]): void {
  store.put("members", [...new Set(members)].sort());
}

export function remindersOff(store: BotStore, userId: string): boolean {
  return store.get<boolean>(`remind-off/${userId}`) === true;
}

export function setRemindersOff(store: BotStore, userId: string, off: boolean): void {
  if (off) store.put(`remind-off/${userId}`, true);
  else store.delete(`remind-off/${userId}`);
}

export function governanceRoom(store: BotStore): string | undefined {
  return store.get<string>("governance-room");
}

export function rememberGovernanceRoom(store: BotStore, roomId: string): void {
  if (store.get<string>("governance-room") !== roomId) store.put("governance-room", roomId);
}

/** A decision whose pin failed, to try again at `nextAt`; `noteEventId` is the note already posted, if any. */
export interface PendingPin {
  number: number;
  attempts: number;
  nextAt: number;
  noteEventId?: string;
}

// Each change is one synchronous read-modify-write, so a close and the tick never lose each other's entries.
export function pendingPins(store: BotStore): PendingPin[] {
  return store.get<PendingPin[]>("pins-pending") ?? [];
}

export function addPendingPin(store: BotStore, pin: PendingPin): void {
  store.put("pins-pending", [...pendingPins(store).filter((kept) => kept.number !== pin.number), pin]);
}

export function removePendingPin(store: BotStore, number: number): void {
  const pins = pendingPins(store);
  if (pins.some((pin) => pin.number === number))
    store.put(
      "pins-pending",
      pins.filter((pin) => pin.number !== number),
    );
}
