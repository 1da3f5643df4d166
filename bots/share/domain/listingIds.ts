// Short listing ids neighbors can type: #12 for this block's listings, #12.oak for listing 12 of a
// pact block whose server name starts with "oak". Keys in the board are `<server>/<number>`.

export function listingKey(home: string, number: number): string {
  return `${home}/${number}`;
}

function firstLabel(server: string): string {
  return server.split(/[.:]/u)[0] ?? server;
}

export function shortId(home: string, number: number, ownServer: string): string {
  return home === ownServer ? `#${number}` : `#${number}.${firstLabel(home)}`;
}

export interface ListingRef {
  number: number;
  /** The block as typed after the dot ("oak" or "oak.example"); absent means this block. */
  block?: string;
}

const refPattern = /^#?(\d{1,9})(?:[.@]([a-z0-9][a-z0-9.:-]*))?$/iu;

export function parseListingRef(word: string): ListingRef | undefined {
  const match = refPattern.exec(word.trim());
  if (match === null) return undefined;
  const number = Number(match[1]);
  if (!Number.isSafeInteger(number) || number < 1) return undefined;
  return match[2] === undefined ? { number } : { number, block: match[2].toLowerCase() };
}

/** The listing key a ref names, given the servers it may belong to; undefined when none or ambiguous. */
export function resolveListingRef(ref: ListingRef, ownServer: string, servers: readonly string[]): string | undefined {
  if (ref.block === undefined) return listingKey(ownServer, ref.number);
  const block = ref.block;
  const candidates = servers.filter((server) => server.toLowerCase() === block || firstLabel(server).toLowerCase() === block);
  return candidates.length === 1 && candidates[0] !== undefined ? listingKey(candidates[0], ref.number) : undefined;
}
