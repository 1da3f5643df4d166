// Typed keys for a bot's store: a key knows the type of what it holds, so `get` needs no type argument
// to guess and a write of the wrong shape fails the typecheck.
import type { BotStore } from "./contract.ts";

export interface StoreKey<Value> {
  readonly name: string;
  get(store: BotStore): Value | undefined;
  put(store: BotStore, value: Value): void;
  delete(store: BotStore): void;
}

export function storeKey<Value>(name: string): StoreKey<Value> {
  return {
    name,
    get: (store) => store.get<Value>(name),
    put: (store, value) => store.put(name, value),
    delete: (store) => store.delete(name),
  };
}

/** Keys that share a prefix, one per id: `welcomed(userId)` → "welcomed:@ana:block". */
export function storeKeyFamily<Value>(prefix: string): (id: string | number) => StoreKey<Value> {
  return (id) => storeKey<Value>(`${prefix}:${id}`);
}
