// The BlockShare command line: a table of commands, each with its own options and help.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { join, resolve } from "node:path";
import { NeighborhoodFileError } from "../../homeserver-config/loadNeighborhood.ts";
import { runNeighborhood } from "./runCommand.ts";
import { showStatus } from "./statusCommand.ts";
import { createToken, listTokens, revokeToken } from "./tokenCommands.ts";
import { UsageError } from "./usageError.ts";

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
    summary: "show whether the running neighborhood's homeserver and bots are healthy",
    options: configOption,
    run: (_values, _positionals, file) => showStatus(file),
  },
  "token create": {
    usage: "token create [--uses N] [--expires DAYS] [--config FILE]",
    summary: "create a registration token for new neighbors (default: 10 uses, valid 7 days; --uses 0 for unlimited, --expires 0 for never)",
    options: { ...configOption, uses: { type: "string" }, expires: { type: "string" } },
    run: (values, _positionals, file) => createToken(file, values.uses as string | undefined, values.expires as string | undefined),
  },
  "token list": {
    usage: "token list [--all] [--config FILE]",
    summary: "list registration tokens that can still be used (--all: also used-up and expired ones)",
    options: { ...configOption, all: { type: "boolean" } },
    run: (values, _positionals, file) => listTokens(file, values.all === true),
  },
  "token revoke": {
    usage: "token revoke TOKEN [--config FILE]",
    summary: "revoke a registration token so nobody else can sign up with it",
    options: configOption,
    run: (_values, positionals, file) => revokeToken(file, positionals[0]),
  },
};

function help(): string {
  const lines = Object.values(commands).map((command) => `  deploy/blockshare ${command.usage}\n      ${command.summary}`);
  return [
    "BlockShare: a neighborhood's own chat server with bots.",
    "",
    "  deploy/blockshare test [FILES...]\n      type-check and run the tests",
    "  deploy/blockshare bench\n      run the benchmarks into bench/results.json",
    ...lines,
    "",
    "The neighborhood file defaults to ./neighborhood.yaml in the project folder.",
  ].join("\n");
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
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
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
