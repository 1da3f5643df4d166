// Private by default (issue 15): neighbors on phones talk to the bots in end-to-end encrypted rooms, as
// Element X creates them, on a real Synapse. Neighbors are matrix-js-sdk clients with Rust crypto.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as sdk from "matrix-js-sdk";
import { startTestNeighborhood, type TestNeighborhood } from "./harness/testNeighborhood.ts";
import type { NeighborClient, SeenEvent } from "./harness/neighborClient.ts";
import { sayPlain } from "../bots/framework/speak.ts";
import { openBoardNote } from "../deploy/src/neighborhoodRooms.ts";
import { encryptAttachment } from "../appservices/src/encryptedAttachments.ts";

const bodyOf = (event: SeenEvent) => String(event.content.body ?? "");
const megolm = { algorithm: "m.megolm.v1.aes-sha2" };

describe("bots in encrypted rooms", () => {
  let block: TestNeighborhood;
  let server: string;
  let ana: NeighborClient;
  let bob: NeighborClient;
  const botId = (bot: string) => `@${bot}:${server}`;

  before(async () => {
    block = await startTestNeighborhood({ name: "Cipher Row" });
    server = block.running.neighborhood.server_name;
    [ana, bob] = await Promise.all([block.addNeighbor("ana"), block.addNeighbor("bob")]);
  });
  after(async () => {
    await block?.stop();
  });

  const joined = (neighbor: NeighborClient, room: string, userId: string) =>
    neighbor.waitForEvent(
      (event) => event.room_id === room && event.type === "m.room.member" && event.state_key === userId && event.content.membership === "join",
      `${userId} joining ${room}`,
    );

  /** A direct chat with a bot as Element X opens it (encrypted), once the bot is in. */
  async function dmWith(neighbor: NeighborClient, bot: string): Promise<string> {
    const room = await neighbor.openDirectChat(botId(bot));
    await joined(neighbor, room, botId(bot));
    return room;
  }

  /** The bot's published device keys and cross-signing keys, as any client reads them. */
  async function keysOf(bot: string) {
    return (await ana.client.http.authedRequest(sdk.Method.Post, "/keys/query", undefined, { device_keys: { [botId(bot)]: [] } })) as {
      device_keys: Record<string, Record<string, { keys: Record<string, string>; signatures: Record<string, Record<string, string>> }>>;
      self_signing_keys: Record<string, { keys: Record<string, string> }>;
    };
  }

  async function answer(neighbor: NeighborClient, room: string, command: string, bot: string, timeoutMs = 30_000): Promise<SeenEvent> {
    const sent = await neighbor.sendText(room, command);
    return neighbor.waitForReply(room, sent, botId(bot), timeoutMs);
  }

  test("a neighbor's encrypted DM with each bot: a command gets an encrypted reply she can read", async () => {
    for (const bot of ["porch", "share", "polls", "mesh"]) {
      const room = await dmWith(ana, bot);
      const reply = await answer(ana, room, "!help", bot);
      assert.equal(reply.encrypted, true, `${bot}'s reply is encrypted`);
      assert.equal(reply.undecryptable, false, `ana can read ${bot}'s reply`);
      assert.ok(bodyOf(reply).length > 20, `${bot}'s help has words: ${bodyOf(reply)}`);
    }
  });

  test("bot messages carry no unverified-device warning: each bot's one device is signed by its self-signing key", async () => {
    for (const bot of ["porch", "share", "polls", "mesh"]) {
      const keys = await keysOf(bot);
      assert.deepEqual(Object.keys(keys.device_keys[botId(bot)] ?? {}), ["BLOCKSHARE"], `${bot} has one device`);
      const [selfSigningKeyId] = Object.keys(keys.self_signing_keys[botId(bot)]?.keys ?? {});
      assert.ok(selfSigningKeyId, `${bot} published a self-signing key`);
      const signatures = keys.device_keys[botId(bot)]!.BLOCKSHARE!.signatures[botId(bot)] ?? {};
      assert.ok(selfSigningKeyId in signatures, `${bot}'s device is signed by its self-signing key`);
      // What Element decides its shield on: the device is signed by its owner.
      const status = await ana.client.getCrypto()!.getDeviceVerificationStatus(botId(bot), "BLOCKSHARE");
      assert.equal(status?.signedByOwner, true, `${bot}'s device is cross-signed as Element sees it`);
    }
  });

  test("the bots restart: a message sent while they were down is answered after, the next one too, from the same device", async () => {
    const room = await dmWith(ana, "polls");
    const before = await keysOf("polls");
    await answer(ana, room, "!polls", "polls");
    let whileDown = "";
    await block.running.restartBots(async () => {
      whileDown = await ana.sendText(room, "!decisions");
    });
    const late = await ana.waitForReply(room, whileDown, botId("polls"), 60_000);
    assert.equal(late.encrypted, true);
    assert.equal(late.undecryptable, false);
    const next = await answer(ana, room, "!help", "polls");
    assert.equal(next.undecryptable, false);
    assert.deepEqual((await keysOf("polls")).device_keys, before.device_keys, "the same device and identity keys after the restart");
  });

  test("a message the bot cannot decrypt gets a plain-words answer after it waited and asked for the key", async () => {
    const room = await dmWith(ana, "porch");
    // A real Megolm message whose session went only to bob (in another room): as when a phone sent a
    // message but the key never reached the bot. Ana's device will not forward a key it never shared with it.
    const { room_id: elsewhere } = await ana.client.createRoom({
      preset: sdk.Preset.PrivateChat,
      invite: [bob.userId],
      initial_state: [{ type: "m.room.encryption", state_key: "", content: megolm }],
    });
    await ana.waitForEncryption(elsewhere);
    const original = await ana.sendText(elsewhere, "!help");
    const wire = ana.client.getRoom(elsewhere)?.findEventById(original)?.getWireContent();
    assert.equal(wire?.algorithm, megolm.algorithm, "the copied message is Megolm ciphertext");
    const unreadable = await ana.client.http.authedRequest<{ event_id: string }>(
      sdk.Method.Put,
      `/rooms/${encodeURIComponent(room)}/send/m.room.encrypted/lost-key-1`,
      undefined,
      wire,
    );
    const reply = await ana.waitForReply(room, unreadable.event_id, botId("porch"), 40_000);
    assert.equal(bodyOf(reply), sayPlain("en", "framework.undecryptable"));
  });

  test("an encrypted private room runs a proposal end to end with the polls bot", async () => {
    const { room_id: room } = await ana.client.createRoom({
      name: "Garden club",
      preset: sdk.Preset.PrivateChat,
      invite: [botId("polls"), bob.userId],
      initial_state: [{ type: "m.room.encryption", state_key: "", content: megolm }],
    });
    await ana.waitForEncryption(room);
    await joined(ana, room, botId("polls"));
    await joined(ana, room, bob.userId);
    await bob.waitForEncryption(room);

    await ana.sendText(room, "!propose Plant tulips by the gate");
    const start = await bob.waitForEvent(
      (event) => event.room_id === room && event.sender === botId("polls") && event.type === "org.matrix.msc3381.poll.start",
      "the encrypted poll",
    );
    assert.equal(start.encrypted, true, "the poll start is encrypted");
    const title = String(start.content["org.matrix.msc3381.poll.start"]?.question?.["org.matrix.msc1767.text"] ?? "");
    const number = Number(/(\d+)/.exec(String(start.content["org.matrix.msc1767.text"] ?? title))?.[1]);
    const agree = start.content["org.matrix.msc3381.poll.start"].answers[0].id as string;
    // As Element sends a vote: an encrypted m.poll.response with its relation in clear.
    for (const neighbor of [ana, bob]) {
      await neighbor.sendEvent(room, "org.matrix.msc3381.poll.response", {
        "m.relates_to": { rel_type: "m.reference", event_id: start.event_id },
        "org.matrix.msc3381.poll.response": { answers: [agree] },
      });
    }
    await ana.sendText(room, `!close ${number}`);
    const end = await bob.waitForEvent(
      (event) => event.room_id === room && event.sender === botId("polls") && event.type === "org.matrix.msc3381.poll.end",
      "the poll's end",
    );
    assert.equal(end.encrypted, true, "the end is encrypted");
    const results = await bob.waitForEvent(
      (event) => event.room_id === room && event.sender === botId("polls") && bodyOf(event).startsWith("Results — "),
      "the results",
    );
    assert.equal(results.encrypted, true);
    assert.match(bodyOf(results), /\b2\b/, `both decrypted votes counted: ${bodyOf(results)}`);
  });

  test("the share bot's pickup introduction is an encrypted private room both neighbors read", async () => {
    const sharing = block.running.rooms.get("sharing")!;
    for (const neighbor of [ana, bob]) await neighbor.client.joinRoom(sharing);
    // An ask: a neighbor who can help claims it, and the bot introduces the two at once.
    const posted = await answer(ana, sharing, "!ask a ladder for the weekend #tools", "share");
    const n = /#(\d+)/.exec(bodyOf(posted))?.[1];
    assert.ok(n, bodyOf(posted));
    await answer(bob, sharing, `!claim ${n}`, "share");
    const intro = await bob.waitForEvent(
      (event) => event.sender === botId("share") && event.room_id !== sharing && bodyOf(event).includes(`#${n}`) && bodyOf(event).includes(ana.userId),
      "the introduction",
    );
    assert.equal(intro.encrypted, true, "the introduction is encrypted");
    const seenByAna = await ana.waitForEvent((event) => event.event_id === intro.event_id, "the introduction, for the giver");
    assert.equal(seenByAna.undecryptable, false, "the giver reads it too");
    const encryption = await bob.client.getStateEvent(intro.room_id, "m.room.encryption", "");
    assert.equal(encryption.algorithm, megolm.algorithm);
  });

  test("a photo sent in an encrypted DM becomes the listing's photo on the open board, decrypted", async () => {
    const sharing = block.running.rooms.get("sharing")!;
    await ana.client.joinRoom(sharing);
    const room = await dmWith(ana, "share");
    const posted = await answer(ana, room, "!offer a reading lamp #household", "share");
    assert.match(bodyOf(posted), /#\d+/);
    // As Element sends an image in an encrypted room: the bytes encrypted (AES-CTR), the key in the event.
    const photo = Buffer.from(`a lamp, lit, on a desk ${"·".repeat(2000)}`);
    const { ciphertext, file } = encryptAttachment(photo);
    const { content_uri: url } = await ana.client.uploadContent(ciphertext, { type: "application/octet-stream", includeFilename: false });
    await ana.sendEvent(room, "m.room.message", {
      msgtype: "m.image",
      body: "lamp.png",
      info: { mimetype: "image/png", size: photo.length },
      file: { ...file, url },
    });
    const withPhoto = await ana.waitForEvent((event) => {
      if (event.room_id !== sharing || event.sender !== botId("share")) return false;
      const shown = (event.content["m.new_content"] ?? event.content) as Record<string, unknown>;
      return /<img src="mxc:\/\//.test(String(shown.formatted_body ?? ""));
    }, "the listing with its photo");
    const shown = (withPhoto.content["m.new_content"] ?? withPhoto.content) as Record<string, unknown>;
    const published = /<img src="mxc:\/\/([^/]+)\/([^"]+)"/.exec(String(shown.formatted_body));
    assert.ok(published, "the listing shows a photo");
    assert.notEqual(`mxc://${published[1]}/${published[2]}`, url, "not the ciphertext's URL");
    const download = await fetch(`${block.running.clientUrl}/_matrix/client/v1/media/download/${published[1]}/${published[2]}`, {
      headers: { authorization: `Bearer ${ana.accessToken}` },
    });
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), photo, "the board shows the photo itself, decrypted");
  });

  test("a direct chat from before the bots had devices turns encrypted the next time the bot writes there", async () => {
    const sharing = block.running.rooms.get("sharing")!;
    const cy = await block.addNeighbor("cy");
    await cy.client.joinRoom(sharing);
    // As Element Web opened DMs while the block's well-known turned encryption off.
    const { room_id: old } = await cy.client.createRoom({ preset: sdk.Preset.TrustedPrivateChat, is_direct: true, invite: [botId("share")] });
    await joined(cy, old, botId("share"));
    const posted = await answer(cy, sharing, "!offer a bread maker #household", "share");
    const listing = await bob.waitForEvent(
      (event) => event.room_id === sharing && event.sender === botId("share") && bodyOf(event).includes("bread maker") && event.event_id !== posted.event_id,
      "the listing",
    );
    await bob.react(sharing, listing.event_id, "👍");
    const told = await cy.waitForEvent(
      (event) => event.room_id === old && event.sender === botId("share") && bodyOf(event).includes("would like"),
      "cy told in the old chat",
    );
    assert.equal(told.encrypted, true, "the bot's message there is encrypted");
    const encryption = await cy.client.getStateEvent(old, "m.room.encryption", "");
    assert.equal(encryption.algorithm, megolm.algorithm);
  });

  test("Element's defaults make a DM between two neighbors encrypted; community rooms say they are not", async () => {
    const wellKnown = (await (await fetch(`${block.running.clientUrl}/.well-known/matrix/client`)).json()) as Record<string, unknown>;
    assert.equal(wellKnown["io.element.e2ee"], undefined, "nothing turns Element's encryption default off");
    const room = await ana.openDirectChat(bob.userId);
    const encryption = await ana.client.getStateEvent(room, "m.room.encryption", "");
    assert.equal(encryption.algorithm, megolm.algorithm);
    for (const role of ["lobby", "sharing", "governance", "mesh-alerts", "exchange"] as const) {
      const roomId = block.running.rooms.get(role)!;
      const topic = (await ana.client.getStateEvent(roomId, "m.room.topic", "").catch(() => ({ topic: "" }))) as { topic?: string };
      assert.ok(String(topic.topic).endsWith(openBoardNote), `${role}'s topic says it is an open board: ${topic.topic}`);
    }
  });
});
