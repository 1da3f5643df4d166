// Every benchmark `npm run bench` runs, in order, with the figures each writes to bench/results.json.
// Modules load only when their benchmark runs (in its own child process: see measureInChild.ts).
import type { Benchmark } from "./runBenchmarks.ts";

export const benchmarks: readonly Benchmark[] = [
  {
    name: "intake",
    figures: ["as_ingest_floor_ratio"],
    measure: async () => (await import("./intakeThroughput.ts")).measureIntakeThroughput(),
  },
  {
    name: "bot-round-trip",
    figures: ["bot_rtt_ratio_p50", "bot_rtt_ratio_p95"],
    measure: async () => (await import("./botRoundTrip.ts")).measureBotRoundTrip(),
  },
  {
    name: "stack-memory",
    figures: ["stack_rss_mb"],
    measure: async () => (await import("./stackMemory.ts")).measureStackMemory(),
  },
  {
    name: "board",
    figures: ["board_events_per_change", "board_merge_ratio_10k", "board_load_ms_10k"],
    measure: async () => (await import("./boardBench.ts")).boardBenchmarks(),
  },
  {
    name: "poll-tally",
    figures: ["poll_tally_ratio_10k"],
    measure: async () => ({ poll_tally_ratio_10k: (await import("./pollsBench.ts")).measurePollTallyRatio() }),
  },
  {
    name: "poll-close-lag",
    figures: ["poll_close_lag_s"],
    measure: async () => ({ poll_close_lag_s: await (await import("./pollsBench.ts")).measurePollCloseLag() }),
  },
  {
    name: "monitor",
    figures: [
      "monitor_cycle_ratio_10k",
      "monitor_scale_ratio",
      "monitor_rss_mb_10k",
      "monitor_scrape_ratio_10k",
      "monitor_release_gc_ratio_10k",
      "monitor_rss_mb_10k_steady",
      "monitor_rss_mb_10k_plain_node",
      "monitor_cycle_ratio_10k_collect_only",
      "monitor_scale_ratio_collect_only",
      "monitor_rss_mb_10k_collect_only",
    ],
    measure: async () => (await import("./monitorBench.ts")).monitorCycleBenchmarks(),
  },
  {
    name: "alert-latency",
    figures: ["alert_latency_s"],
    measure: async () => (await import("./monitorBench.ts")).alertLatencyBenchmark(),
  },
  {
    name: "federation",
    figures: ["federation_latency_ratio_p50", "federation_catchup_s_1000"],
    measure: async () => (await import("./federationBench.ts")).federationBenchmarks(),
  },
  {
    name: "backup-restore",
    figures: ["backup_restore_s"],
    measure: async () => (await import("./productionBench.ts")).measureBackupRestore(),
  },
  {
    name: "workers-bot-rtt",
    figures: [
      "workers_bot_rtt_ratio_p95",
      "single_cpu_ms_per_command",
      "workers_cpu_ms_per_command",
      ...["main", "client_reader", "federation_reader", "event_persister", "federation_sender", "appservice_notifier", "postgres", "redis", "nginx"].map(
        (part) => `workers_cpu_ms_per_command_${part}`,
      ),
    ],
    measure: async () => (await import("./workersBotRtt.ts")).measureWorkersBotRtt(),
  },
  {
    name: "render",
    figures: ["render_ratio"],
    measure: async () => (await import("./renderBench.ts")).measureRenderRatio(),
  },
  {
    name: "join-signup",
    figures: ["join_signup_ratio_p95"],
    measure: async () => (await import("./joinSignupBench.ts")).measureJoinSignup(),
  },
  {
    name: "e2ee-bot-rtt",
    figures: ["e2ee_bot_rtt_ratio_p50"],
    measure: async () => (await import("./e2eeBotRoundTrip.ts")).measureE2eeBotRoundTrip(),
  },
  {
    name: "e2ee-store-memory",
    figures: ["e2ee_store_rss_mb_24h", "e2ee_store_mb_24h"],
    measure: async () => (await import("./e2eeStoreMemory.ts")).measureE2eeStoreMemory(),
  },
];
