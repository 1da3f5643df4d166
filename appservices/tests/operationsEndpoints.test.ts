import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { AppserviceHost } from "../src/appserviceHost.ts";
import { FakeMatrix, gate, hsToken, messageEvent, recordingBot, sendEvents, startTestHost, userIdOf } from "./hostFixture.ts";

const room = "!secretroomid:block.test";
const auth = { authorization: `Bearer ${hsToken}` };

describe("health, metrics and the homeserver's queries", () => {
  let host: AppserviceHost;
  const matrix = new FakeMatrix();
  const hold = gate();

  before(async () => {
    host = await startTestHost({ bots: [recordingBot("share", () => hold.opened).definition], matrix });
    host.store.membership.recordJoin(userIdOf("share"), room);
  });
  after(async () => {
    hold.open();
    await host.stop();
  });

  const firstEvents = [messageEvent(room, "one"), messageEvent(room, "two")];

  it("reports health with the pending inbox, without auth", async () => {
    await sendEvents(host, "health-1", firstEvents);
    const response = await fetch(`${host.url}/health`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: "ok", inbox: 2 });
  });

  it("exposes prefixed Prometheus metrics with bounded labels only", async () => {
    await sendEvents(host, "health-1", firstEvents); // a retry: the same txnId with the same events
    await fetch(`${host.url}/_matrix/app/v1/transactions/m1`, { method: "PUT", headers: { authorization: "Bearer x" } });
    const response = await fetch(`${host.url}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /text\/plain/);
    const text = await response.text();
    assert.match(text, /blockshare_transactions_total\{outcome="accepted"\} 1\b/);
    assert.match(text, /blockshare_transactions_total\{outcome="duplicate"\} 1\b/);
    assert.match(text, /blockshare_transactions_total\{outcome="forbidden"\} 1\b/);
    assert.match(text, /blockshare_inbox_pending 2\b/);
    assert.match(text, /blockshare_process_cpu_seconds_total/);
    assert.match(text, /# TYPE blockshare_event_processing_seconds histogram/);
    for (const secret of ["secretroomid", "block.test", hsToken, "alice"]) assert.ok(!text.includes(secret), `metrics mention ${secret}`);
  });

  it("answers ping only with the hs_token", async () => {
    const ok = await fetch(`${host.url}/_matrix/app/v1/ping`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: "{}" });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), {});
    const refused = await fetch(`${host.url}/_matrix/app/v1/ping`, { method: "POST" });
    assert.equal(refused.status, 401);
  });

  it("creates bot users on the user query and knows no one else", async () => {
    const bot = await fetch(`${host.url}/_matrix/app/v1/users/${encodeURIComponent(userIdOf("share"))}`, { headers: auth });
    assert.equal(bot.status, 200);
    assert.deepEqual(await bot.json(), {});
    assert.deepEqual(matrix.ensuredUsers, ["share"]);
    for (const other of [userIdOf("shareX"), "@share:other.test"]) {
      const response = await fetch(`${host.url}/_matrix/app/v1/users/${encodeURIComponent(other)}`, { headers: auth });
      assert.equal(response.status, 404);
      assert.equal(((await response.json()) as { errcode: string }).errcode, "M_NOT_FOUND");
    }
    const unauthenticated = await fetch(`${host.url}/_matrix/app/v1/users/${encodeURIComponent(userIdOf("share"))}`);
    assert.equal(unauthenticated.status, 401);
    assert.deepEqual(matrix.ensuredUsers, ["share"]);
  });

  it("has no aliases, and answers unknown routes with M_UNRECOGNIZED", async () => {
    const alias = await fetch(`${host.url}/_matrix/app/v1/rooms/${encodeURIComponent("#lobby:block.test")}`, { headers: auth });
    assert.equal(alias.status, 404);
    assert.equal(((await alias.json()) as { errcode: string }).errcode, "M_NOT_FOUND");
    for (const [method, path] of [
      ["GET", "/nowhere"],
      ["PUT", "/transactions/5"],
      ["DELETE", "/health"],
    ] as const) {
      const response = await fetch(`${host.url}${path}`, { method, headers: auth });
      assert.equal(response.status, 404, `${method} ${path}`);
      assert.equal(((await response.json()) as { errcode: string }).errcode, "M_UNRECOGNIZED");
    }
  });
});
