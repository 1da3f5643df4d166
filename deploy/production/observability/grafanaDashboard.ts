// The block's health as a Grafana dashboard, importable (Dashboards → New → Import): it asks for a
// Prometheus data source (`__inputs` DS_PROMETHEUS) scraping with prometheusConfig.ts's job names.
// Three rows: the homeserver, the bots, the mesh. Every query reads metrics our code or Synapse
// really exports (tests/observability.test.ts checks each one), with fixed [5m] windows so that
// promtool can check them too.
//
// grafana-dashboard.json beside this file is this dashboard, written out for people who only want
// the file; regenerate it with `node deploy/production/observability/grafanaDashboard.ts --write`.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { SCRAPE_JOBS } from "./prometheusConfig.ts";

export interface DashboardQuery {
  expr: string;
  legend: string;
}

interface PanelSpec {
  title: string;
  description: string;
  kind: "stat" | "timeseries";
  queries: DashboardQuery[];
  unit?: string;
  /** Grid width out of 24. */
  width: number;
  /** 1 = up, 0 = down (stat panels on `up` and friends). */
  upDown?: boolean;
  /** A stat that turns red from this value on (things waiting, alerts firing). */
  redFrom?: number;
  min?: number;
  max?: number;
}

interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

const synapse = `job="${SCRAPE_JOBS.synapse}"`;
const bots = `job="${SCRAPE_JOBS.appservices}"`;
const mesh = `job="${SCRAPE_JOBS.meshMonitor}"`;
const q = (expr: string, legend = ""): DashboardQuery => ({ expr, legend });

