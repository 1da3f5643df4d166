// The BlockShare command line: a table of commands, each with its own options and help.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { join, resolve } from "node:path";
import { NeighborhoodFileError } from "../../homeserver-config/loadNeighborhood.ts";
import { UsageError } from "./usageError.ts";

// Each command's module is loaded only when that command runs: `run` supervises the block's parts as
// separate processes, and neither it nor `serve-monitor` should carry the bots' libraries in memory.
const runNeighborhood = async (file: string) => (await import("./runCommand.ts")).runNeighborhood(file);
const showStatus = async (file: string) => (await import("./statusCommand.ts")).showStatus(file);
const federation = () => import("./federationCommands.ts");
const tokens = () => import("./tokenCommands.ts");
const backups = () => import("./backupCommands.ts");
const services = () => import("./serviceCommands.ts");

const projectRoot = join(import.meta.dirname, "..", "..");

interface Command {
  usage: string;
  summary: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  run(values: ReturnType<typeof parseArgs>["values"], positionals: string[], file: string): Promise<void>;
}

const configOption = { config: { type: "string", short: "c" } } as const;

const commands: Record<string, Command> = {
  run: {
    usage: "run [--config FILE]",
    summary: "start the neighborhood (Synapse, bots, Element config); writes a neighborhood file on first run; Ctrl-C stops it",
    options: configOption,
    run: (_values, _positionals, file) => runNeighborhood(file),
  },
  status: {
    usage: "status [--config FILE]",
    summary:
      "show whether the running neighborhood's homeserver and bots are healthy, how many neighbors have accounts (bots and the operator not counted), and the usable tokens",
    options: configOption,
    run: (_values, _positionals, file) => showStatus(file),
  },
  "token create": {
    usage: "token create [--uses N] [--expires DAYS] [--config FILE]",
    summary: "create a registration token for new neighbors (default: 10 uses, valid 7 days; --uses 0 for unlimited, --expires 0 for never)",
    options: { ...configOption, uses: { type: "string" }, expires: { type: "string" } },
    run: async (values, _positionals, file) => (await tokens()).createToken(file, values.uses as string | undefined, values.expires as string | undefined),
  },
  "token list": {
    usage: "token list [--all] [--config FILE]",
    summary: "list registration tokens that can still be used (--all: also used-up and expired ones)",
    options: { ...configOption, all: { type: "boolean" } },
    run: async (values, _positionals, file) => (await tokens()).listTokens(file, values.all === true),
  },
  "token revoke": {
    usage: "token revoke TOKEN [--config FILE]",
    summary: "revoke a registration token so nobody else can sign up with it",
    options: configOption,
    run: async (_values, positionals, file) => (await tokens()).revokeToken(file, positionals[0]),
  },
  invite: {
    usage: "invite [--uses N] [--expires DAYS] [--out DIR] [--language LANG] [--config FILE]",
    summary:
      "make a registration token into a flyer to hand out: PDFs (A4, Letter) and a PNG with the block's name, a QR code of the join link, the community CA's fingerprint and three steps (default: 10 uses, 7 days, into DATA_DIR/invites; in the block's language, or the one --language names: a language the bots speak, e.g. es)",
    options: { ...configOption, uses: { type: "string" }, expires: { type: "string" }, out: { type: "string" }, language: { type: "string" } },
    run: async (values, _positionals, file) =>
      (await import("./inviteCommand.ts")).inviteCommand(file, {
        uses: values.uses as string | undefined,
        expires: values.expires as string | undefined,
        out: values.out as string | undefined,
        language: values.language as string | undefined,
      }),
  },
  "ca create": {
    usage: "ca create [--name MESH] [--config FILE]",
    summary: "create the mesh's community certificate authority on this box (once per mesh; its key never leaves this box)",
    options: { ...configOption, name: { type: "string" } },
    run: async (values, _positionals, file) => (await federation()).createCa(file, values.name as string | undefined),
  },
  "ca trust": {
    usage: "ca trust CA.pem [--config FILE]",
    summary: "trust federation certificates issued by this CA (the community CA, or a neighboring mesh's)",
    options: configOption,
    run: async (_values, positionals, file) => (await federation()).trustCaFile(file, positionals[0]),
  },
  "cert issue": {
    usage: "cert issue [--server NAME --out DIR [--public-url URL]] [--config FILE]",
    summary:
      "issue (or renew) this block's certificate with the community CA, for federation (8448) and clients (443): it names the server name's and public_url's hosts; --server/--out: for another block (--public-url: its public_url, default https://NAME)",
    options: { ...configOption, server: { type: "string" }, out: { type: "string" }, "public-url": { type: "string" } },
    run: async (values, _positionals, file) =>
      (await federation()).issueCert(file, values.server as string | undefined, values.out as string | undefined, values["public-url"] as string | undefined),
  },
  "cert install": {
    usage: "cert install CERT.pem KEY.pem [--config FILE]",
    summary: "install this block's certificate (federation and clients) issued by the box that holds the community CA",
    options: configOption,
    run: async (_values, positionals, file) => (await federation()).installCert(file, positionals[0], positionals[1]),
  },
  "cert renew": {
    usage: "cert renew [--config FILE]",
    summary: `renew this block's certificate when it expires within 30 days (or misses public_url's host) and this box holds the community CA; the install and a daily timer run it`,
    options: configOption,
    run: async (_values, _positionals, file) => (await federation()).renewCert(file),
  },
  "neighbor add": {
    usage: "neighbor add SERVER_NAME ADDRESS [--config FILE]",
    summary: "add a neighboring block to the pact (its server name with port, and its address on the mesh)",
    options: configOption,
    run: async (_values, positionals, file) => (await federation()).addNeighbor(file, positionals[0], positionals[1]),
  },
  "neighbor list": {
    usage: "neighbor list [--config FILE]",
    summary: "list the blocks in the pact",
    options: configOption,
    run: async (_values, _positionals, file) => (await federation()).listNeighbors(file),
  },
  "neighbor remove": {
    usage: "neighbor remove SERVER_NAME [--config FILE]",
    summary: "remove a block from the pact: federation with it stops both ways",
    options: configOption,
    run: async (_values, positionals, file) => (await federation()).removeNeighbor(file, positionals[0]),
  },
  "federation status": {
    usage: "federation status [--config FILE]",
    summary: "each neighbor: reachable now or not, and whether messages to it are waiting",
    options: configOption,
    run: async (_values, _positionals, file) => (await federation()).federationStatus(file),
  },
  backup: {
    usage: "backup [--out FILE] [--passphrase-file FILE] [--config FILE]",
    summary:
      "write one archive of the block (database, media, keys, secrets, bots' store, configuration) with checksums; --passphrase-file encrypts it so a neighboring block can keep it without reading it",
    options: { ...configOption, out: { type: "string" }, "passphrase-file": { type: "string" } },
    run: async (values, _positionals, file) =>
      (await backups()).backupCommand(file, values.out as string | undefined, values["passphrase-file"] as string | undefined),
  },
  restore: {
    usage: "restore ARCHIVE [--passphrase-file FILE] [--config FILE]",
    summary: "bring a backup back into an empty data directory (checksums verified first; nothing is overwritten)",
    options: { ...configOption, "passphrase-file": { type: "string" } },
    run: async (values, positionals, file) => (await backups()).restoreCommand(file, positionals[0], values["passphrase-file"] as string | undefined),
  },
  "port-db": {
    usage: "port-db [--host H] [--port P] [--name DB] [--user ROLE] [--password-file FILE] [--config FILE]",
    summary:
      "move a stopped block from SQLite to PostgreSQL (Synapse's port script; default: the local socket, database and role blockshare), then switch the neighborhood file to it",
    options: {
      ...configOption,
      host: { type: "string" },
      port: { type: "string" },
      name: { type: "string" },
      user: { type: "string" },
      "password-file": { type: "string" },
    },
    run: async (values, _positionals, file) =>
      (await import("./databaseCommands.ts")).portDbCommand(file, {
        host: values.host as string | undefined,
        port: values.port as string | undefined,
        name: values.name as string | undefined,
        user: values.user as string | undefined,
        passwordFile: values["password-file"] as string | undefined,
      }),
  },
  install: {
    usage:
      "install [--server-name NAME --public-url URL --name TEXT] [--element-tarball FILE] [--element-sha256 HEX] [--certificate FILE --key FILE] [--root DIR] [--no-start] [--config FILE]",
    summary:
      "set up (or upgrade) a production box as root: PostgreSQL, nginx with TLS, Element Web (checksum verified), systemd units; says what changed. --root DIR only writes the files under DIR",
    options: {
      ...configOption,
      "server-name": { type: "string" },
      "public-url": { type: "string" },
      name: { type: "string" },
      "element-tarball": { type: "string" },
      "element-sha256": { type: "string" },
      certificate: { type: "string" },
      key: { type: "string" },
      root: { type: "string" },
      "no-start": { type: "boolean" },
    },
    run: async (values, _positionals, file) =>
      (await import("./installCommand.ts")).installCommand(file, {
        serverName: values["server-name"] as string | undefined,
        publicUrl: values["public-url"] as string | undefined,
        name: values.name as string | undefined,
        elementTarball: values["element-tarball"] as string | undefined,
        elementSha256: values["element-sha256"] as string | undefined,
        certificate: values.certificate as string | undefined,
        key: values.key as string | undefined,
        root: values.root as string | undefined,
        start: values["no-start"] !== true,
      }),
  },
  configure: {
    usage: "configure [--config FILE]",
    summary: "write Synapse's configuration (and its workers') from the neighborhood file, then exit (install runs it too)",
    options: configOption,
    run: async (_values, _positionals, file) => (await services()).configureCommand(file),
  },
  "serve-bots": {
    usage: "serve-bots [--config FILE]",
    summary: "run the bots beside a Synapse that systemd or compose runs (what the blockshare-appservices service runs)",
    options: configOption,
    run: async (_values, _positionals, file) => (await services()).serveBotsCommand(file),
  },
  "serve-monitor": {
    usage: "serve-monitor [--config FILE]",
    summary: "run the mesh monitor, alerting into the bots on this box (what the blockshare-mesh-monitor service runs)",
    options: configOption,
    run: async (_values, _positionals, file) => (await services()).serveMonitorCommand(file),
  },
};

