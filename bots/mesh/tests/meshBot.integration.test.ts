// The mesh bot on a real Synapse: Alertmanager-format JSON POSTed to the host's webhook becomes one
// message in Mesh alerts that a neighbor sees, edited when resolved; owners get a DM; an uplink
// outage reaches the Lobby once, and its end too.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestNeighborhood, type TestNeighborhood } from "../../../test/harness/testNeighborhood.ts";
import type { NeighborClient, SeenEvent } from "../../../test/harness/neighborClient.ts";
import { meshBot } from "../meshBot.ts";
import { argumentLabel, speaker, type Speaker } from "../../framework/speak.ts";

const english = speaker("en", "UTC");
const uplinkDownText = english.plain("mesh.uplink.down");

describe("the mesh bot on a real Synapse", () => {
  let block: TestNeighborhood;
  let vol: NeighborClient;
  let mesh: string;
  let alertsRoom: string;
  let lobby: string;

  const webhookUrl = () => `${block.running.host.url}/_blockshare/webhooks/mesh/alerts`;
  const postAlerts = (body: unknown, token = block.running.secrets.webhook_token) =>
    fetch(webhookUrl(), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const notification = (status: "firing" | "resolved", labels: Record<string, string>, fingerprint: string, startsAt: string) => ({
    version: "4",
    receiver: "blockshare",
    status,
    groupKey: "{}:{}",
    truncatedAlerts: 0,
    groupLabels: {},
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: "http://127.0.0.1:9093",
    alerts: [
      {
        status,
        labels,
        annotations: { description: "Seen by the test" },
        startsAt,
        endsAt: status === "firing" ? "0001-01-01T00:00:00Z" : new Date().toISOString(),
        generatorURL: "http://127.0.0.1:9105/map",
        fingerprint,
      },
    ],
  });
  const fromMesh = (roomId: string, match: (event: SeenEvent) => boolean) => (event: SeenEvent) =>
    event.room_id === roomId && event.sender === mesh && event.type === "m.room.message" && match(event);

  before(async () => {
    block = await startTestNeighborhood({ bots: [meshBot] });
    mesh = `@mesh:${block.running.neighborhood.server_name}`;
    alertsRoom = block.running.rooms.get("mesh-alerts")!;
    lobby = block.running.rooms.get("lobby")!;
    vol = await block.addNeighbor("vol");
    await vol.client.joinRoom(alertsRoom);
  });
  after(async () => {
    await block?.stop();
  });

  test("the webhook refuses a wrong token and says what is wrong with a bad body", async () => {
    assert.equal((await postAlerts({ alerts: [] }, "not-the-token")).status, 403);
    const anonymous = await fetch(webhookUrl(), { method: "POST", headers: { "content-type": "application/json" }, body: '{"alerts": []}' });
    assert.equal(anonymous.status, 401);
    const bad = await postAlerts({ alerts: [{ status: "burning", labels: {} }] });
    assert.equal(bad.status, 400);
    const reply = (await bad.json()) as { error: string; accepted: string };
    assert.match(reply.error, /alerts\[0\]\.status .*expected "firing" or "resolved"/);
    assert.match(reply.accepted, /Alertmanager webhook JSON/);
  });

  test("an adopted node's alert appears once in Mesh alerts, mentions its owner, and is edited when resolved", async () => {
    const adopt = await vol.sendText(alertsRoom, "!mesh adopt rooftop-3");
    const adopted = await vol.waitForReply(alertsRoom, adopt, mesh);
    assert.match(adopted.content.body, /You now look after rooftop-3/);

    const labels = { alertname: "MeshNodeDown", node: "rooftop-3", severity: "critical", source: "babeld" };
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const firing = await postAlerts(notification("firing", labels, "e2e-node", startsAt));
    assert.equal(firing.status, 200);
    assert.equal(((await firing.json()) as { opened: number }).opened, 1);
    const posted = await vol.waitForEvent(
      fromMesh(alertsRoom, (event) => /Node rooftop-3 is down/.test(event.content.body)),
      "the node-down message",
    );
    assert.match(posted.content.formatted_body, new RegExp(`https://matrix.to/#/${vol.userId}`), "the owner is mentioned");
    assert.equal(posted.content.msgtype, "m.notice");

    const dm = await vol.waitForEvent(
      (event) =>
        event.room_id !== alertsRoom &&
        event.room_id !== lobby &&
        event.sender === mesh &&
        /A node you look after needs attention/.test(String(event.content.body)),
      "the owner's private message",
    );
    assert.match(dm.content.body, /Node rooftop-3 is down/);

    // Alertmanager repeats a group's firing alerts: no second message.
    assert.equal((await postAlerts(notification("firing", labels, "e2e-node", startsAt))).status, 200);
    const resolved = await postAlerts(notification("resolved", labels, "e2e-node", startsAt));
    assert.equal(resolved.status, 200);
    const edit = await vol.waitForEvent(
      fromMesh(alertsRoom, (event) => event.content["m.relates_to"]?.rel_type === "m.replace" && event.content["m.relates_to"]?.event_id === posted.event_id),
      "the edit to resolved",
    );
    assert.match(edit.content["m.new_content"].body, /✅ Node rooftop-3 is back — resolved after 1 minute/);
    const downMessages = vol.seen(
      fromMesh(alertsRoom, (event) => /Node rooftop-3 is down/.test(event.content.body) && event.content["m.relates_to"] === undefined),
    );
    assert.equal(downMessages.length, 1, "the repeated firing posted nothing");
  });

  test("an uplink outage is announced in the Lobby once, and its end too", async () => {
    const labels = { alertname: "MeshUplinkLost", node: "gw-1", severity: "critical" };
    const startsAt = new Date().toISOString();
    assert.equal((await postAlerts(notification("firing", labels, "e2e-uplink", startsAt))).status, 200);
    const down = await vol.waitForEvent(
      fromMesh(lobby, (event) => String(event.content.body).includes(uplinkDownText)),
      "the Lobby's internet-down notice",
    );
    assert.ok(down);
    assert.equal((await postAlerts(notification("resolved", labels, "e2e-uplink", startsAt))).status, 200);
    await vol.waitForEvent(
      fromMesh(lobby, (event) => /The internet connection is back/.test(event.content.body)),
      "the Lobby's internet-back notice",
    );
    assert.equal(vol.seen(fromMesh(lobby, (event) => String(event.content.body).includes(uplinkDownText))).length, 1);
  });

  test("a neighbor who sends !language es gets every answer and private message in Spanish, from the catalog; the room keeps the block's language", async () => {
    const ana = await block.addNeighbor("ana");
    await ana.client.joinRoom(alertsRoom);
    const es: Speaker = speaker("es", block.running.neighborhood.time_zone);
    const blockSpeaker: Speaker = speaker("en", block.running.neighborhood.time_zone);
    const ask = async (body: string) => String((await ana.waitForReply(alertsRoom, await ana.sendText(alertsRoom, body), mesh)).content.body);

    assert.equal(await ask("!language es"), es.plain("language.changed", { language: "Español" }));
    assert.equal(await ask("!red adoptar patio-7"), es.plain("mesh.adopt.doneUnknown", { node: "patio-7" }));
    const menu = await ask("!red");
    assert.ok(menu.startsWith(es.plain("mesh.menu.ask")), menu);
    assert.ok(
      menu.includes(`!red silenciar <${argumentLabel("es", "node")}> <${argumentLabel("es", "for")}> [${argumentLabel("es", "reason")}…]`) &&
        menu.includes(es.plain("mesh.silence.summary")),
      menu,
    );
    assert.ok((await ask("!mesh node")).includes(`!red nodo <${argumentLabel("es", "node")}>`), "English words still work; the usage shows hers");

    // Her node's alert: the room is told in the block's language (English), she is told privately in Spanish.
    const labels = { alertname: "MeshNodeDown", node: "patio-7", severity: "critical" };
    const startsAt = Date.now() - 60_000;
    assert.equal((await postAlerts(notification("firing", labels, "e2e-es", new Date(startsAt).toISOString()))).status, 200);
    const roomHeadline = blockSpeaker.plain("mesh.alert.MeshNodeDown.firing", { node: "patio-7" });
    await ana.waitForEvent(
      fromMesh(alertsRoom, (event) => String(event.content.body).includes(roomHeadline)),
      "the English post in Mesh alerts",
    );
    const headline = es.plain("mesh.alert.MeshNodeDown.firing", { node: "patio-7" });
    const told = es.plain("mesh.owner.firing", { headline, severity: "crítico", since: new Date(startsAt) });
    const dm = await ana.waitForEvent(
      (event) => event.room_id !== alertsRoom && event.room_id !== lobby && event.sender === mesh && String(event.content.body).includes(headline),
      "her private message in Spanish",
    );
    const dmBody = String(dm.content.body);
    assert.ok(dmBody.startsWith(told), `${dmBody}\nexpected: ${told}`);
    assert.ok(dmBody.includes(es.plain("mesh.owner.firingDetails")), dmBody);
    assert.match(dmBody, / de (enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre) de 20\d\d/, "the date in Spanish");

    const silenced = await ask("!red silenciar patio-7 2h antena nueva");
    assert.ok(
      silenced.startsWith(es.plain("mesh.silence.done", { node: "patio-7", lasted: es.duration(2 * 60 * 60_000), until: new Date(0), open: 1 }).split(",")[0]!),
      silenced,
    );
    assert.match(silenced, /Tiene 1 incidente abierto\./);
    // A neighbor gets 5 commands at once, then one every 3 s (the framework's rate limit).
    const refill = () => new Promise((resolve) => setTimeout(resolve, 3100));
    await refill();
    const status = await ask("!red estado");
    assert.ok(status.startsWith(es.plain("mesh.report.statusTitle")), status);
    assert.ok(
      status.includes(
        es.plain("mesh.report.silenceWithReason", { node: "patio-7", until: new Date(0), by: ana.userId, reason: "antena nueva" }).split(" hasta")[0]!,
      ),
      status,
    );
    assert.ok(status.includes(headline), status);
    await refill();
    assert.ok((await ask("!red reactivar patio-7")).startsWith(es.plain("mesh.unsilence.done", { node: "patio-7" })));

    assert.equal((await postAlerts(notification("resolved", labels, "e2e-es", new Date(startsAt).toISOString()))).status, 200);
    const resolvedHeadline = es.plain("mesh.alert.MeshNodeDown.resolved", { node: "patio-7" });
    const back = await ana.waitForEvent(
      (event) =>
        event.room_id === dm.room_id &&
        event.sender === mesh &&
        String(event.content.body).startsWith(es.plain("mesh.owner.resolved", { headline: resolvedHeadline, lasted: "" }).split(" (")[0]!),
      "her resolved message in Spanish",
    );
    assert.match(String(back.content.body), /\(después de 1 minuto( y \d+ segundos?)?\)\.$/, "how long it lasted, in Spanish");
  });
});
