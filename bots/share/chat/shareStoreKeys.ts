// Typed keys for the records the chat layer keeps in the store (the names are those earlier versions
// wrote, so a box keeps what it had). The board's, the replica's and the interest records' own keys
// live with them.

import { storeKey, type StoreKey } from "../../framework/storeKeys.ts";
import type { Visibility } from "../domain/listing.ts";

/** When a neighbor claimed or said "I'd like it" (ms), for the weekly limit. */
export const claimTimesKey = (userId: string): StoreKey<number[]> => storeKey<number[]>(`claims/${userId}`);

/** Where this block's bot introduced the owner and a neighbor for a listing (the latest introduction). */
export interface PickupChat {
  roomId: string;
  with: string;
}

export const pickupChatKey = (listingKey: string): StoreKey<PickupChat> => storeKey<PickupChat>(`intro/${listingKey}`);

/** A neighbor's latest listing, so a photo they post right after becomes its picture. */
export interface LastPosted {
  key: string;
  at: number;
  roomId: string;
}

export const lastPostedKey = (userId: string): StoreKey<LastPosted> => storeKey<LastPosted>(`lastPosted/${userId}`);

/** Whether new listings are shared with the pact unless they say #block or #shared (moderators set it). */
export const defaultVisibilityKey: StoreKey<Visibility> = storeKey<Visibility>("settings/defaultVisibility");
