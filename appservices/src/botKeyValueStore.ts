// A bot's small durable state (BotStore): JSON values under string keys, one namespace per bot.
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { BotStore } from "../../bots/framework/contract.ts";

export class BotKeyValueStore implements BotStore {
  readonly #bot: string;
  readonly #select: StatementSync;
  readonly #upsert: StatementSync;
  readonly #remove: StatementSync;
  readonly #keys: StatementSync;

  constructor(db: DatabaseSync, bot: string) {
    this.#bot = bot;
    this.#select = db.prepare("SELECT value_json FROM bot_kv WHERE bot = ? AND key = ?");
    this.#upsert = db.prepare(
      "INSERT INTO bot_kv (bot, key, value_json) VALUES (?, ?, ?) ON CONFLICT (bot, key) DO UPDATE SET value_json = excluded.value_json",
    );
    this.#remove = db.prepare("DELETE FROM bot_kv WHERE bot = ? AND key = ?");
    // substr, not LIKE: a prefix may contain % or _.
    this.#keys = db.prepare("SELECT key FROM bot_kv WHERE bot = ? AND substr(key, 1, length(?)) = ? ORDER BY key");
  }

  get<T>(key: string): T | undefined {
    const row = this.#select.get(this.#bot, key);
    return row === undefined ? undefined : (JSON.parse(String(row.value_json)) as T);
  }

  put(key: string, value: unknown): void {
    const json = JSON.stringify(value);
    // JSON has no `undefined`: storing it means the key is gone, as `get` would report anyway.
    if (json === undefined) this.delete(key);
    else this.#upsert.run(this.#bot, key, json);
  }

  delete(key: string): void {
    this.#remove.run(this.#bot, key);
  }

  keys(prefix: string): string[] {
    return this.#keys.all(this.#bot, prefix, prefix).map((row) => String(row.key));
  }
}
