// matrix-js-sdk logs every request and timeline step at debug level. Some of its modules bind the log
// function when they load, so this must run before them: import this module before "matrix-js-sdk".
import { logger as sdkGlobalLogger, type Logger } from "matrix-js-sdk/lib/logger.js";

const ignore = (): void => {};

export const quietLogger: Logger = {
  trace: ignore,
  debug: ignore,
  info: ignore,
  warn: (...message: unknown[]) => console.warn("matrix-js-sdk:", ...message),
  error: (...message: unknown[]) => console.error("matrix-js-sdk:", ...message),
  getChild: () => quietLogger,
};

// The global logger is a loglevel instance (setLevel exists at run time but not in its declared type).
(sdkGlobalLogger as unknown as { setLevel(level: string, persist?: boolean): void }).setLevel("warn", false);
// Its child loggers are forced to debug level whatever the root says, so they are replaced too.
sdkGlobalLogger.getChild = () => quietLogger;
