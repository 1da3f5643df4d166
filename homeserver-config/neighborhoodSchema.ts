// The neighborhood file's schema: the single source of its types, defaults, validation and help text.
import { Type, type Static } from "@sinclair/typebox";
import { DatabaseSchema } from "./database/databaseSchema.ts";
import { WorkersSchema } from "./workers/workersSchema.ts";

const port = (description: string, fallback: number) =>
  Type.Integer({ minimum: 1, maximum: 65535, default: fallback, description: `${description}: a port number from 1 to 65535` });

// Matrix server names: a DNS host name (or IPv4 literal), optionally with a port. Lower case keeps
// federation whitelists and ACLs, which compare names exactly, unambiguous.
const serverNamePattern = "^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*(:[0-9]{1,5})?$";

export const NeighborSchema = Type.Object(
  {
    server_name: Type.String({ pattern: serverNamePattern, description: "the neighboring block's server name" }),
    address: Type.String({ minLength: 1, description: "its address on the mesh (host name or IP)" }),
  },
  { additionalProperties: false, description: "a neighboring block: { server_name, address }" },
);

export const SharingSchema = Type.Object(
  {
    max_open_listings: Type.Integer({ minimum: 1, maximum: 1000, default: 10, description: "open listings one neighbor may have at once: 1 to 1000" }),
    max_claims_per_week: Type.Integer({ minimum: 1, maximum: 1000, default: 10, description: "claims one neighbor may make in a week: 1 to 1000" }),
    pact_neighbors_may_claim: Type.Boolean({
      default: true,
      description: "whether neighbors from pact blocks may claim listings shared with the pact: true or false",
    }),
  },
  { additionalProperties: false, default: {}, description: "the sharing board's fairness limits (a passed proposal can change them later)" },
);

/** The languages a block can choose for its bots (each has a catalog in bots/messages/). */
export const blockLanguages = ["en", "es"] as const;

