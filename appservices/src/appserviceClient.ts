// matrix-js-sdk clients that act as one of our users: the as_token plus `user_id` identity assertion.
// They never sync; they only make the client-server calls the bots ask for.
import { quietLogger } from "./quietMatrixSdkLogs.ts";
import * as sdk from "matrix-js-sdk";

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
    // The default scheduler sends one message at a time per client, across all rooms: a bot answering
    // twenty neighbors would answer them one after another. Order within a room is kept by the host's
    // per-room queue, so sends need no queue here (a null queue also means the scheduler never retries: botActions retries through sendRetry.ts).
    scheduler: new sdk.MatrixScheduler(sdk.MatrixScheduler.RETRY_BACKOFF_RATELIMIT, () => null),
  });
}

export function isMatrixError(error: unknown, errcode: string): boolean {
  return error instanceof sdk.MatrixError && error.errcode === errcode;
}
