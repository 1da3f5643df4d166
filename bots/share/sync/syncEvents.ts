// The board-sync wire format: Matrix event types and contents, and the split/reassembly that keeps
// every event well under Matrix's 65,536-byte limit (a PDU also carries signatures, hashes and
// prev_events, so each chunk holds at most 48,000 base64 characters, about 36 KB of update).

export const boardUpdateType = "org.blockshare.board.update";
/** "This is what I have": peers answer with what it lacks, and ask back when they lack something. */
export const boardStateType = "org.blockshare.board.state";

export const maxChunkChars = 48_000;
/** A reassembled update larger than this is refused (a 10,000-listing board is about 2 MB). */
export const maxUpdateBytes = 16 * 1024 * 1024;
export const maxChunkCount = Math.ceil((maxUpdateBytes * 4) / 3 / maxChunkChars) + 1;
/** A state vector has one entry per Yjs client that ever wrote; far below this for a pact of blocks. */
export const maxStateVectorChars = 16_000;

export interface ChunkInfo {
  id: string;
  index: number;
  count: number;
}

export interface UpdateContent {
  update: string;
  chunk?: ChunkInfo;
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

const base64Shape = /^[A-Za-z0-9+/]*={0,2}$/u;

export function fromBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !base64Shape.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, "base64"));
}

/** One event content when it fits, else numbered chunks of one id. */
export function splitUpdate(update: Uint8Array, chunkId: string): UpdateContent[] {
  const encoded = toBase64(update);
  if (encoded.length <= maxChunkChars) return [{ update: encoded }];
  const count = Math.ceil(encoded.length / maxChunkChars);
  return Array.from({ length: count }, (_, index) => ({
    update: encoded.slice(index * maxChunkChars, (index + 1) * maxChunkChars),
    chunk: { id: chunkId, index, count },
  }));
}

export type ReadUpdate = { kind: "whole"; base64: string } | { kind: "chunk"; base64: string; chunk: ChunkInfo } | { kind: "oversize" } | { kind: "malformed" };

/** Checks shape and size before anything is decoded. */
export function readUpdateContent(content: Record<string, unknown>): ReadUpdate {
  const { update, chunk } = content;
  if (typeof update !== "string") return { kind: "malformed" };
  if (update.length > maxChunkChars) return { kind: "oversize" };
  if (chunk === undefined) return { kind: "whole", base64: update };
  if (typeof chunk !== "object" || chunk === null) return { kind: "malformed" };
  const { id, index, count } = chunk as Record<string, unknown>;
  if (typeof id !== "string" || id.length > 100 || !Number.isSafeInteger(index) || !Number.isSafeInteger(count)) return { kind: "malformed" };
  if ((count as number) > maxChunkCount) return { kind: "oversize" };
  if ((count as number) < 1 || (index as number) < 0 || (index as number) >= (count as number)) return { kind: "malformed" };
  return { kind: "chunk", base64: update, chunk: { id, index: index as number, count: count as number } };
}