export const NeighborhoodSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80, description: "the block's name as neighbors see it: 1 to 80 characters" }),
    server_name: Type.String({
      pattern: serverNamePattern,
      description: "the permanent Matrix server name (user IDs look like @you:SERVER_NAME): lower-case host name, optionally :port",
    }),
    public_url: Type.String({
      pattern: "^https?://[^\\s/]+(/.*)?$",
      description: "the URL neighbors put in Element, e.g. http://10.0.0.5:8008 or https://chat.maple.mesh",
    }),
    bind_address: Type.String({
      minLength: 1,
      default: "0.0.0.0",
      description: "the address Synapse's client listener binds to: 0.0.0.0 for the whole mesh, 127.0.0.1 for this box only",
    }),
    reverse_proxy: Type.Boolean({
      default: false,
      description:
        "true when nginx (set up by `install`) terminates TLS in front of Synapse for clients and federation: Synapse then serves both in plain HTTP on 127.0.0.1 only",
    }),
    ports: Type.Object(
      {
        client: port("Synapse's client API, which Element talks to", 8008),
        appservice: port("the appservice host (bots), on localhost only", 9009),
        element: port("Element Web's config and .well-known, served by BlockShare", 8080),
        synapse_metrics: port("Synapse's Prometheus metrics, on localhost only", 9000),
        mesh_map: port("the mesh monitor's map page and /metrics, on bind_address", 9464),
        federation: port("federation with neighboring blocks over TLS (only once the block has a certificate)", 8448),
        client_https: port(
          "Synapse's client API over HTTPS for phones, on `run` once the block has a certificate from the community CA (public_url then says https with this port)",
          8443,
        ),
        element_https: port("the join page's account step and Element Web over HTTPS, on `run` once the block has a certificate from the community CA", 8444),
      },
      { additionalProperties: false, default: {}, description: "the ports BlockShare listens on" },
    ),
    data_dir: Type.String({
      minLength: 1,
      default: "./data",
      description: "where the database, media, keys and secrets live; relative paths are relative to the neighborhood file",
    }),
    operator: Type.String({
      pattern: "^[a-z0-9._=/-]+$",
      default: "admin",
      description: "the localpart of the operator's admin account (lower-case letters, digits, . _ = - /)",
    }),
    operator_is_neighbor: Type.Boolean({
      default: false,
      description:
        "whether the operator's admin account counts as a neighbor (votes in polls, counted in turnout and in `status`): true or false; a volunteer who also lives on the block usually votes from a personal account instead",
    }),
    element_web_dir: Type.Optional(Type.String({ minLength: 1, description: "a directory holding an unpacked Element Web release, served on ports.element" })),
    // Absent means `run` never downloads: test harnesses and hand-written files stay off the internet;
    // the first-run default file names the pinned release (deploy/src/defaultNeighborhood.ts).
    element_web_release: Type.Optional(
      Type.Object(
        {
          url: Type.String({
            pattern: "^https?://[^\\s/]+/.*$",
            description: "where to download the release tarball: an https:// URL (http:// only on this machine)",
          }),
          sha256: Type.String({ pattern: "^[0-9a-fA-F]{64}$", description: "the tarball's SHA-256: 64 hexadecimal digits" }),
        },
        {
          additionalProperties: false,
          description:
            "the Element Web release `run` downloads (once per start, checksum verified) into data_dir/element-web when none is there: { url, sha256 }; element_web_dir wins",
        },
      ),
    ),
    hosts_file: Type.Optional(
      Type.String({
        minLength: 1,
        description: "a hosts file (e.g. /etc/hosts) in which BlockShare maps each pact block's host name to its mesh address, for meshes without DNS",
      }),
    ),
    sharing: SharingSchema,
    // The languages the bots' catalogs have (bots/framework/languages.ts; this folder may not import bots/,
    // and test/blockLanguages.test.ts checks the two lists agree).
    language: Type.Union(
      blockLanguages.map((code) => Type.Literal(code)),
      {
        default: "en",
        description: `the block's language, which the bots use in public rooms and for neighbors who have not chosen one with !language: one of ${blockLanguages.join(", ")}`,
      },
    ),
    time_zone: Type.String({
      default: "UTC",
      minLength: 1,
      description:
        "the block's time zone, in which neighbors read dates and times (poll deadlines, alerts): an IANA name such as America/New_York or Europe/Madrid",
    }),
    // The same limit as the polls bot's (bots/polls/bindingChanges.ts normsMaxLength); this folder may not import bots/.
    norms: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1000,
        pattern: "\\S",
        description:
          "the block's norms as a new block starts with them (pinned in the Lobby, shown on the join page; a passed proposal changes them later): plain text, a line per norm, 1 to 1000 characters, not blank",
      }),
    ),
    mesh_monitor: Type.Object(
      {
        simulate: Type.Boolean({ default: true, description: "show a small simulated mesh until real routers are configured: true or false" }),
        config: Type.Optional(Type.String({ minLength: 1, description: "a mesh-monitor YAML file naming the real routers (see mesh-monitor/README.md)" })),
        public_map_url: Type.Optional(
          Type.String({
            pattern: "^https?://[^\\s/]+(/.*)?$",
            description:
              "the map's address as neighbors open it, which alert messages link to: an http(s) URL such as http://10.0.0.5:9464/ (default: public_url's host with ports.mesh_map)",
          }),
        ),
        simulated_alerts: Type.Union([Type.Literal("operator"), Type.Literal("room")], {
          default: "operator",
          description:
            "where the simulated mesh's alerts go: operator (a private chat with the operator) or room (the neighbors' Mesh alerts room, labelled as a simulation)",
        }),
      },
      { additionalProperties: false, default: {}, description: "the mesh monitor started by `run`: { simulate, config, public_map_url, simulated_alerts }" },
    ),
    mesh_ranges: Type.Array(Type.String({ pattern: "^[0-9a-fA-F.:]+/[0-9]{1,3}$", description: "a CIDR range such as 10.0.0.0/8" }), {
      default: [],
      description: "address ranges of the mesh that federation may reach (private ranges are otherwise refused); each neighbor's own address is allowed anyway",
    }),
    neighbors: Type.Array(NeighborSchema, {
      default: [],
      description: "the neighbor pact: blocks this one federates with (`blockshare neighbor add` edits it)",
    }),
    database: DatabaseSchema,
    workers: WorkersSchema,
  },
  { additionalProperties: false },
);

export type Neighborhood = Static<typeof NeighborhoodSchema>;
