// Checks the shape of the client-server requests the bots' actions make; the lead's end-to-end tests run
// them against a real Synapse.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { DatabaseSync } from "node:sqlite";
import { createMatrixBotActions, ensureBotUser, powerLevelFromContent } from "../src/botActions.ts";
import { PrivateRooms } from "../src/privateRooms.ts";
import { migrateSchema } from "../src/schemaMigrations.ts";

interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

type Answer = { status: number; body: unknown };

const privateRooms = (() => {
  const db = new DatabaseSync(":memory:");
  migrateSchema(db);
  return new PrivateRooms(db);
})();

/** A loopback server that records each request and answers from `answer`. */
function recordingHomeserver(answer: (request: Recorded) => Answer): Promise<{ server: Server; url: string; requests: Recorded[] }> {
  const requests: Recorded[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const text = Buffer.concat(chunks).toString("utf8");
    const recorded: Recorded = {
      method: req.method ?? "",
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      authorization: req.headers.authorization,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
    requests.push(recorded);
    const { status, body } = answer(recorded);
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests })),
  );
}

const bot = "@share:block.test";
const room = "!room:block.test";

function answerHomeserver(request: Recorded): Answer {
  if (request.path.includes("/send/")) return { status: 200, body: { event_id: `$sent${request.path.length}` } };
  if (request.path.endsWith("/state/m.room.power_levels/") && request.path.includes("!nolevels")) {
    return { status: 404, body: { errcode: "M_NOT_FOUND", error: "no power levels" } };
  }
  if (request.path.endsWith("/state/m.room.power_levels/")) {
    return { status: 200, body: { users: { "@op:block.test": 100, [bot]: 50 }, users_default: 5 } };
  }
  if (request.path.endsWith("/register")) return { status: 400, body: { errcode: "M_USER_IN_USE", error: "taken" } };
  if (request.path.endsWith("/displayname") && request.method === "PUT") return { status: 200, body: {} };
  if (request.path.includes("/profile/")) return { status: 200, body: { displayname: "old name" } };
  return { status: 404, body: { errcode: "M_UNRECOGNIZED", error: "unexpected in this test" } };
}

describe("bot actions over the client-server API", () => {
  let homeserver: Awaited<ReturnType<typeof recordingHomeserver>>;
  before(async () => {
    homeserver = await recordingHomeserver(answerHomeserver);
  });
  after(() => homeserver.server.close());

  it("sends notices as HTML with a text fallback, as the bot, and replies with m.in_reply_to", async () => {
    const actions = createMatrixBotActions({ homeserverUrl: homeserver.url, asToken: "the_as_token", userId: bot, privateRooms });
    const eventId = await actions.sendMessage(room, { html: "<b>Ladder</b> offered", text: "Ladder offered" }, { replyTo: "$ask" });
    assert.match(eventId, /^\$sent/);
    const sent = homeserver.requests.at(-1)!;
    assert.equal(sent.method, "PUT");
    assert.match(sent.path, new RegExp(`/_matrix/client/v3/rooms/${room}/send/m.room.message/`));
    assert.equal(sent.query.get("user_id"), bot);
    assert.equal(sent.authorization, "Bearer the_as_token");
    assert.deepEqual(sent.body, {
      msgtype: "m.notice",
      body: "Ladder offered",
      format: "org.matrix.custom.html",
      formatted_body: "<b>Ladder</b> offered",
      "m.relates_to": { "m.in_reply_to": { event_id: "$ask" } },
    });
    await actions.sendMessage(room, { html: "hi", text: "hi" }, { asText: true });
    assert.equal(homeserver.requests.at(-1)!.body.msgtype, "m.text");
    assert.equal(homeserver.requests.at(-1)!.body["m.relates_to"], undefined);
  });

  it("edits with m.replace and m.new_content", async () => {
    const actions = createMatrixBotActions({ homeserverUrl: homeserver.url, asToken: "the_as_token", userId: bot, privateRooms });
    await actions.editMessage(room, "$listing", { html: "<s>Ladder</s> taken", text: "Ladder taken" });
    assert.deepEqual(homeserver.requests.at(-1)!.body, {
      msgtype: "m.notice",
      body: "* Ladder taken",
      format: "org.matrix.custom.html",
      formatted_body: "* <s>Ladder</s> taken",
      "m.new_content": {
        msgtype: "m.notice",
        body: "Ladder taken",
        format: "org.matrix.custom.html",
        formatted_body: "<s>Ladder</s> taken",
      },
      "m.relates_to": { rel_type: "m.replace", event_id: "$listing" },
    });
  });

  it("reads power levels from current room state", async () => {
    const actions = createMatrixBotActions({ homeserverUrl: homeserver.url, asToken: "the_as_token", userId: bot, privateRooms });
    assert.equal(await actions.powerLevel(room, "@op:block.test"), 100);
    assert.equal(await actions.powerLevel(room, "@someone:block.test"), 5);
    assert.equal(await actions.powerLevel("!nolevels:block.test", "@op:block.test"), 0);
    assert.equal(powerLevelFromContent({ users: { "@a:x": "100" } }, "@a:x"), 0, "a non-number level is ignored");
  });

  it("registers a bot user (an existing one is fine) and updates a changed display name", async () => {
    homeserver.requests.length = 0;
    await ensureBotUser({ homeserverUrl: homeserver.url, asToken: "the_as_token", serverName: "block.test" }, "share", "Sharing board");
    const [register, , setName] = homeserver.requests;
    assert.equal(register?.path, "/_matrix/client/v3/register");
    assert.deepEqual(register?.body, { type: "m.login.application_service", username: "share", inhibit_login: true });
    assert.equal(register?.authorization, "Bearer the_as_token");
    assert.equal(setName?.method, "PUT");
    assert.equal(setName?.path, `/_matrix/client/v3/profile/${bot}/displayname`);
    assert.equal(setName?.query.get("user_id"), bot);
    assert.deepEqual(setName?.body, { displayname: "Sharing board" });
  });
});
