// matrix-js-sdk clients that act as one of our users: the as_token plus `user_id` identity assertion.
// They never sync; they only make the client-server calls the bots ask for.
import * as sdk from "matrix-js-sdk";
import { logger as sdkGlobalLogger, type Logger } from "matrix-js-sdk/lib/logger.js";

const ignore = (): void => {};

// matrix-js-sdk logs every request at debug level; the host keeps only its warnings and errors.
const quietLogger: Logger = {
  trace: ignore,
  debug: ignore,
  info: ignore,
  warn: (...message: unknown[]) => console.warn("matrix-js-sdk:", ...message),
  error: (...message: unknown[]) => console.error("matrix-js-sdk:", ...message),
  getChild: () => quietLogger,
};
// The global logger is a loglevel instance (setLevel exists at run time but not in its declared type).
(sdkGlobalLogger as unknown as { setLevel(level: string, persist?: boolean): void }).setLevel("warn", false);

export interface AppserviceClientOptions {
  homeserverUrl: string;
  asToken: string;
  /** The user to act as; without it the client speaks as the appservice's sender user. */
  userId?: string;
}

export function createAppserviceClient(options: AppserviceClientOptions): sdk.MatrixClient {
  return sdk.createClient({
    baseUrl: options.homeserverUrl,
    accessToken: options.asToken,
    ...(options.userId === undefined ? {} : { userId: options.userId, queryParams: { user_id: options.userId } }),
    logger: quietLogger,
    // Our own store: the default one reads globalThis.localStorage, which Node ≥ 25 warns about on every start.
    store: new sdk.MemoryStore(),
  });
}

export function isMatrixError(error: unknown, errcode: string): boolean {
  return error instanceof sdk.MatrixError && error.errcode === errcode;
}
