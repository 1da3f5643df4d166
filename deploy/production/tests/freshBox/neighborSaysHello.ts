// Runs INSIDE the fresh box, with the Node the install put there: a neighbor signs up with a
// registration token (or logs in again), says `!about` in the Lobby through nginx's TLS, and waits for
// the porch bot's reply. Prints one JSON line: { user, replyFrom, body }.
//   node neighborSaysHello.ts https://maple.test USER PASSWORD [TOKEN]
import { registerNeighbor } from "../../../../test/harness/testNeighborhood.ts";

const [url, user, password, token] = process.argv.slice(2);
if (!url || !user || !password) throw new Error("usage: neighborSaysHello.ts URL USER PASSWORD [REGISTRATION_TOKEN]");

async function call<T>(method: string, path: string, accessToken: string | undefined, body?: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

const session = token
  ? await registerNeighbor(url, user, password, token)
  : await call<{ access_token: string; user_id: string }>("POST", "/_matrix/client/v3/login", undefined, {
      type: "m.login.password",
      identifier: { type: "m.id.user", user },
      password,
    });
const serverName = session.user_id.split(":").slice(1).join(":");
const { room_id: roomId } = await call<{ room_id: string }>(
  "POST",
  `/_matrix/client/v3/join/${encodeURIComponent(`#lobby:${serverName}`)}`,
  session.access_token,
  {},
);

type Sync = {
  next_batch: string;
  rooms?: {
    join?: Record<
      string,
      { timeline: { events: Array<{ sender: string; content: { body?: string; "m.relates_to"?: { "m.in_reply_to"?: { event_id: string } } } }> } }
    >;
  };
};
const filter = JSON.stringify({ room: { rooms: [roomId], timeline: { limit: 50 } } });
let since = (await call<Sync>("GET", `/_matrix/client/v3/sync?filter=${encodeURIComponent(filter)}`, session.access_token)).next_batch;
const { event_id: asked } = await call<{ event_id: string }>(
  "PUT",
  `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/hello-${Date.now()}`,
  session.access_token,
  { msgtype: "m.text", body: "!about" },
);
// REPLY_WITHIN_S: longer on an emulated box, where the bots answer several times slower.
const replyWithin = Number(process.env.REPLY_WITHIN_S ?? 90);
const deadline = Date.now() + replyWithin * 1000;
while (Date.now() < deadline) {
  const sync = await call<Sync>("GET", `/_matrix/client/v3/sync?timeout=10000&since=${since}&filter=${encodeURIComponent(filter)}`, session.access_token);
  since = sync.next_batch;
  const reply = sync.rooms?.join?.[roomId]?.timeline.events.find((event) => event.content["m.relates_to"]?.["m.in_reply_to"]?.event_id === asked);
  if (reply) {
    console.log(JSON.stringify({ user: session.user_id, replyFrom: reply.sender, body: reply.content.body }));
    process.exit(0);
  }
}
throw new Error(`no reply to !about in ${roomId} within ${replyWithin} s`);
