// Block-wide settings the bots share (Community): the sharing limits from the neighborhood file,
// overridden durably when a binding proposal passes; and the neighbor pact, owned by the deploy layer.
import type { BotStore, Community, PactMember, SharingLimits } from "../../bots/framework/contract.ts";

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

export function createCommunity(store: BotStore, sharingDefaults: SharingLimits, pact: PactControl): Community {
  return {
    sharingLimits: () => ({ ...sharingDefaults, ...store.get<Partial<SharingLimits>>(limitsKey) }),
    setSharingLimits(change) {
      store.put(limitsKey, { ...store.get<Partial<SharingLimits>>(limitsKey), ...change });
    },
    pact: () => pact.members(),
    changePact: (change) => pact.change(change),
  };
}
