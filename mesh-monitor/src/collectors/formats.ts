// The table of telemetry formats a source can be configured with: name → how its bytes become a
// snapshot. HTTP polling, push intake and the babeld socket all go through it, so "what is accepted"
// is listed in one place (`formatNames`).
import { isJsonObject } from "../../../common/jsonObject.ts";
import type { MeshSnapshot } from "../model.ts";
import { parseBabelDump } from "./babel.ts";
import { parseBatadvVis, parseBatctl } from "./batman.ts";
import { parseJsonText } from "./fieldReader.ts";
import { parseGluonRespondd } from "./gluon.ts";
import { parseMeshviewer } from "./meshviewer.ts";
import { parseNetJsonDeviceMonitoring, parseNetJsonGraph } from "./netjson.ts";
import { parseOlsrJsoninfo, parseOlsrTxtinfo } from "./olsr.ts";
import type { OlsrCostEncoding } from "./olsrCost.ts";
import type { ParseContext } from "./parseContext.ts";
import { TelemetryError } from "./telemetryError.ts";

export interface FormatOptions {
  /** DeviceMonitoring and batctl carry no id of their own router. */
  nodeId?: string;
  /** OLSR sources: pin the cost encoding (detected per source otherwise). */
  olsrCostEncoding?: OlsrCostEncoding;
}

type TextParser = (text: string, context: ParseContext, options: FormatOptions) => MeshSnapshot;

const json =
  (accepted: string, parse: (value: unknown, context: ParseContext, options: FormatOptions) => MeshSnapshot): TextParser =>
  (text, context, options) =>
    parse(parseJsonText(text, accepted), context, options);

const formats = {
  meshviewer: json("yanic meshviewer.json", (value, context) => parseMeshviewer(value, context)),
  "netjson-graph": json("a NetJSON NetworkGraph or NetworkCollection", (value, context, options) =>
    parseNetJsonGraph(value, context, options.olsrCostEncoding ? { olsrCostEncoding: options.olsrCostEncoding } : {}),
  ),
  "netjson-monitoring": json("a NetJSON DeviceMonitoring", (value, context, options) => {
    if (options.nodeId === undefined)
      throw new TelemetryError("missing_field", "this DeviceMonitoring source has no node id configured", "a source configured with nodeId");
    return parseNetJsonDeviceMonitoring(value, { ...context, nodeId: options.nodeId });
  }),
  "olsr-jsoninfo": json("olsrd jsoninfo", (value, context, options) =>
    parseOlsrJsoninfo(value, context, options.olsrCostEncoding ? { costEncoding: options.olsrCostEncoding } : {}),
  ),
  "olsr-txtinfo": (text, context) => parseOlsrTxtinfo(text, context),
  "batadv-vis": json("batadv-vis -f jsondoc", (value, context) => parseBatadvVis(value, context)),
  // One JSON object bundling a router's batctl outputs (a three-line shell script can serve it).
  batctl: json(
    '{"mesh": mesh_json, "originators": originators_json, "neighbors": neighbors_json, "gateways": gateways_json, "transtable_local": transtable_local_json}',
    (value, context, options) => {
      const bundle = isJsonObject(value) ? value : {};
      return parseBatctl(
        {
          mesh: bundle.mesh,
          originators: bundle.originators,
          neighbors: bundle.neighbors,
          gateways: bundle.gateways,
          transtableLocal: bundle.transtable_local,
        },
        { ...context, ...(options.nodeId !== undefined ? { nodeId: options.nodeId } : {}) },
      );
    },
  ),
  "gluon-respondd": json("Gluon respondd JSON", (value, context) => parseGluonRespondd(value, context)),
  "babeld-dump": (text, context) => parseBabelDump(text, context).snapshot,
} satisfies Record<string, TextParser>;

export type FormatName = keyof typeof formats;
export const formatNames = Object.keys(formats) as FormatName[];

export function isFormatName(name: string): name is FormatName {
  return Object.hasOwn(formats, name);
}

/** Bytes of a named format → snapshot, or a TelemetryError saying what was wrong and what is accepted. */
export function parseTelemetry(format: FormatName, text: string, context: ParseContext, options: FormatOptions = {}): MeshSnapshot {
  return formats[format](text, context, options);
}
