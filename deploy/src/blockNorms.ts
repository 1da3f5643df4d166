// The norms a block starts with: the neighborhood file's `norms`, else the default ones in the block's
// language (the porch's catalog), so a Spanish block's join page and Lobby pin start in Spanish.
import type { LoadedNeighborhood } from "../../homeserver-config/loadNeighborhood.ts";
import { sayPlain } from "../../bots/framework/speak.ts";

export function initialNorms(neighborhood: Pick<LoadedNeighborhood, "norms" | "language">): string {
  return (neighborhood.norms ?? sayPlain(neighborhood.language, "porch.norms.default")).trim();
}
