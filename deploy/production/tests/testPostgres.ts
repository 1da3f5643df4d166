// The PostgreSQL the production tests create throwaway databases on. BLOCKSHARE_TEST_POSTGRES=user@host:port
// names one; else a local one on 127.0.0.1:5432 that lets `postgres` in without a password is used; else
// (a fresh box, where Debian's default refuses that) the tests start their own cluster with trust
// authentication in /tmp, on 127.0.0.1:55432 only, shared by every test file and left running like a service.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, chownSync } from "node:fs";
import { join } from "node:path";
import type { PostgresConnection } from "../postgresAdmin.ts";

const PRIVATE = { user: "postgres", host: "127.0.0.1", port: 55432 } as const;
const PRIVATE_DIR = "/tmp/blockshare-test-postgres";

export function testPostgres(): PostgresConnection {
  const spec = process.env.BLOCKSHARE_TEST_POSTGRES;
  if (spec) {
    const match = /^([^@]+)@([^:]+):(\d+)$/.exec(spec);
    if (!match) throw new Error(`BLOCKSHARE_TEST_POSTGRES must look like user@host:port (got ${spec})`);
    return { user: match[1]!, host: match[2]!, port: Number(match[3]) };
  }
  const local = { user: "postgres", host: "127.0.0.1", port: 5432 };
  if (answers(local)) return local;
  if (!answers(PRIVATE)) startPrivateCluster();
  return { ...PRIVATE };
}

function answers(connection: PostgresConnection): boolean {
  const result = spawnSync("psql", ["-h", connection.host, "-p", String(connection.port), "-U", connection.user, "-d", "postgres", "-w", "-Atc", "SELECT 1"], {
    encoding: "utf8",
    timeout: 10_000,
  });
  return result.status === 0;
}

function startPrivateCluster(): void {
  const versions = existsSync("/usr/lib/postgresql") ? readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) throw new Error("no PostgreSQL server binaries in /usr/lib/postgresql: deploy/blockshare test installs the postgresql package");
  const bin = join("/usr/lib/postgresql", versions[0]!, "bin");
  // PostgreSQL refuses to run as root: as root, run it as the package's `postgres` user.
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) => {
    const result = asRoot
      ? spawnSync("runuser", ["-u", "postgres", "--", join(bin, command), ...args], { encoding: "utf8" })
      : spawnSync(join(bin, command), args, { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`${command} failed while starting the tests' PostgreSQL: ${result.stderr || result.stdout}`);
  };
  const data = join(PRIVATE_DIR, "data");
  if (!existsSync(join(data, "PG_VERSION"))) {
    mkdirSync(PRIVATE_DIR, { recursive: true, mode: 0o700 });
    if (asRoot) {
      const ids = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
      chownSync(PRIVATE_DIR, Number(ids.stdout.trim()), Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim()));
    }
    run("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C"]);
  }
  run("pg_ctl", ["-D", data, "-l", join(PRIVATE_DIR, "server.log"), "-w", "-o", `-p ${PRIVATE.port} -k ${PRIVATE_DIR} -c listen_addresses=127.0.0.1`, "start"]);
}
