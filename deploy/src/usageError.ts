/** A mistake in how a command was called: printed as-is, without a stack trace. */
export class UsageError extends Error {}
