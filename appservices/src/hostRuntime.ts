// How the bots' process (serve-bots) is started. V8 grows its young generation (semi-spaces, up to 16 MB
// each by default on 64-bit) as a busy process allocates, and that memory stays in the RSS: measured by
// bench e2ee-store-memory (960 encrypted commands and replies, 1,200 Megolm sessions), the host's RSS grew
// 22–90 MB with V8's default, of which the crypto store and V8's live heap were 3–4 MB; with the young
// generation capped at 8 MB it grew 5.6 MB, from a 50 MB lower start. On a 2 GB Pi that is worth a few
// more scavenges. It cannot be set from inside a running process: `run` and the systemd unit pass it.
export const HOST_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=8"];
