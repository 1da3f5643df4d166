// Attachments in encrypted rooms (spec "Sending encrypted attachments"): the media repository holds
// AES-256-CTR ciphertext, and the event's `file` carries the key (a JWK), the IV and the ciphertext's SHA-256.
// Node's crypto does all of it; no library needed. Pure: bytes in, bytes out.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/** The `file` object of an encrypted m.image / m.file / m.video / m.audio. */
export interface EncryptedFile {
  url: string;
  key: { kty: "oct"; alg: "A256CTR"; ext: true; k: string; key_ops: string[] };
  iv: string;
  hashes: { sha256: string };
  v: "v2";
}

const unpadded = (base64: string) => base64.replace(/=+$/, "");

export class AttachmentRejected extends Error {}

/** Reads `content.file` of a message; undefined when it is not a well-formed v2 encrypted file. */
export function encryptedFileOf(content: Record<string, unknown>): EncryptedFile | undefined {
  const file = content.file as Partial<EncryptedFile> | undefined;
  if (typeof file !== "object" || file === null) return undefined;
  const { url, key, iv, hashes } = file;
  if (typeof url !== "string" || typeof iv !== "string" || typeof hashes?.sha256 !== "string") return undefined;
  if (key?.kty !== "oct" || key.alg !== "A256CTR" || typeof key.k !== "string") return undefined;
  return file as EncryptedFile;
}

/** The plain bytes, after checking the ciphertext's hash (a tampered or truncated download is refused). */
export function decryptAttachment(ciphertext: Uint8Array, file: EncryptedFile): Buffer {
  const digest = unpadded(createHash("sha256").update(ciphertext).digest("base64"));
  if (digest !== unpadded(file.hashes.sha256)) throw new AttachmentRejected("the attachment does not match its SHA-256 hash");
  const key = Buffer.from(file.key.k, "base64url");
  const iv = Buffer.from(file.iv, "base64");
  if (key.length !== 32 || iv.length !== 16) throw new AttachmentRejected("the attachment's key or IV has the wrong length");
  const decipher = createDecipheriv("aes-256-ctr", key, iv);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/** Encrypts bytes as Element does (random key, IV with a zero counter half): the ciphertext and the `file` without its url. */
export function encryptAttachment(plain: Uint8Array): { ciphertext: Buffer; file: Omit<EncryptedFile, "url"> } {
  const key = randomBytes(32);
  // The spec's IV: 8 random bytes, then a 64-bit counter starting at zero (so it never wraps).
  const iv = Buffer.concat([randomBytes(8), Buffer.alloc(8)]);
  const cipher = createCipheriv("aes-256-ctr", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return {
    ciphertext,
    file: {
      key: { kty: "oct", alg: "A256CTR", ext: true, k: key.toString("base64url"), key_ops: ["encrypt", "decrypt"] },
      iv: unpadded(iv.toString("base64")),
      hashes: { sha256: unpadded(createHash("sha256").update(ciphertext).digest("base64")) },
      v: "v2",
    },
  };
}
