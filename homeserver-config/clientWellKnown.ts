// The client .well-known (/.well-known/matrix/client) for this neighborhood: the one source of its content
// for everyone who serves it — Synapse on its client listener (the trial `run`, where Element X looks it up
// at public_url's origin), nginx on 443 in production, and the Element port. Pure.
import type { LoadedNeighborhood } from "./loadNeighborhood.ts";

/** public_url as Synapse writes it (with the trailing slash it adds), so every copy of base_url is identical. */
export function publicBaseUrl(neighborhood: LoadedNeighborhood): string {
  return neighborhood.public_url.endsWith("/") ? neighborhood.public_url : `${neighborhood.public_url}/`;
}

/** What Synapse adds to the base_url it writes itself (`extra_well_known_client_content`). */
// Nothing about encryption: Element's default (private rooms and DMs encrypted) is the block's too. The bots
// read and answer in encrypted rooms (appservices/src/botCrypto.ts); community rooms are made unencrypted
// on purpose, as the block's public board, and their topics say so.
export function clientWellKnownExtras(_neighborhood: LoadedNeighborhood): Record<string, unknown> {
  return {};
}

/** The whole document, as Synapse answers it (m.homeserver from public_baseurl, then the extras). */
export function clientWellKnown(neighborhood: LoadedNeighborhood): Record<string, unknown> {
  return { "m.homeserver": { base_url: publicBaseUrl(neighborhood) }, ...clientWellKnownExtras(neighborhood) };
}
