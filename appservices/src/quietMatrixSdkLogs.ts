// matrix-js-sdk's logging, routed through ours (hostLog's JSON lines on stderr) at warn level: the host's
// clients, the test harness's neighbor clients and the benchmarks all pass `quietLogger`, and the SDK's
// global logger (used where no client logger reaches) is pointed at the same place.
//
// Warn level alone was not quiet: each client's first sync warns "Adding default global override push
// rule …" for every rule the SDK knows and Synapse does not serve (MSC3786's and MSC3914's unstable ids),
// hundreds of lines in a test run. That is the SDK filling in its own defaults, nothing anyone can act
// on, so such routine warnings are dropped like debug lines.
//
// Some SDK modules take a child of the global logger when they load, so this must run before them:
// import this module before "matrix-js-sdk".
import { format } from "node:util";
import { logger as sdkGlobalLogger, type Logger } from "matrix-js-sdk/lib/logger.js";
import { stderrLog } from "./hostLog.ts";

/** Warnings the SDK prints in normal operation against Synapse, each about something nobody can change. */
const routineWarnings: readonly RegExp[] = [/^(Adding|Missing) default global \w+ push rule /];

export function isRoutineSdkWarning(message: string): boolean {
  return routineWarnings.some((pattern) => pattern.test(message));
}

const ignore = (): void => {};

function warn(...args: unknown[]): void {
  const message = format(...args);
  if (!isRoutineSdkWarning(message)) stderrLog.warn(message, { source: "matrix-js-sdk" });
}

export const quietLogger: Logger = {
  trace: ignore,
  debug: ignore,
  info: ignore,
  warn,
  // The SDK's errors are about requests the host retries or reports in its own words ("bot failed to
  // handle an event"), so they stay warnings: `run` shows error lines on the operator's terminal.
  error: (...args: unknown[]) => stderrLog.warn(format(...args), { source: "matrix-js-sdk", sdk_level: "error" }),
  getChild: () => quietLogger,
};

// The global logger is a loglevel instance (methodFactory, setLevel and rebuild exist at run time but not
// in its declared type): its warn and error methods are rebuilt from ours, the rest are silenced.
const loglevelLogger = sdkGlobalLogger as unknown as {
  methodFactory: (method: string) => (...args: unknown[]) => void;
  setLevel(level: string, persist?: boolean): void;
};
const routed: Record<string, (...args: unknown[]) => void> = { warn: quietLogger.warn, error: quietLogger.error };
loglevelLogger.methodFactory = (method) => routed[method] ?? ignore;
loglevelLogger.setLevel("warn", false);
// Its child loggers are forced to debug level whatever the root says, so they are replaced too.
sdkGlobalLogger.getChild = () => quietLogger;
