// The neighborhood file's `database:` section. SQLite by default; PostgreSQL for a block that grows or
// runs workers.
import { Type, type Static } from "@sinclair/typebox";

export const DatabaseSchema = Type.Object(
  {
    engine: Type.Union([Type.Literal("sqlite"), Type.Literal("postgresql")], {
      default: "sqlite",
      description: 'the database Synapse uses: "sqlite" (one file, fine for a block) or "postgresql" (needed for workers)',
    }),
    host: Type.String({
      minLength: 1,
      default: "/var/run/postgresql",
      description: "PostgreSQL's address: a socket directory (peer authentication as the service user, no password) or 127.0.0.1",
    }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 5432, description: "PostgreSQL's port: 1 to 65535" }),
    name: Type.String({ pattern: "^[a-z_][a-z0-9_]*$", default: "blockshare", description: "the database name: lower-case letters, digits, _" }),
    user: Type.String({ pattern: "^[a-z_][a-z0-9_]*$", default: "blockshare", description: "the PostgreSQL role: lower-case letters, digits, _" }),
    password_file: Type.Optional(Type.String({ minLength: 1, description: "a file holding the role's password, when not using peer authentication" })),
  },
  { additionalProperties: false, default: {}, description: "Synapse's database: { engine, host, port, name, user, password_file }" },
);

export type DatabaseSettings = Static<typeof DatabaseSchema>;

export const SQLITE_DEFAULT: DatabaseSettings = { engine: "sqlite", host: "/var/run/postgresql", port: 5432, name: "blockshare", user: "blockshare" };