const ROWS: RowSpec[] = [
  {
    title: "Homeserver (Synapse)",
    panels: [
      {
        title: "Synapse processes",
        description: "Each Synapse process Prometheus scrapes: the main process, and each worker when workers are on.",
        kind: "stat",
        width: 6,
        upDown: true,
        queries: [q(`up{${synapse}}`, "{{worker}}")],
      },
      {
        title: "Requests per second",
        description: "Requests from Element, phones and neighboring blocks, per process.",
        kind: "timeseries",
        width: 9,
        unit: "reqps",
        queries: [q(`sum by (worker) (rate(synapse_http_server_requests_received_total{${synapse}}[5m]))`, "{{worker}}")],
      },
      {
        title: "Response time (95th percentile)",
        description: "How long the slowest 5% of requests took. Sync requests wait on purpose (long polling), so this is high by nature; watch for changes.",
        kind: "timeseries",
        width: 9,
        unit: "s",
        queries: [q(`histogram_quantile(0.95, sum by (le, worker) (rate(synapse_http_server_response_time_seconds_bucket{${synapse}}[5m])))`, "{{worker}}")],
      },
      {
        title: "Server errors",
        description: "Responses with a 5xx status per second: Synapse failing, not the user.",
        kind: "timeseries",
        width: 6,
        unit: "reqps",
        queries: [q(`sum by (worker) (rate(synapse_http_server_responses_total{${synapse},code=~"5.."}[5m]))`, "{{worker}}")],
      },
      {
        title: "Events persisted",
        description:
          "Messages, reactions, joins… written to the database per second: from this block's neighbors (local) and from neighboring blocks (remote).",
        kind: "timeseries",
        width: 9,
        unit: "ops",
        queries: [
          q(`sum(rate(synapse_storage_events_persisted_events_total{${synapse}}[5m]))`, "all events"),
          q(`sum by (origin_type) (rate(synapse_storage_events_persisted_events_sep_total{${synapse}}[5m]))`, "{{origin_type}}"),
        ],
      },
      {
        title: "Federation with neighboring blocks",
        description:
          "Transactions sent to pact blocks and events received from them. Events waiting climb while a neighbor is unreachable and drain when the mesh link heals.",
        kind: "timeseries",
        width: 9,
        queries: [
          q(`sum(rate(synapse_federation_client_sent_transactions_total{${synapse}}[5m]))`, "transactions sent /s"),
          q(`sum(rate(synapse_federation_server_received_pdus_total{${synapse}}[5m]))`, "events received /s"),
          q(`sum(synapse_federation_transaction_queue_pending_pdus{${synapse}})`, "events waiting to be sent"),
        ],
      },
      {
        title: "Transactions to the bots",
        description: "Synapse's side of the appservice link: transactions pushed to the bot host, and those that failed (the bot host down or refusing).",
        kind: "timeseries",
        width: 12,
        unit: "ops",
        queries: [
          q(`sum(rate(synapse_appservice_api_sent_transactions_total{${synapse}}[5m]))`, "sent"),
          q(`sum(rate(synapse_appservice_api_failed_transactions_total{${synapse}}[5m]))`, "failed"),
        ],
      },
      {
        title: "Synapse memory",
        description: "Resident memory of each Synapse process.",
        kind: "timeseries",
        width: 12,
        unit: "bytes",
        min: 0,
        queries: [q(`process_resident_memory_bytes{${synapse}}`, "{{worker}}")],
      },
    ],
  },
  {
    title: "Bots (appservice host)",
    panels: [
      {
        title: "Bot host",
        description: "The appservice host that runs porch, share, polls and mesh.",
        kind: "stat",
        width: 4,
        upDown: true,
        queries: [q(`up{${bots}}`, "bot host")],
      },
      {
        title: "Events waiting",
        description: "Events stored in the durable inbox and not yet handled. Stays near 0; a steady climb means a bot is stuck.",
        kind: "stat",
        width: 4,
        redFrom: 100,
        queries: [q(`blockshare_inbox_pending{${bots}}`, "waiting")],
      },
      {
        title: "Transactions from Synapse",
        description:
          "Transactions received, by outcome: accepted, duplicate (Synapse retried; ignored), unauthorized/forbidden (a wrong token), rejected (malformed).",
        kind: "timeseries",
        width: 8,
        unit: "ops",
        queries: [q(`sum by (outcome) (rate(blockshare_transactions_total{${bots}}[5m]))`, "{{outcome}}")],
      },
      {
        title: "Command latency",
        description: "Time a bot takes to handle one event (a command, a vote, an alert), 50th and 95th percentile, per bot.",
        kind: "timeseries",
        width: 8,
        unit: "s",
        queries: [
          q(`histogram_quantile(0.95, sum by (le, bot) (rate(blockshare_event_processing_seconds_bucket{${bots}}[5m])))`, "{{bot}} p95"),
          q(`histogram_quantile(0.5, sum by (le, bot) (rate(blockshare_event_processing_seconds_bucket{${bots}}[5m])))`, "{{bot}} p50"),
        ],
      },
      {
        title: "Events handled",
        description: "Events handed to each bot per second, and how many failed.",
        kind: "timeseries",
        width: 12,
        unit: "ops",
        queries: [q(`sum by (bot, outcome) (rate(blockshare_events_processed_total{${bots}}[5m]))`, "{{bot}} {{outcome}}")],
      },
      {
        title: "Bot host memory",
        description: "Resident memory of the bot host (Node).",
        kind: "timeseries",
        width: 12,
        unit: "bytes",
        min: 0,
        queries: [q(`blockshare_process_resident_memory_bytes{${bots}}`, "bot host")],
      },
    ],
  },
  {
    title: "Mesh",
    panels: [
      {
        title: "Mesh monitor",
        description: "The mesh monitor itself. While it is down nothing below is current.",
        kind: "stat",
        width: 4,
        upDown: true,
        queries: [q(`up{${mesh}}`, "monitor")],
      },
      {
        title: "Nodes up",
        description: "Routers the monitor hears from (or that a neighbour still links to).",
        kind: "stat",
        width: 4,
        queries: [q(`sum(mesh_node_up{${mesh}})`, "up")],
      },
      {
        title: "Nodes down",
        description: "Routers silent for longer than the monitor's limit (5 minutes by default).",
        kind: "stat",
        width: 4,
        redFrom: 1,
        queries: [q(`count(mesh_node_up{${mesh}} == 0) or vector(0)`, "down")],
      },
      {
        title: "Internet uplink",
        description:
          "Whether some gateway offers a way to the internet. Local chat and neighboring blocks keep working without it. No data: no source can tell.",
        kind: "stat",
        width: 4,
        upDown: true,
        queries: [q(`mesh_uplink_up{${mesh}}`, "uplink")],
      },
      {
        title: "Alerts firing",
        description: "Alerts Prometheus is firing now (the mesh rules from mesh-monitor/prometheus).",
        kind: "stat",
        width: 8,
        redFrom: 1,
        queries: [q(`count(ALERTS{alertstate="firing"}) or vector(0)`, "firing")],
      },
      {
        title: "Link quality",
        description: "Each link's quality from 0 (unusable) to 1 (perfect). Below 0.5 for 2 minutes the link counts as degraded.",
        kind: "timeseries",
        width: 12,
        unit: "percentunit",
        min: 0,
        max: 1,
        queries: [q(`mesh_link_quality{${mesh}}`, "{{source}} ↔ {{target}}")],
      },
      {
        title: "Weakest link and lost links",
        description: "The worst link quality on the mesh, and how many known links are gone right now.",
        kind: "timeseries",
        width: 6,
        queries: [q(`min(mesh_link_quality{${mesh}})`, "weakest quality"), q(`count(mesh_link_up{${mesh}} == 0) or vector(0)`, "links lost")],
      },
      {
        title: "Alerts by name",
        description: "Firing alerts per alert name.",
        kind: "timeseries",
        width: 6,
        queries: [q(`count by (alertname) (ALERTS{alertstate="firing"})`, "{{alertname}}")],
      },
      {
        title: "Telemetry refused",
        description: "Router data the monitor refused, per source and reason (malformed, too large, unreachable…).",
        kind: "timeseries",
        width: 12,
        unit: "ops",
        queries: [q(`sum by (source, reason) (rate(mesh_telemetry_rejected_total{${mesh}}[5m]))`, "{{source}} {{reason}}")],
      },
      {
        title: "Router load",
        description: "Each router's CPU load (1-minute load ÷ CPUs) where its telemetry reports it.",
        kind: "timeseries",
        width: 12,
        unit: "percentunit",
        min: 0,
        queries: [q(`mesh_node_cpu_load{${mesh}}`, "{{node}}")],
      },
    ],
  },
];

