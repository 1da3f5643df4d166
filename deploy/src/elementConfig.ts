// Element Web's config.json and the client .well-known for this neighborhood: the block's own server
// by default, and nothing that reaches outside the mesh.
import type { LoadedNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";

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
    setting_defaults: {
      "UIFeature.identityServer": false,
      "UIFeature.thirdPartyId": false,
      "UIFeature.feedback": false,
      "UIFeature.locationSharing": false,
      "UIFeature.urlPreviews": false,
      "UIFeature.voip": false,
      "UIFeature.widgets": false,
    },
  };
}
