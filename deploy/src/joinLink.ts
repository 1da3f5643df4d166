// The link a new neighbor opens to join the block (printed as a QR code on the invite flyer; the join
// page is served at its path).
//
// Plain HTTP on purpose: a phone that has never seen the block does not trust its certificate yet (the
// join page's first step is to trust the community CA), so an https:// link would stop at a warning.
// Without a reverse proxy (`run`) the page is on the Element port; on a production box nginx serves it on 80.
//
// The registration token rides in the fragment (#token=…), not the query: browsers never send the
// fragment to the server, so the token lands in no access log (ours, nginx's, or a mesh proxy's); the
// page's script reads it from location.hash.
import type { Neighborhood } from "../../homeserver-config/neighborhoodSchema.ts";

export const JOIN_PATH = "/join";

type JoinSite = Pick<Neighborhood, "public_url" | "reverse_proxy"> & { ports: Pick<Neighborhood["ports"], "element"> };

/** Where the join page is, without a token: http://HOST[:element port]/join */
export function joinPageUrl(neighborhood: JoinSite): string {
  const url = new URL(neighborhood.public_url);
  url.protocol = "http:";
  url.port = neighborhood.reverse_proxy ? "" : String(neighborhood.ports.element);
  url.pathname = JOIN_PATH;
  url.search = "";
  url.hash = "";
  return url.toString();
}

/** The join page's address with the token in its fragment. */
export function joinLink(neighborhood: JoinSite, token: string): string {
  return `${joinPageUrl(neighborhood)}#token=${encodeURIComponent(token)}`;
}

/** The token in a join link's fragment (location.hash, with or without "#"), if there is one. */
export function tokenInFragment(fragment: string): string | undefined {
  return new URLSearchParams(fragment.replace(/^#/, "")).get("token") || undefined;
}
