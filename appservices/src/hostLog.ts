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

/** Tokens that libraries sometimes put in URLs or error messages, masked before anything is logged. */
export function maskSecrets(text: string): string {
  return text
    .replace(/(access_token|as_token|hs_token|token|password|secret)(["']?\s*[=:]\s*["']?)[^\s"'&,}]+/gi, "$1$2<redacted>")
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, "$1<redacted>")
    .replace(/\bsyt_[A-Za-z0-9_]+/g, "<redacted>"); // Synapse access tokens
}

/** The message of anything thrown, for a log line (the stack goes along when there is one), secrets masked. */
export function describeError(error: unknown): LogFields {
  return error instanceof Error
    ? { error: maskSecrets(error.message), ...(error.stack === undefined ? {} : { stack: maskSecrets(error.stack) }) }
    : { error: maskSecrets(String(error)) };
}
