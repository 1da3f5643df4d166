// Which request paths each kind of generic worker may serve, copied from Synapse's docs/workers.md
// ("synapse.app.generic_worker"). Everything not listed here goes to the main process.

/** Client-server API requests a generic worker handles: sync, reads, registration, event sending. */
export const CLIENT_READER_ROUTES: readonly string[] = [
  // Sync
  "^/_matrix/client/(r0|v3)/sync$",
  "^/_matrix/client/(api/v1|r0|v3)/events$",
  "^/_matrix/client/(api/v1|r0|v3)/initialSync$",
  "^/_matrix/client/(api/v1|r0|v3)/rooms/[^/]+/initialSync$",
  // Sliding sync (MSC4186), how Element X syncs: any generic worker serves it (not in docs/workers.md yet;
  // Element's own Synapse chart routes this path to a generic worker), so it sits with the other syncs.
  "^/_matrix/client/unstable/org.matrix.simplified_msc3575/sync$",
  // Client API requests
  "^/_matrix/client/(api/v1|r0|v3|unstable)/createRoom$",
  "^/_matrix/client/(api/v1|r0|v3|unstable)/publicRooms$",
  "^/_matrix/client/(api/v1|r0|v3|unstable)/rooms/.*/joined_members$",
  "^/_matrix/client/(api/v1|r0|v3|unstable)/rooms/.*/context/.*$",
  "^/_matrix/client/(api/v1|r0|v3|unstable)/rooms/.*/members$",
  "^/_matrix/client/(api/v1|r0|v3|unstable)/rooms/.*/state$",
  "^/_matrix/client/v1/rooms/.*/hierarchy$",
  "^/_matrix/client/(v1|unstable)/rooms/.*/relations/",
  "^/_matrix/client/v1/rooms/.*/threads$",
  "^/_matrix/client/(r0|v3|unstable)/account/whoami$",
  "^/_matrix/client/versions$",
  "^/_matrix/client/(api/v1|r0|v3|unstable)/rooms/.*/event/",
  "^/_matrix/client/(api/v1|r0|v3|unstable)/joined_rooms$",
  "^/_matrix/client/(api/v1|r0|v3|unstable)/search$",
  "^/_matrix/client/(r0|v3|unstable)/user/.*/filter(/|$)",
  "^/_matrix/client/(api/v1|r0|v3|unstable)/directory/room/.*$",
  "^/_matrix/client/(r0|v3|unstable)/capabilities$",
  "^/_matrix/client/(r0|v3|unstable)/notifications$",
  // Encryption (reads; uploads belong to the device_lists writer, which is main here)
  "^/_matrix/client/(r0|v3|unstable)/keys/query$",
  "^/_matrix/client/(r0|v3|unstable)/keys/changes$",
  "^/_matrix/client/(r0|v3|unstable)/keys/claim$",
  "^/_matrix/client/(r0|v3|unstable)/room_keys/",
  // Registration and login
  "^/_matrix/client/(api/v1|r0|v3|unstable)/login$",
  "^/_matrix/client/(r0|v3|unstable)/register$",
  "^/_matrix/client/(r0|v3|unstable)/register/available$",
  "^/_matrix/client/v1/register/m.login.registration_token/validity$",
  "^/_matrix/client/(r0|v3|unstable)/password_policy$",
  // Event sending: the worker creates the event and hands it to the event persister over replication
  "^/_matrix/client/(api/v1|r0|v3|unstable)/rooms/.*/redact",
  "^/_matrix/client/(api/v1|r0|v3|unstable)/rooms/.*/send",
  "^/_matrix/client/(api/v1|r0|v3|unstable)/rooms/.*/state/",
  "^/_matrix/client/(api/v1|r0|v3|unstable)/rooms/.*/(join|invite|leave|ban|unban|kick)$",
  "^/_matrix/client/(api/v1|r0|v3|unstable)/join/",
  "^/_matrix/client/(api/v1|r0|v3|unstable)/knock/",
  "^/_matrix/client/(api/v1|r0|v3|unstable)/profile/",
  // Pagination: one reader only, so all requests for a room reach the same instance (docs' condition)
  "^/_matrix/client/(api/v1|r0|v3|unstable)/rooms/.*/messages$",
];

/** Federation requests a generic worker handles (inbound transactions included). */
export const FEDERATION_READER_ROUTES: readonly string[] = [
  "^/_matrix/federation/v1/version$",
  "^/_matrix/federation/v1/event/",
  "^/_matrix/federation/v1/state/",
  "^/_matrix/federation/v1/state_ids/",
  "^/_matrix/federation/v1/backfill/",
  "^/_matrix/federation/v1/get_missing_events/",
  "^/_matrix/federation/v1/publicRooms",
  "^/_matrix/federation/v1/query/",
  "^/_matrix/federation/v1/make_join/",
  "^/_matrix/federation/v1/make_leave/",
  "^/_matrix/federation/(v1|v2)/send_join/",
  "^/_matrix/federation/(v1|v2)/send_leave/",
  "^/_matrix/federation/v1/make_knock/",
  "^/_matrix/federation/v1/send_knock/",
  "^/_matrix/federation/(v1|v2)/invite/",
  "^/_matrix/federation/v1/event_auth/",
  "^/_matrix/federation/v1/timestamp_to_event/",
  "^/_matrix/federation/v1/exchange_third_party_invite/",
  "^/_matrix/federation/v1/user/devices/",
  "^/_matrix/key/v2/query",
  "^/_matrix/federation/v1/hierarchy/",
  "^/_matrix/federation/v1/send/",
];
