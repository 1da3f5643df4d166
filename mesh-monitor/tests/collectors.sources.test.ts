// Sources against real loopback servers: an HTTP server that misbehaves in each way the issue names,
// and a fake babeld speaking the local-interface protocol (banner, dump, monitor).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { BabelDumpSource, BabelMonitorSource } from "../src/collectors/babelSocketSource.ts";
import { HttpPollSource } from "../src/collectors/httpPollSource.ts";
import { RejectionCounter } from "../src/collectors/rejectionCounter.ts";
import type { MeshSnapshot } from "../src/model.ts";

const SAMPLES = new URL("../../../shared/telemetry-samples/", import.meta.url);
const meshviewer = readFileSync(new URL("yanic-meshviewer/freifunk-bremen-meshviewer-2020-05-13-subset.json", SAMPLES), "utf8");
const dumpFile = readFileSync(new URL("babel/babeld-1.12.1-dump-node2.txt", SAMPLES), "utf8");
const bannerEnd = dumpFile.indexOf("ok\n") + 3;
const BANNER = dumpFile.slice(0, bannerEnd);
const DUMP = dumpFile.slice(bannerEnd);

const listen = (server: HttpServer | TcpServer) =>
  new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
const close = (server: HttpServer | TcpServer) => new Promise((resolve) => server.close(resolve));

describe("HTTP polling", () => {
  let server: HttpServer;
  let base = "";
  let hugeBytesSent = 0;
  const hanging: Set<import("node:http").ServerResponse> = new Set();
  let mode = "good";

  before(async () => {
    server = createHttpServer((_request, response) => {
      const handlers: Record<string, () => void> = {
        good: () => response.end(meshviewer),
        truncated: () => response.end(meshviewer.slice(0, meshviewer.length / 2)),
        nan: () => response.end('{"nodes":[{"node_id":"a","loadavg":NaN}],"links":[]}'),
        wrongType: () => response.end('{"nodes":[{"node_id":"a","is_online":"yes"}],"links":[]}'),
        error: () => {
          response.statusCode = 503;
          response.end("busy");
        },
        // 50 MB announced: must be refused from the header alone.
        hugeDeclared: () => {
          response.setHeader("content-length", String(50 * 1024 * 1024));
          response.flushHeaders();
          hanging.add(response);
        },
        // 50 MB streamed without a length: must be cut off at the cap.
        hugeChunked: () => {
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          hugeBytesSent = 0;
          const pump = () => {
            while (hugeBytesSent < 50 * 1024 * 1024) {
              hugeBytesSent += chunk.length;
              if (!response.write(chunk)) return void response.once("drain", pump);
            }
            response.end();
          };
          response.on("close", () => response.destroy());
          pump();
        },
        hangBeforeHeaders: () => hanging.add(response),
        hangInBody: () => {
          response.write('{"nodes":[');
          hanging.add(response);
        },
      };
      handlers[mode]!();
    });
    base = `http://127.0.0.1:${await listen(server)}/meshviewer.json`;
  });
  after(async () => {
    for (const response of hanging) response.destroy();
    server.closeAllConnections();
    await close(server);
  });

  it("keeps the last good snapshot through each kind of bad input, counting every refusal by reason", async () => {
    const rejections = new RejectionCounter();
    const source = new HttpPollSource({ url: base, format: "meshviewer", source: "bremen", rejections, timeoutMs: 500, maxBytes: 4 * 1024 * 1024 });
    mode = "good";
    let report = await source.poll();
    assert.equal(report.ok, true);
    assert.equal(report.snapshot?.nodes.length, 124);
    const good = report.snapshot;

    const cases: [string, string, RegExp][] = [
      ["truncated", "malformed", /truncated/],
      ["nan", "not_finite", /NaN/],
      ["wrongType", "wrong_type", /is_online is a string "yes", expected true or false/],
      ["error", "unreachable", /HTTP 503/],
      ["hugeDeclared", "too_large", /announces 52428800 bytes/],
      ["hugeChunked", "too_large", /passed the cap of 4194304 bytes/],
      ["hangBeforeHeaders", "timeout", /in time/],
      ["hangInBody", "timeout", /stopped arriving|in time/],
    ];
    for (const [name, reason, message] of cases) {
      mode = name;
      const before = rejections.count("bremen", reason as never);
      const started = Date.now();
      report = await source.poll();
      assert.equal(report.ok, false, name);
      assert.match(report.error ?? "", message, name);
      assert.equal(report.snapshot, good, `${name}: the last good snapshot is kept`);
      assert.equal(rejections.count("bremen", reason as never), before + 1, `${name} counted as ${reason}`);
      assert.ok(Date.now() - started < 3000, `${name} took ${Date.now() - started} ms`);
    }
    assert.ok(hugeBytesSent < 20 * 1024 * 1024, `the streamed body was cut off early (${hugeBytesSent} bytes sent of 50 MB)`);

    mode = "good";
    report = await source.poll();
    assert.equal(report.ok, true, "recovers on the next good answer");
    assert.equal(rejections.count("bremen"), 8);
  });

  it("a refused connection is 'unreachable'", async () => {
    const rejections = new RejectionCounter();
    const source = new HttpPollSource({ url: "http://127.0.0.1:1/none", format: "netjson-graph", rejections, timeoutMs: 1000 });
    const report = await source.poll();
    assert.equal(report.ok, false);
    assert.equal(report.snapshot, undefined);
    assert.equal(rejections.count(source.source, "unreachable"), 1);
  });
});

