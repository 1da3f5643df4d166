// Bad telemetry gets a typed error saying what was wrong and what is accepted.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BabelState } from "../src/collectors/babel.ts";
import { parseTelemetry, type FormatName } from "../src/collectors/formats.ts";
import { TelemetryError, type RejectReason } from "../src/collectors/telemetryError.ts";

const context = { source: "test", collectedAt: 0 };

function rejects(format: FormatName, text: string, reason: RejectReason, mentions: RegExp): void {
  assert.throws(
    () => parseTelemetry(format, text, context, { nodeId: "n" }),
    (error: unknown) => {
      assert.ok(error instanceof TelemetryError, `not a TelemetryError: ${error}`);
      assert.equal(error.reason, reason, error.message);
      assert.match(error.message, mentions);
      assert.match(error.message, /accepted: /);
      return true;
    },
  );
}

describe("bad telemetry is refused with a reason", () => {
  it("truncated JSON", () => rejects("meshviewer", '{"timestamp":"2020-05-13T13:11:52+0200","nodes":[{"node_id":"a"', "malformed", /truncated/));
  it("an empty body", () => rejects("netjson-graph", "  ", "malformed", /empty/));
  it("NaN in the JSON text (Python's json.dumps writes it)", () =>
    rejects("olsr-jsoninfo", '{"topology":[{"lastHopIP":"a","destinationIP":"b","tcEdgeCost":NaN}]}', "not_finite", /NaN or Infinity/));
  it("a number too large to be finite (1e999 parses as Infinity)", () =>
    rejects("meshviewer", '{"nodes":[{"node_id":"a","loadavg":1e999}],"links":[]}', "not_finite", /nodes\[0\]\.loadavg is Infinity/));
  it("a string where a number belongs", () =>
    rejects("meshviewer", '{"nodes":[{"node_id":"a","memory_usage":"high"}]}', "wrong_type", /nodes\[0\]\.memory_usage is a string "high", expected a number/));
  it("nodes not being a list", () => rejects("meshviewer", '{"nodes":{"a":1}}', "wrong_type", /nodes is an object, expected an array/));
  it("a missing node id", () => rejects("meshviewer", '{"nodes":[{"hostname":"x"}]}', "missing_field", /nodes\[0\]\.node_id is nothing/));
  it("a link without either TQ", () =>
    rejects("meshviewer", '{"nodes":[],"links":[{"source":"a","target":"b"}]}', "missing_field", /neither source_tq nor target_tq/));
  it("a NetJSON link cost that is a string", () =>
    rejects(
      "netjson-graph",
      '{"type":"NetworkGraph","protocol":"olsr","nodes":[],"links":[{"source":"a","target":"b","cost":"1.0"}]}',
      "wrong_type",
      /links\[0\]\.cost/,
    ));
  it("a NetJSON document of another type", () => rejects("netjson-graph", '{"type":"DeviceConfiguration"}', "unknown_format", /expected "NetworkGraph"/));
  it("a vis metric that is not a number", () =>
    rejects("batadv-vis", '{"vis":[{"primary":"a","neighbors":[{"router":"a","neighbor":"b","metric":"inf"}]}]}', "not_finite", /metric/));
  it("jsoninfo with none of its tables", () => rejects("olsr-jsoninfo", '{"hello":1}', "unknown_format", /topology/));
  it("respondd without any category", () => rejects("gluon-respondd", '{"node_id":"x","foo":1}', "unknown_format", /nodeinfo, statistics or neighbours/));
  it("txtinfo garbage", () => rejects("olsr-txtinfo", "hello world", "malformed", /outside any "Table:" block/));

  it("babel: garbage, a bad cost, a missing field, and babeld's own `bad`", () => {
    const state = new BabelState();
    const reason = (line: string) => {
      try {
        state.apply(line);
      } catch (error) {
        assert.ok(error instanceof TelemetryError);
        return error.reason;
      }
      return undefined;
    };
    assert.equal(reason("hello"), "malformed");
    assert.equal(reason("add neighbour 1 address fe80::1 if e0 reach ffff ureach 0000 rxcost NaN txcost 1 cost 1"), "not_finite");
    assert.equal(reason("add neighbour 1 address fe80::1 if e0 reach ffff ureach 0000 rxcost 256 txcost 256"), "missing_field");
    assert.equal(reason("add neighbour 1 address"), "malformed");
    assert.equal(reason("bad"), "protocol");
    assert.equal(reason("add future-kind 1 foo bar"), undefined, "kinds newer babelds add are ignored, not fatal");
    assert.throws(() => state.snapshot(context), /no `my-id` line/);
  });
});
