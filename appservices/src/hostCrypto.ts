// The bots' devices, together: hands each its share of a transaction's crypto parts, and starts them all.
import type { BotCrypto } from "./botCrypto.ts";
import { hasCryptoParts, readCryptoParts } from "./cryptoTransactionParts.ts";

export class HostCrypto {
  readonly #bots: ReadonlyMap<string, BotCrypto>;

  constructor(bots: readonly BotCrypto[]) {
    this.#bots = new Map(bots.map((bot) => [bot.userId, bot]));
  }

  of(userId: string): BotCrypto | undefined {
    return this.#bots.get(userId);
  }

  /**
   * Taken in before the transaction is acknowledged: if the bot's store cannot keep it, the transaction fails so
   * that Synapse sends its events again (not its to-device messages: Synapse 1.163 retries a failed transaction
   * without them, so a room key refused here is lost; appservices/README.md).
   */
  async receive(body: Record<string, unknown>): Promise<void> {
    if (!hasCryptoParts(body)) return;
    const { devices, deviceLists } = readCryptoParts(body);
    const listsChanged = deviceLists.changed.length > 0 || deviceLists.left.length > 0;
    await Promise.all(
      [...this.#bots.values()].map((bot) => {
        const own = devices.get(bot.userId)?.get(bot.deviceId);
        return own !== undefined || listsChanged ? bot.receive(own, deviceLists) : undefined;
      }),
    );
  }

  /** Creates the devices, uploads their keys and cross-signs them (once the bots' users exist). */
  async start(): Promise<void> {
    await Promise.all([...this.#bots.values()].map((bot) => bot.ready()));
  }

  async close(): Promise<void> {
    await Promise.all([...this.#bots.values()].map((bot) => bot.close()));
  }
}