/** A fake babeld: banner on connect, the dump on `dump`, the dump then a live stream on `monitor`. */
function fakeBabeld(options: { silent?: boolean; answer?: string } = {}) {
  const monitors = new Set<Socket>();
  const server = createTcpServer((socket) => {
    socket.on("error", () => {});
    if (options.silent) return;
    socket.write(BANNER);
    let buffer = "";
    socket.on("data", (chunk) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const command of lines) {
        if (options.answer) socket.write(`${options.answer}\n`);
        else if (command === "dump") socket.write(DUMP);
        else if (command === "monitor") {
          socket.write(DUMP);
          monitors.add(socket);
        }
      }
    });
    socket.on("close", () => monitors.delete(socket));
  });
  return { server, send: (line: string) => monitors.forEach((socket) => socket.write(`${line}\n`)), monitors };
}

describe("babeld local socket", () => {
  const NODE2 = "64:4f:e0:7e:dc:1d:70:ee";
  const NODE4 = "30:97:b0:c3:e3:5c:2e:e6";

  it("dump: banner, `dump`, read until ok, four routers and three links", async () => {
    const babeld = fakeBabeld();
    const port = await listen(babeld.server);
    const rejections = new RejectionCounter();
    const source = new BabelDumpSource({ address: { port, host: "127.0.0.1" }, rejections });
    const report = await source.poll();
    await close(babeld.server);
    assert.equal(report.ok, true, report.error);
    assert.equal(report.reporterNodeId, NODE2);
    assert.equal(report.snapshot?.nodes.length, 4);
    assert.equal(report.snapshot?.links.length, 3);
  });

  it("a babeld that accepts but never speaks times out, and the last good view stays", async () => {
    const good = fakeBabeld();
    const port = await listen(good.server);
    const rejections = new RejectionCounter();
    const source = new BabelDumpSource({ address: { port, host: "127.0.0.1" }, rejections, timeoutMs: 300 });
    const first = await source.poll();
    await close(good.server);
    const silent = fakeBabeld({ silent: true });
    await new Promise<void>((resolve) => silent.server.listen(port, "127.0.0.1", () => resolve()));
    const started = Date.now();
    const report = await source.poll();
    assert.ok(Date.now() - started < 2000);
    assert.equal(report.ok, false);
    assert.match(report.error ?? "", /within 300 ms/);
    assert.equal(report.snapshot, first.snapshot);
    assert.equal(rejections.count(source.source, "timeout"), 1);
    silent.server.close();
    for (const socket of silent.monitors) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 10));
  });

  it("babeld answering `bad` is a protocol error", async () => {
    const babeld = fakeBabeld({ answer: "bad" });
    const port = await listen(babeld.server);
    const rejections = new RejectionCounter();
    const report = await new BabelDumpSource({ address: { port, host: "127.0.0.1" }, rejections }).poll();
    await close(babeld.server);
    assert.equal(report.ok, false);
    assert.equal(rejections.entries()[0]?.reason, "protocol");
  });

  it("monitor: a neighbour's cost going infinite, then its flush, reach the callback at once; bad lines are counted and skipped", async () => {
    const babeld = fakeBabeld();
    const port = await listen(babeld.server);
    const rejections = new RejectionCounter();
    const changes: MeshSnapshot[] = [];
    let notify: (() => void) | undefined;
    const next = () => new Promise<void>((resolve) => (notify = resolve));
    const source = new BabelMonitorSource({
      address: { port, host: "127.0.0.1" },
      rejections,
      onChange: (snapshot) => {
        changes.push(snapshot);
        notify?.();
      },
    });
    let waiting = next();
    source.start();
    try {
      await waiting;
      assert.equal(changes.at(-1)?.links.find((l) => l.target === NODE4)?.cost, 262);

      waiting = next();
      const sentAt = Date.now();
      babeld.send("change neighbour 5571ec59b430 address fe80::f4c2:a4ff:fec9:387e if e24 reach 00ff ureach 0000 rxcost 32768 txcost 256 cost 65535");
      await waiting;
      assert.ok(Date.now() - sentAt < 500, `callback after ${Date.now() - sentAt} ms`);
      assert.equal(changes.at(-1)?.links.find((l) => l.target === NODE4)?.quality, 0);

      waiting = next();
      babeld.send("this is not babel");
      babeld.send("flush neighbour 5571ec59b430 address fe80::f4c2:a4ff:fec9:387e if e24 reach 0000 ureach 0000 rxcost 65535 txcost 256 cost 65535");
      await waiting;
      assert.equal(
        changes.at(-1)?.links.some((l) => l.target === NODE4),
        false,
        "link lost",
      );
      assert.equal(rejections.count(source.source, "malformed"), 1);
      assert.equal(source.report().ok, true);

      // babeld dies: the report turns not-ok but keeps the last view, then the source reconnects.
      for (const socket of babeld.monitors) socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const down = source.report();
      assert.equal(down.ok, false);
      assert.equal(down.snapshot?.nodes.length, 4);
    } finally {
      source.stop();
      babeld.server.close();
      for (const socket of babeld.monitors) socket.destroy();
    }
  });
});
