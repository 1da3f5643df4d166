// Asks Synapse to send the transactions it holds for this appservice now. Synapse backs off after refused
// or failed deliveries (2 s doubling to 8.5 minutes) and has no other way to be told the appservice is
// ready again: a successful appservice ping (MSC2659, /_matrix/client/v1/appservice/{id}/ping) makes it
// retry at once (synapse/rest/client/appservice_ping.py: force_retry after the ping succeeds).

export async function askHomeserverToResend(homeserverUrl: string, appserviceId: string, asToken: string): Promise<void> {
  const response = await fetch(`${homeserverUrl}/_matrix/client/v1/appservice/${encodeURIComponent(appserviceId)}/ping`, {
    method: "POST",
    headers: { authorization: `Bearer ${asToken}`, "content-type": "application/json" },
    body: "{}",
    signal: AbortSignal.timeout(15_000),
  });
  if (!response.ok) throw new Error(`the homeserver answered the appservice ping with ${response.status} ${await response.text().catch(() => "")}`.trim());
}
