import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AttachmentRejected, decryptAttachment, encryptAttachment, encryptedFileOf } from "../src/encryptedAttachments.ts";

describe("encrypted attachments", () => {
  const photo = Buffer.from("a photo of a ladder, leaning on a fence".repeat(100));

  it("what is encrypted as Element does decrypts to the same bytes", () => {
    const { ciphertext, file } = encryptAttachment(photo);
    assert.notDeepEqual(ciphertext, photo);
    assert.deepEqual(decryptAttachment(ciphertext, { ...file, url: "mxc://b/x" }), photo);
  });

  it("a tampered or truncated download is refused, not decrypted into garbage", () => {
    const { ciphertext, file } = encryptAttachment(photo);
    const tampered = Buffer.from(ciphertext);
    tampered[10] = (tampered[10] ?? 0) ^ 1;
    assert.throws(() => decryptAttachment(tampered, { ...file, url: "mxc://b/x" }), AttachmentRejected);
    assert.throws(() => decryptAttachment(ciphertext.subarray(0, 100), { ...file, url: "mxc://b/x" }), AttachmentRejected);
  });

  it("reads content.file only when it is a well-formed v2 encrypted file", () => {
    const { file } = encryptAttachment(photo);
    assert.equal(encryptedFileOf({ msgtype: "m.image", file: { ...file, url: "mxc://b/x" } })?.url, "mxc://b/x");
    assert.equal(encryptedFileOf({ msgtype: "m.image", url: "mxc://b/x" }), undefined);
    assert.equal(encryptedFileOf({ file: { ...file, url: "mxc://b/x", key: { ...file.key, alg: "A128CBC" } } }), undefined);
  });
});
