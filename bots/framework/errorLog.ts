// Logs a failure for the box operator without leaking secrets: tokens that libraries sometimes put
// in URLs or messages are masked, and the neighbor's message text is never logged.

export function maskSecrets(text: string): string {
  return text
    .replace(/(access_token|as_token|hs_token|token|password|secret)(["']?\s*[=:]\s*["']?)[^\s"'&,}]+/gi, "$1$2<redacted>")
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, "$1<redacted>")
    .replace(/\bsyt_[A-Za-z0-9_]+/g, "<redacted>"); // Synapse access tokens
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return maskSecrets(error.stack ?? `${error.name}: ${error.message}`);
  return maskSecrets(String(error));
}

export function logBotError(botLocalpart: string, what: string, error: unknown): void {
  console.error(`[bot ${botLocalpart}] ${what} failed: ${describeError(error)}`);
}
