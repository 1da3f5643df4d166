// Block-wide settings the bots share (Community): the sharing limits and the block's norms from the
// neighborhood file, overridden durably when a binding proposal passes; and the neighbor pact, owned by
// the deploy layer.
import type { BotStore, Community, Language, PactMember, SharingLimits } from "../../bots/framework/contract.ts";
import type { HostStore } from "./store.ts";

/** The deploy layer's hold on the pact: the current members, and a change that reconfigures Synapse. */
export interface PactControl {
  members(): readonly PactMember[];
  change(change: { add: PactMember } | { remove: string }): Promise<void>;
}

/** A pact that can only be read: the host was started without a way to reconfigure the homeserver. */
export function fixedPact(members: readonly PactMember[]): PactControl {
  return {
    members: () => members,
    async change() {
      throw new Error("the neighbor pact cannot be changed from this host (started without pact control)");
    },
  };
}

const limitsKey = "sharing-limits";
const normsKey = "norms";
const languagePrefix = "language:";
/** Where the host keeps the community's settings: a bot store no bot can have ("@" is never in a localpart). */
export const communityStoreName = "@community";

/** A new block's norms, until the neighborhood file's `norms` or a passed proposal says otherwise. Short and plain. */
export const defaultNorms = [
  "Be kind: write to neighbors as you would speak to them on the street.",
  "The sharing board is for giving, lending and asking: no selling unless the block agrees.",
  "What is said in a private chat stays private.",
  "Private chats are encrypted: the box's operator cannot read them.",
  "These norms change only by a proposal the block passes in Governance.",
].join("\n");

export function createCommunity(
  store: BotStore,
  sharingDefaults: SharingLimits,
  pact: PactControl,
  initialNorms: string = defaultNorms,
  blockLanguage: Language = "en",
  /** The languages the bots speak (deploy passes bots/framework/languages.ts's); a stored choice of another falls back. */
  languages?: readonly Language[],
): Community {
  return {
    sharingLimits: () => ({ ...sharingDefaults, ...store.get<Partial<SharingLimits>>(limitsKey) }),
    setSharingLimits(change) {
      store.put(limitsKey, { ...store.get<Partial<SharingLimits>>(limitsKey), ...change });
    },
    pact: () => pact.members(),
    changePact: (change) => pact.change(change),
    // Trimmed: a YAML block scalar (`norms: |`) ends with a line break.
    norms: () => store.get<string>(normsKey) ?? initialNorms.trim(),
    setNorms(text) {
      store.put(normsKey, text);
    },
    blockLanguage: () => blockLanguage,
    languageOf(userId) {
      // A choice of a language the box no longer speaks falls back to the block's.
      const chosen = store.get<string>(`${languagePrefix}${userId}`);
      return chosen !== undefined && (languages === undefined || languages.includes(chosen)) ? chosen : blockLanguage;
    },
    setLanguage(userId, language) {
      store.put(`${languagePrefix}${userId}`, language);
    },
  };
}

/**
 * The block's norms as they stand now, for parts outside the bots (the join page): the text a passed
 * proposal set, else `initialNorms` (the neighborhood file's `norms`, when it has one).
 */
export function readCommunityNorms(store: HostStore, initialNorms: string = defaultNorms): string {
  return store.botStore(communityStoreName).get<string>(normsKey) ?? initialNorms.trim();
}
