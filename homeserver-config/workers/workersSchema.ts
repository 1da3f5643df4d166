// The neighborhood file's `workers:` section. Off by default: one Synapse process is right for a block;
// a co-op with thousands of members turns this on, which also needs `database.engine: postgresql`.
import { Type, type Static } from "@sinclair/typebox";

const port = (description: string, fallback: number) =>
  Type.Integer({ minimum: 1, maximum: 65535, default: fallback, description: `${description}: a port number from 1 to 65535, on 127.0.0.1 only` });

export const WorkerPortsSchema = Type.Object(
  {
    main_http: port("the main Synapse process's HTTP listener behind the reverse proxy", 8090),
    main_replication: port("the main process's replication listener", 9093),
    client_reader: port("the client reader worker", 8091),
    federation_reader: port("the federation reader worker", 8092),
    event_persister: port("the event persister's replication listener", 9094),
    federation_sender: port("the federation sender's health listener", 8093),
    appservice_notifier: port("the appservice notifier's health listener", 8094),
    metrics_base: port("the first of the workers' metrics ports (one per worker, counting up)", 9101),
  },
  { additionalProperties: false, default: {}, description: "the worker processes' ports" },
);

export const WorkersSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: false, description: "run Synapse as a main process plus workers (needs PostgreSQL and Redis): true or false" }),
    redis_host: Type.String({ minLength: 1, default: "127.0.0.1", description: "Redis's address (keep it on this box)" }),
    redis_port: port("Redis's port", 6379),
    ports: WorkerPortsSchema,
  },
  { additionalProperties: false, default: {}, description: "Synapse's scale-out mode: { enabled, redis_host, redis_port, ports }" },
);

export type WorkerSettings = Static<typeof WorkersSchema>;
export type WorkerPorts = Static<typeof WorkerPortsSchema>;
