// The first run's one permanent choice, made explicit before anything is created: the server name is
// part of every account and room. On a terminal, ask; otherwise (CI, a service) take the host name and
// say plainly, before the first account exists, what was chosen and how to choose another.
import { createInterface } from "node:readline/promises";
import { NeighborhoodSchema } from "../../homeserver-config/neighborhoodSchema.ts";
import { defaultServerName } from "./defaultNeighborhood.ts";

const validName = new RegExp(NeighborhoodSchema.properties.server_name.pattern!);

export interface ServerNameChoice {
  serverName: string;
  /** Whether someone typed or confirmed it (false: the default, taken without asking). */
  asked: boolean;
}

export async function chooseServerName(interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY)): Promise<ServerNameChoice> {
  const fallback = defaultServerName();
  if (!interactive) return { serverName: fallback, asked: false };
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write(
      "This block needs a server name. It becomes part of every neighbor's user ID (@dana:NAME) and cannot change\n" +
        "once neighbors have accounts. Use the host name neighbors' devices reach this box by on the mesh\n" +
        "(lower case; for federation with neighboring blocks add the port, e.g. maple.mesh:8448).\n",
    );
    for (;;) {
      const answer = (await terminal.question(`Server name [${fallback}]: `)).trim();
      const serverName = answer.toLowerCase() || fallback;
      if (validName.test(serverName)) return { serverName, asked: true };
      process.stderr.write(`"${answer}" is not a server name: a host name of letters, digits, dots and dashes, optionally :port.\n`);
    }
  } finally {
    terminal.close();
  }
}

/** What a non-interactive first run prints before anything permanent exists. */
export function describeDefaultServerName(serverName: string, file: string, dataDir: string): string {
  return `Server name: ${serverName} (this machine's host name: there was no terminal to ask on).
    It becomes part of every account (@admin:${serverName}) and cannot change once the block has accounts.
    To choose another: stop now (Ctrl-C), set server_name in ${file}, remove ${dataDir} if it exists, and run again.`;
}