const DATASOURCE = { type: "prometheus", uid: "${DS_PROMETHEUS}" };

/** Every query on the dashboard, with the panel it belongs to. */
export function dashboardQueries(): { panel: string; query: DashboardQuery }[] {
  return ROWS.flatMap((row) => row.panels.flatMap((panel) => panel.queries.map((query) => ({ panel: `${row.title} / ${panel.title}`, query }))));
}

export function grafanaDashboard(): Record<string, unknown> {
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const row of ROWS) {
    panels.push({ id: id++, type: "row", title: row.title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y: y++ }, panels: [] });
    let x = 0;
    let rowHeight = 0;
    for (const panel of row.panels) {
      const height = panel.kind === "stat" ? 5 : 8;
      if (x + panel.width > 24) {
        x = 0;
        y += rowHeight;
        rowHeight = 0;
      }
      panels.push(renderPanel(panel, id++, { h: height, w: panel.width, x, y }));
      x += panel.width;
      rowHeight = Math.max(rowHeight, height);
    }
    y += rowHeight;
  }
  return {
    __inputs: [
      {
        name: "DS_PROMETHEUS",
        label: "Prometheus",
        description: "The Prometheus that scrapes this block (prometheusConfig.ts)",
        type: "datasource",
        pluginId: "prometheus",
        pluginName: "Prometheus",
      },
    ],
    __requires: [
      { type: "grafana", id: "grafana", name: "Grafana", version: "9.4.0" },
      { type: "datasource", id: "prometheus", name: "Prometheus", version: "1.0.0" },
      { type: "panel", id: "stat", name: "Stat", version: "" },
      { type: "panel", id: "timeseries", name: "Time series", version: "" },
    ],
    annotations: { list: [] },
    description: "A BlockShare neighborhood box: Synapse, the bots and the community mesh.",
    editable: true,
    graphTooltip: 1,
    links: [],
    panels,
    refresh: "1m",
    schemaVersion: 38,
    tags: ["blockshare", "matrix", "mesh"],
    templating: { list: [] },
    time: { from: "now-6h", to: "now" },
    timepicker: {},
    timezone: "",
    title: "BlockShare · block health",
    uid: "blockshare-block-health",
    version: 1,
  };
}

function renderPanel(panel: PanelSpec, id: number, gridPos: { h: number; w: number; x: number; y: number }): Record<string, unknown> {
  const refIds = "ABCDEFGHIJ";
  const defaults: Record<string, unknown> = {
    ...(panel.unit ? { unit: panel.unit } : {}),
    ...(panel.min === undefined ? {} : { min: panel.min }),
    ...(panel.max === undefined ? {} : { max: panel.max }),
    color: { mode: panel.kind === "stat" ? "thresholds" : "palette-classic" },
    thresholds: {
      mode: "absolute",
      steps: panel.upDown
        ? [
            { color: "red", value: null },
            { color: "green", value: 1 },
          ]
        : panel.redFrom !== undefined
          ? [
              { color: "green", value: null },
              { color: "red", value: panel.redFrom },
            ]
          : [{ color: "blue", value: null }],
    },
    ...(panel.upDown
      ? {
          mappings: [
            { type: "value", options: { "0": { text: "down", index: 0 }, "1": { text: "up", index: 1 } } },
            { type: "special", options: { match: "null", result: { text: "no data", index: 2 } } },
          ],
        }
      : { mappings: [] }),
  };
  return {
    id,
    type: panel.kind,
    title: panel.title,
    description: panel.description,
    datasource: DATASOURCE,
    gridPos,
    targets: panel.queries.map((query, index) => ({
      refId: refIds[index],
      datasource: DATASOURCE,
      expr: query.expr,
      legendFormat: query.legend,
      range: true,
      instant: false,
    })),
    fieldConfig: { defaults, overrides: [] },
    options:
      panel.kind === "stat"
        ? {
            reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
            colorMode: "background",
            graphMode: "none",
            justifyMode: "auto",
            orientation: "auto",
            textMode: "auto",
          }
        : { legend: { displayMode: "list", placement: "bottom", showLegend: true }, tooltip: { mode: "multi", sort: "desc" } },
  };
}

/** The dashboard as the file Grafana imports. */
export function grafanaDashboardJson(): string {
  return `${JSON.stringify(grafanaDashboard(), null, 2)}\n`;
}

export const DASHBOARD_FILE = join(import.meta.dirname, "grafana-dashboard.json");

export function writeGrafanaDashboard(path: string = DASHBOARD_FILE): void {
  writeFileSync(path, grafanaDashboardJson());
}

if (import.meta.main && process.argv.includes("--write")) {
  writeGrafanaDashboard();
  console.log(`wrote ${DASHBOARD_FILE}`);
}
