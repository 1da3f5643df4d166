// Element Web's config.json and the client .well-known for this neighborhood: the block's own server
// by default, and nothing that reaches outside the mesh.
import type { LoadedNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { HOME_PAGE, WELCOME_PAGE } from "./elementPages.ts";

// The client .well-known's content lives beside Synapse's configuration, which serves the same document.
export { clientWellKnown } from "../../homeserver-config/clientWellKnown.ts";

export function elementConfig(neighborhood: LoadedNeighborhood): Record<string, unknown> {
  return {
    default_server_config: {
      "m.homeserver": { base_url: neighborhood.public_url, server_name: neighborhood.server_name },
    },
    disable_custom_urls: false,
    disable_guests: true,
    disable_3pid_login: true,
    brand: `${neighborhood.name} · BlockShare`,
    // Integration manager off: the documented way is explicit nulls (omitting them falls back to scalar).
    integrations_ui_url: null,
    integrations_rest_url: null,
    integrations_widgets_urls: null,
    // The block's own directory first, then each pact block's (which shows this block its shared rooms).
    room_directory: { servers: [neighborhood.server_name, ...neighborhood.neighbors.map((neighbor) => neighbor.server_name)] },
    default_country_code: "US",
    show_labs_settings: false,
    desktop_builds: { available: false },
    mobile_guide_toast: false,
    // The block's own welcome page and Home (elementPages.ts) instead of element.io's, beside index.html:
    // relative URLs, fetched from the same origin that served Element (the Element port, or nginx on 443).
    embedded_pages: { welcome_url: WELCOME_PAGE, home_url: HOME_PAGE },
    setting_defaults: {
      // A new neighbor lands on Home. Synapse auto-joins every account to the block's space and rooms
      // (auto_join_rooms), but Home lists only rooms outside any space unless this is on, so the Lobby
      // would be one click away in the space; with it, Home shows the block's rooms under its own page.
      "Spaces.allRoomsInHome": true,
      "UIFeature.identityServer": false,
      "UIFeature.thirdPartyId": false,
      "UIFeature.feedback": false,
      "UIFeature.locationSharing": false,
      "UIFeature.urlPreviews": false,
      // The block offers no calls (no TURN server, nothing to relay media on the mesh). Why the call
      // buttons still showed: Element's room header asks useRoomCall (src/hooks/room/useRoomCall.tsx),
      // which up to 1.11.100 read only UIFeature.widgets, hiding both buttons in rooms of more than two
      // members; in a two-person room (a DM, the Porch bot's welcome) it offered a legacy 1:1 call
      // whatever UIFeature.voip said (element-web#29871). Element 1.11.101 reads UIFeature.voip there too
      // ("Respect UIFeature.Voip", element-web#29873), which hides them everywhere; with 1.11.100 (the
      // pin, elementRelease.ts) only widgets:false takes effect, so DMs still show them until the pin moves.
      // UIFeature.voip also ignores incoming 1:1 calls and hides the call settings (element-web#15175).
      "UIFeature.voip": false,
      "UIFeature.widgets": false,
    },
  };
}
