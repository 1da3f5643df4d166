// Where the host says what happened. One JSON line per entry on stderr so the operator's journal can
// filter by field; callers pass only non-secret fields (never tokens, never event content).

export type LogFields = Record<string, string | number | boolean | undefined>;

export interface HostLog {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

function writeLine(level: string, message: string, fields: LogFields | undefined): void {
  process.stderr.write(JSON.stringify({ level, time: new Date().toISOString(), message, ...fields }) + "\n");
}

export const stderrLog: HostLog = {
  info: (message, fields) => writeLine("info", message, fields),
  warn: (message, fields) => writeLine("warn", message, fields),
  error: (message, fields) => writeLine("error", message, fields),
};

export const silentLog: HostLog = {
  info: () => {},
  warn: () => {},
  error: () => {},
};

/** The message of anything thrown, for a log line (the stack goes along when there is one). */
export function describeError(error: unknown): LogFields {
  return error instanceof Error ? { error: error.message, stack: error.stack } : { error: String(error) };
}
