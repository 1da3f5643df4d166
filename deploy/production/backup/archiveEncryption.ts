// Encryption for backups kept on a neighboring block's box (mutual aid): AES-256-GCM with a key derived
// by scrypt from a passphrase file. The neighbor holds bytes it cannot read or alter undetected.
// File layout: a magic line, a JSON line with the KDF parameters, salt and IV, the ciphertext, and the
// 16-byte GCM tag at the very end.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { closeSync, createReadStream, createWriteStream, openSync, readFileSync, readSync, statSync } from "node:fs";
import { pipeline } from "node:stream/promises";

const MAGIC = "BLOCKSHARE-ENCRYPTED-BACKUP v1\n";
const TAG_BYTES = 16;
// 64 MiB of memory for scrypt: slow enough against guessing, fine on a Raspberry Pi.
const KDF = { N: 2 ** 16, r: 8, p: 1 } as const;

interface Header {
  kdf: "scrypt";
  N: number;
  r: number;
  p: number;
  salt: string;
  iv: string;
}

export function readPassphrase(file: string): string {
  const passphrase = readFileSync(file, "utf8").trim();
  if (passphrase.length < 12) throw new Error(`the passphrase in ${file} is too short: use at least 12 characters`);
  return passphrase;
}

function deriveKey(passphrase: string, header: Header): Buffer {
  return scryptSync(passphrase, Buffer.from(header.salt, "base64"), 32, { N: header.N, r: header.r, p: header.p, maxmem: 256 * 1024 * 1024 });
}

export async function encryptFile(input: string, output: string, passphrase: string): Promise<void> {
  const header: Header = { kdf: "scrypt", ...KDF, salt: randomBytes(16).toString("base64"), iv: randomBytes(12).toString("base64") };
  const headerText = MAGIC + JSON.stringify(header) + "\n";
  const cipher = createCipheriv("aes-256-gcm", deriveKey(passphrase, header), Buffer.from(header.iv, "base64"));
  // The header is authenticated too: changing the KDF parameters breaks the tag.
  cipher.setAAD(Buffer.from(headerText));
  const out = createWriteStream(output, { mode: 0o600 });
  out.write(headerText);
  await pipeline(createReadStream(input), cipher, out, { end: false });
  out.end(cipher.getAuthTag());
  await new Promise<void>((resolve, reject) => out.once("finish", resolve).once("error", reject));
}

export function isEncrypted(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(MAGIC.length);
    readSync(fd, buffer, 0, MAGIC.length, 0);
    return buffer.toString() === MAGIC;
  } finally {
    closeSync(fd);
  }
}

export class WrongPassphraseOrDamaged extends Error {}

export async function decryptFile(input: string, output: string, passphrase: string): Promise<void> {
  const size = statSync(input).size;
  const fd = openSync(input, "r");
  let headerText: string;
  const tag = Buffer.alloc(TAG_BYTES);
  try {
    const start = Buffer.alloc(Math.min(4096, size));
    readSync(fd, start, 0, start.length, 0);
    const secondNewline = start.indexOf("\n", MAGIC.length);
    if (!start.toString("latin1").startsWith(MAGIC) || secondNewline < 0) throw new Error(`${input} is not an encrypted BlockShare backup`);
    headerText = start.subarray(0, secondNewline + 1).toString();
    readSync(fd, tag, 0, TAG_BYTES, size - TAG_BYTES);
  } finally {
    closeSync(fd);
  }
  const header = JSON.parse(headerText.slice(MAGIC.length)) as Header;
  const decipher = createDecipheriv("aes-256-gcm", deriveKey(passphrase, header), Buffer.from(header.iv, "base64"));
  decipher.setAAD(Buffer.from(headerText));
  decipher.setAuthTag(tag);
  try {
    await pipeline(
      createReadStream(input, { start: Buffer.byteLength(headerText), end: size - TAG_BYTES - 1 }),
      decipher,
      createWriteStream(output, { mode: 0o600 }),
    );
  } catch {
    throw new WrongPassphraseOrDamaged(`${input} could not be decrypted: wrong passphrase, or the file was changed or damaged`);
  }
}
