// The push body, read as text up to a cap. Not body-parser (express.text): on a body over its limit it
// reads the rest of it to the end before answering, and a monitor on a small router must not take in
// 50 MB to say no. Here a larger declared length is refused before a byte is read, and a chunked body
// as soon as it passes the cap.
import type { RequestHandler } from "express";

/** Puts the body, as UTF-8 text, in `request.body`; a body over `limit` bytes goes to `tooLarge` instead. */
export function cappedTextBody(limit: number, tooLarge: RequestHandler): RequestHandler {
  return (request, response, next) => {
    const declared = Number(request.headers["content-length"] ?? Number.NaN);
    if (Number.isFinite(declared) && declared > limit) return tooLarge(request, response, next);
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (): void => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      stop();
      request.pause();
      tooLarge(request, response, next);
    };
    const onEnd = (): void => {
      stop();
      request.body = Buffer.concat(chunks).toString("utf8");
      next();
    };
    const onError = (error: Error): void => {
      stop();
      next(error);
    };
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("error", onError);
  };
}