function help(): string {
  const lines = Object.values(commands).map((command) => `  deploy/blockshare ${command.usage}\n      ${command.summary}`);
  return [
    "BlockShare: a neighborhood's own chat server with bots.",
    "",
    "  deploy/blockshare test [FILES...]\n      type-check and run the tests",
    "  deploy/blockshare test:arm64\n      as root: the production install on an emulated Raspberry Pi (arm64) box; ~30 min with warm caches, not part of test",
    "  deploy/blockshare bench\n      run the benchmarks into bench/results.json",
    ...lines,
    "",
    "The neighborhood file defaults to ./neighborhood.yaml in the project folder.",
  ].join("\n");
}

/** "--uses -1" as "--uses=-1": parseArgs would call it ambiguous; the command then says what it accepts. */
function withNegativeValues(args: string[], options: Command["options"]): string[] {
  const joined: string[] = [];
  for (const arg of args) {
    const previous = joined.at(-1) ?? "";
    const takesValue = previous.startsWith("--") && !previous.includes("=") && options[previous.slice(2)]?.type === "string";
    if (takesValue && /^-\d/.test(arg)) joined[joined.length - 1] = `${previous}=${arg}`;
    else joined.push(arg);
  }
  return joined;
}

async function main(argv: string[]): Promise<number> {
  // Two-word commands ("token create") first, then one-word ones.
  const twoWords = argv.slice(0, 2).join(" ");
  const name = commands[twoWords] ? twoWords : (argv[0] ?? "run");
  const rest = argv.slice(name.split(" ").length);
  if (name === "help" || name === "--help" || name === "-h") {
    console.log(help());
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${help()}`);
    return 2;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: withNegativeValues(rest, command.options), options: command.options, allowPositionals: true, strict: true });
  } catch (error) {
    console.error(`${(error as Error).message}\nUsage: deploy/blockshare ${command.usage}`);
    return 2;
  }
  const file = resolve((parsed.values.config as string | undefined) ?? join(projectRoot, "neighborhood.yaml"));
  try {
    await command.run(parsed.values, parsed.positionals, file);
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof NeighborhoodFileError || error instanceof UsageError) console.error(error.message);
    else console.error(`blockshare ${name} failed: ${(error as Error).message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
