// After a pact block's update arrives: promises made on both sides of a partition are settled by the
// rule in domain/promiseConflicts.ts. Every block corrects the listing to the same standing promise;
// the block that made a losing promise tells its neighbor by DM (and in the pickup chat it opened),
// once, and puts them on the offer's list in case the promise falls through.

import { correctedPromise, settlePromises, type LostPromise } from "../domain/promiseConflicts.ts";
import { isLive, type Listing } from "../domain/listing.ts";
import { shortId } from "../domain/listingIds.ts";
import { pickupSpeaker } from "./listingActions.ts";
import { pickupChatKey } from "./shareStoreKeys.ts";
import { chatReplyText } from "./shareWords.ts";
import type { ShareRuntime } from "./shareRuntime.ts";

async function tellLoser(runtime: ShareRuntime, listing: Listing, loss: LostPromise): Promise<void> {
  const marker = `done/${listing.key}|lost|${loss.bid.round}|${loss.bid.to}`;
  if (runtime.store.get<boolean>(marker) === true) return;
  runtime.store.put(marker, true);
  const id = shortId(listing.home, listing.number, runtime.ownServer);
  const offer = listing.kind === "offer";
  if (offer && listing.promisedTo !== loss.bid.to) runtime.board.enqueue(listing.key, loss.bid.to);
  await runtime.notify(listing, {
    kind: "promise-lost",
    to: loss.bid.to,
    winner: loss.winner.to,
    otherBlock: listing.home === runtime.ownServer ? undefined : listing.home,
  });
  const intro = pickupChatKey(listing.key).get(runtime.store);
  if (intro !== undefined && intro.with === loss.bid.to) {
    await runtime.context.actions
      .sendMessage(intro.roomId, chatReplyText(pickupSpeaker(runtime, [listing.owner, loss.bid.to]), { kind: "pickup-lost", id, winner: loss.winner.to }))
      .catch(() => {});
  }
}

/** Settles the listings pact blocks changed since the last call. */
export async function settlePeerPromises(runtime: ShareRuntime): Promise<void> {
  for (const key of runtime.takeChangedByPeers()) {
    const listing = runtime.board.get(key);
    // A closed listing's records are pruned; settling it again would only repeat old news.
    if (listing === undefined || listing.bids.length < 2 || !isLive(listing)) continue;
    const settlement = settlePromises(listing);
    const corrected = correctedPromise(listing, settlement);
    // Every block writes the same value, so concurrent corrections converge too.
    if (corrected !== undefined) runtime.board.change(key, { promisedTo: corrected }, { remove: corrected });
    const current = runtime.board.get(key) ?? listing;
    for (const loss of settlement.losses) if (loss.bid.block === runtime.ownServer) await tellLoser(runtime, current, loss);
  }
}
