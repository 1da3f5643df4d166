// The identity of an IndexedDB key as bytes: equal keys (by IndexedDB's comparison) give equal bytes, different
// keys different bytes. It is the SQLite primary key of a record row. Not v8.serialize: V8 writes a string as
// one-byte or two-byte depending on how it happens to be held in memory, so one key could give two rows.

const tags = { number: 1, date: 2, string: 3, binary: 4, array: 5 } as const;

/** Bytes that name `key` (a key as fake-indexeddb holds it: number, Date, string, ArrayBuffer or an array of keys). */
export function keyIdentity(key: unknown): Buffer {
  const parts: Buffer[] = [];
  appendKey(key, parts);
  return Buffer.concat(parts);
}

function appendKey(key: unknown, parts: Buffer[]): void {
  if (typeof key === "number") parts.push(tagged(tags.number, double(key)));
  else if (key instanceof Date) parts.push(tagged(tags.date, double(key.getTime())));
  // Length-prefixed, so no key's bytes are the start of another's; utf16le keeps lone surrogates as they are.
  else if (typeof key === "string") parts.push(tagged(tags.string, length(key.length)), Buffer.from(key, "utf16le"));
  else if (key instanceof ArrayBuffer) parts.push(tagged(tags.binary, length(key.byteLength)), Buffer.from(key));
  else if (ArrayBuffer.isView(key)) parts.push(tagged(tags.binary, length(key.byteLength)), Buffer.from(key.buffer, key.byteOffset, key.byteLength));
  else if (Array.isArray(key)) {
    parts.push(tagged(tags.array, length(key.length)));
    for (const part of key) appendKey(part, parts);
  } else throw new TypeError(`not an IndexedDB key: ${Object.prototype.toString.call(key)}`);
}

function tagged(tag: number, rest: Buffer): Buffer {
  return Buffer.concat([Buffer.of(tag), rest]);
}

function double(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleBE(value === 0 ? 0 : value); // -0 and 0 are the same key
  return bytes;
}

function length(count: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(count);
  return bytes;
}
