// Ballot receipts: a random code per DM voter. After the close the bot publishes every receipt with
// what it counted for, sorted by code, so each voter can find their own without anyone linking a code
// to a person (the room never sees who holds which code).

import { randomInt } from "node:crypto";
import type { DmBallot, PublishedReceipt } from "./pollModel.ts";

// No 0/O, 1/I/L: codes are read off a phone screen.
const alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

export function newReceiptCode(): string {
  const groups = [0, 1, 2].map(() => Array.from({ length: 4 }, () => alphabet[randomInt(alphabet.length)]).join(""));
  return groups.join("-");
}

/** The list published at close: receipts and what they counted for, with the voters left out. */
export function publishedReceipts(ballots: Iterable<DmBallot>): PublishedReceipt[] {
  return [...ballots]
    .map((ballot) => ({ receipt: ballot.receipt, choices: [...ballot.choices] }))
    .sort((a, b) => (a.receipt < b.receipt ? -1 : a.receipt > b.receipt ? 1 : 0));
}
