// The neighbor pact as kept in the neighborhood file: add, remove and list neighboring blocks. The file
// is edited as a YAML document so the operator's comments and layout survive, and validated before it
// is written, so a bad entry never reaches disk.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { parseDocument } from "yaml";
import { validateNeighborhood, type LoadedNeighborhood } from "./loadNeighborhood.ts";
export class PactError extends Error {}

/** A neighboring block: its server name and mesh address (the same shape as the bots' PactMember, which this folder may not import). */
export interface PactMember {
  serverName: string;
  address: string;
}

export function pactMembers(neighborhood: LoadedNeighborhood): PactMember[] {
  return neighborhood.neighbors.map((neighbor) => ({ serverName: neighbor.server_name, address: neighbor.address }));
}

function rewriteNeighbors(file: string, change: (neighbors: PactMember[]) => PactMember[]): PactMember[] {
  const document = parseDocument(readFileSync(file, "utf8"));
  const current = ((document.toJS() as { neighbors?: { server_name: string; address: string }[] }).neighbors ?? []).map((neighbor) => ({
    serverName: neighbor.server_name,
    address: neighbor.address,
  }));
  const next = change(current);
  document.set(
    "neighbors",
    next.map((member) => ({ server_name: member.serverName, address: member.address })),
  );
  // Throws NeighborhoodFileError naming the bad value; nothing is written then.
  validateNeighborhood(file, document.toJS());
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, document.toString());
  renameSync(temporary, file);
  return next;
}

export function addToPact(file: string, member: PactMember, ownServerName: string): PactMember[] {
  if (member.serverName === ownServerName) throw new PactError(`${member.serverName} is this block itself`);
  return rewriteNeighbors(file, (neighbors) => {
    if (neighbors.some((neighbor) => neighbor.serverName === member.serverName)) {
      throw new PactError(`${member.serverName} is already in the pact (remove it first to change its address)`);
    }
    return [...neighbors, member];
  });
}

export function removeFromPact(file: string, serverName: string): PactMember[] {
  return rewriteNeighbors(file, (neighbors) => {
    if (!neighbors.some((neighbor) => neighbor.serverName === serverName)) {
      const known = neighbors.map((neighbor) => neighbor.serverName).join(", ") || "none";
      throw new PactError(`${serverName} is not in the pact; the pact holds: ${known}`);
    }
    return neighbors.filter((neighbor) => neighbor.serverName !== serverName);
  });
}
